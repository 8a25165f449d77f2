"""Which model a file holds, and the checks of one record: a list of plain issue dicts.

::

    model = resolve_model("completions")              # or "mypkg.models:MyCompletion"
    model = model_from_path("dumps/completions/2025-01-01.jsonl")      # Completion
    outcome = check_record(record, model, CheckOptions(strict=False))
    for issue in outcome.issues:                       # the stable JSON Lines issue objects
        print(issue["path"], issue["code"], issue["severity"], issue["message"])

An issue dict has the keys of the ``--format json`` output: ``type`` (``"issue"``),
``file``, ``line``, ``record`` (the record's JSONPath in its file), ``id``, ``path``,
``code``, ``severity`` and ``message``. Every function here is module-level and every value
plain data, so a worker process (``--jobs``, Dask, Spark) can run them.
"""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path
from typing import Any, Literal

import attrs
import orjson

from .._exchange import PREFIX, url_path, validate_exchange
from .._gen.mirror import mirror_checker
from .._models.models import MODELS, Page
from .._request.har import HarExchange
from .._validate import quiet_checker, validate, warns_about
from .._values.absent import ABSENT
from .._values.issues import Issue, format_path
from .._values.jsonvalue import duplicate_keys, encode, may_hold_wide_integer
from .._values.leaf import FieldError
from .readers import Quiet, ReadOptions, Record

__all__ = [
    "CheckOptions",
    "Outcome",
    "check_record",
    "issue_dict",
    "model_from_path",
    "model_names",
    "quiet_lines",
    "resolve_model",
]

_NAMES: dict[str, type] = {}
for _model in MODELS:
    _NAMES[_model.__name__.lower()] = _model
    _NAMES[_model.__name__.lower() + "s"] = _model
_NAMES["categories"] = _NAMES["category"]
del _model
_WORD = re.compile(r"[a-z]+")
_loads = orjson.loads


def model_names() -> tuple[str, ...]:
    """The model names ``--model`` takes (singular; plurals work too)."""
    return tuple(m.__name__.lower() for m in MODELS)


def resolve_model(spec: str) -> type:
    """The model ``--model`` names: a word (``completion``, ``completions``) or
    ``package.module:Class`` (an attrs class, such as your own subclass of a model). Raises
    ``ValueError`` with a message for people."""
    if ":" in spec:
        module_name, _, attribute = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ValueError(f"cannot import {module_name!r} for --model {spec}: {exc}") from None
        cls: Any = module
        for part in attribute.split("."):
            cls = getattr(cls, part, None)
            if cls is None:
                raise ValueError(f"{module_name!r} has no attribute {attribute!r}")
        if not (isinstance(cls, type) and attrs.has(cls)):
            raise ValueError(f"--model {spec}: {cls!r} is not an attrs model class")
        return cls
    model = _NAMES.get(spec.lower())
    if model is None:
        raise ValueError(
            f"unknown model {spec!r} (one of {', '.join(model_names())}, or package.module:Class)"
        )
    return model


def _word_model(name: str) -> type | None:
    """The last model word of a name: ``user-completions`` is a completion."""
    found = None
    for word in _WORD.findall(name.lower()):
        found = _NAMES.get(word, found)
    return found


def model_from_path(path: str) -> type | None:
    """The model a file's name tells (the last model word of its name without suffixes),
    or failing that the nearest parent directory whose name tells one."""
    if path == "-":
        return None
    where = Path(path)
    stem = where.name.split(".")[0]
    model = _word_model(stem)
    if model is not None:
        return model
    for parent in where.parents:
        model = _word_model(parent.name)
        if model is not None:
            return model
    return None


@attrs.frozen
class CheckOptions:
    """``strict``: unknown keys are errors (``forbid_unknown_keys``)."""

    strict: bool = False


@attrs.frozen
class Outcome:
    """What became of a record: ``checked`` (counted; ``issues`` its problems),
    ``skipped`` (a HAR entry that is not checked, for ``reason``), ``envelope`` (a page's
    envelope: its errors fail the run, but it is no record) or ``notice`` (a problem of the
    file, not a record)."""

    status: Literal["checked", "skipped", "notice", "envelope"]
    issues: list[dict[str, Any]] = attrs.field(factory=list)
    reason: str | None = None


def issue_dict(record: Record, issue: Issue, path: str | None = None) -> dict[str, Any]:
    """The stable JSON object of one problem of ``record``."""
    payload = record.payload
    ident = payload.get("id") if type(payload) is dict else None
    return {
        "type": "issue",
        "file": record.file,
        "line": record.line,
        "record": format_path(record.position),
        "id": ident if type(ident) is str else None,
        "path": issue.path if path is None else path,
        "code": issue.code,
        "severity": issue.severity,
        "message": issue.message,
    }


def _joined(position: tuple[Any, ...], path: str) -> str:
    """An item's issue path inside its file: ``$.score`` at ``items[3]`` is
    ``$.items[3].score``."""
    if not position:
        return path
    return format_path(position) + path[1:]


#: The outcome of a record with nothing to say (shared: never change its list).
QUIET_OUTCOME = Outcome("checked")


def check_record(record: Record, model: type | None, options: CheckOptions) -> Outcome:
    """Every problem of one record, as issue dicts (errors first). ``model`` is the file's
    model (None for HTTP archives, whose URLs tell it)."""
    kind = record.kind
    if kind == "quiet":
        return QUIET_OUTCOME
    if kind == "notice":
        return Outcome("notice", [issue_dict(record, record.payload)])
    if kind == "exchange":
        return _exchange(record, options)
    payload = record.payload
    if isinstance(payload, FieldError):
        issue = Issue("$", payload.code, payload.message)
        return Outcome("checked", [issue_dict(record, issue, _joined(record.position, "$"))])
    assert model is not None
    if kind == "envelope":
        report = validate({**payload, "items": []}, Page[model], forbid_unknown_keys=options.strict)  # type: ignore[valid-type]
        warnings = [w for w in report.warnings if w.code != "page_size_mismatch"]
        found = [*report.errors, *warnings, *record.extra]
    else:
        target: Any = model
        if kind == "record" and _is_page(payload):
            target = Page[model]  # type: ignore[valid-type]
        if type(payload) is str:  # a JSON string document; validate() reads a str as JSON text
            payload = encode(payload)
        report = validate(payload, target, forbid_unknown_keys=options.strict)
        found = [*report.errors, *report.warnings, *record.extra]
        # Another model explains the keys better only when some are unknown, which the
        # report says (an unknown_key warning, or error with --strict): no issue, no scan.
        if target is model and found:
            mismatch = _mismatch(payload, model)
            if mismatch is not None:
                found.append(mismatch)
    issues = [issue_dict(record, i, _joined(record.position, i.path)) for i in found]
    issues.sort(key=_errors_first)
    return Outcome("envelope" if kind == "envelope" else "checked", issues)


def quiet_lines(
    model: type, options: CheckOptions, read: ReadOptions, *, use_msgspec: bool = True
) -> Quiet | None:
    """The :data:`~lms_schema._capture.readers.Quiet` predicate of JSON Lines lines holding
    ``model`` records: True when :func:`check_record` would find nothing to say about the
    line's record, decided in one pass without building issues (the common case of a capture
    is a valid record; every other line is read and checked as usual, and explained). None
    when the model has no generated checker.

    With msgspec installed (the ``fast`` extra) a line is decoded straight into the model's
    mirror Structs (:func:`~lms_schema._gen.mirror.mirror_checker`): no dict in between, and
    integers stay exact, so no search for wide ones. Lines with a backslash, and anything
    msgspec refuses, take the orjson lane; whatever that is not sure of, the full check.
    ``use_msgspec=False``: the orjson lane alone (as without msgspec).
    """
    quiet = quiet_checker(model, options.strict)
    if quiet is None:
        return None
    repeats = read.duplicate_keys

    def orjson_lane(line: bytes) -> bool:
        try:
            document = _loads(line)
        except ValueError:  # not JSON, or a lone surrogate the full reader handles
            return False
        if type(document) is not dict or _is_page(document):
            return False  # not one record, or (like) a page
        if may_hold_wide_integer(line):  # read again exactly by the full reader
            return False
        if repeats and duplicate_keys(line, document):
            return False
        return quiet(document)

    # A record of a model with an ``items`` field could be read as a page (see _is_page):
    # the orjson lane leaves those to the full reader.
    may_be_page = "items" in _fields(model)
    mirror = mirror_checker(model, options.strict) if use_msgspec and not may_be_page else None
    if mirror is None:
        return orjson_lane
    decode, check, encode = mirror

    def mirror_lane(line: bytes) -> bool:
        if b"\\" in line:  # an escape: the colon count below cannot tell repeated keys
            return orjson_lane(line)
        try:
            document = decode(line)
        except Exception:  # noqa: BLE001 - msgspec refuses it (unknown keys, ...): ask orjson
            return orjson_lane(line)
        if repeats:
            # Text that is the mirror's own encoding (compact, keys in field order: what most
            # writers of these records give) holds every key once. Otherwise: without
            # escapes, every colon is a key's or inside a string, and the mirror holds every
            # key and string of the text unless a key repeats (msgspec keeps the last), so
            # the counts are equal exactly when no key repeats (as _values.jsonvalue argues).
            again = encode(document)
            rest = line[len(again) :]
            if not (line.startswith(again) and (not rest or rest.isspace())) and (
                line.count(b":") != again.count(b":")
            ):
                return False
        found: list[str] = []
        try:
            value = check(document, found)
        except Exception:  # noqa: BLE001 - an error, or a decline: the full check explains
            return False
        return not found and not warns_about(model, value)

    return mirror_lane


def _errors_first(issue: dict[str, Any]) -> int:
    return 0 if issue["severity"] == "error" else 1


def _is_page(payload: Any) -> bool:
    return type(payload) is dict and "items" in payload and "id" not in payload


@functools.cache
def _fields(model: Any) -> frozenset[str]:
    return frozenset(a.name for a in attrs.fields(model))


def _mismatch(payload: Any, model: type) -> Issue | None:
    """A ``model_mismatch`` warning when another model explains the record's keys clearly
    better: at least two keys fewer left unexplained, and at most a quarter as many."""
    if type(payload) is not dict:
        return None
    fields = _fields(model)
    unknown = [key for key in payload if key not in fields]
    if len(unknown) < 2:
        return None
    best: tuple[int, type] | None = None
    other: Any
    for other in MODELS:
        if issubclass(model, other) or issubclass(other, model):
            continue
        others = _fields(other)
        left = sum(1 for key in payload if key not in others)
        if best is None or left < best[0]:
            best = (left, other)
    if best is None:
        return None
    left, other = best
    if len(unknown) - left < 2 or left * 4 > len(unknown):
        return None
    shown = ", ".join(repr(k) for k in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    name, other_name = model.__name__.lower(), other.__name__.lower()
    return Issue(
        "$",
        "model_mismatch",
        f"the keys fit {other_name} better than {name}: {len(unknown)} key"
        f"{'s' if len(unknown) != 1 else ''} that {name} does not define ({shown}), {left} "
        f"that {other_name} does not; pass --model {other_name} if the file holds {other_name}s",
        severity="warning",
    )


_NOT_JSON = ("application/json", "+json", "text/json")


def _exchange(record: Record, options: CheckOptions) -> Outcome:
    entry = record.payload
    if isinstance(entry, Issue):  # an entry (or the archive) that cannot be read
        return Outcome("checked", [issue_dict(record, entry)])
    assert isinstance(entry, HarExchange)
    method = entry.method.upper()
    path = url_path(entry.url)
    if path is not None and not path.startswith(PREFIX):
        return Outcome("skipped", reason="not LMS")
    if method in ("OPTIONS", "HEAD"):
        return Outcome("skipped", reason=method)
    if entry.status == 0:
        detail = f": {entry.error}" if entry.error else ""
        issue = Issue("status", "no_response", f"the request got no response{detail}")
        return Outcome("checked", [issue_dict(record, issue)])
    report = validate_exchange(
        entry.method,
        entry.url,
        entry.status,
        ABSENT if entry.body is None else entry.body,
        forbid_unknown_keys=options.strict,
    )
    errors = list(report.errors)
    warnings = [*record.extra, *report.warnings]  # extra: keys repeated in the body
    if (
        300 <= entry.status < 500 and errors and all(e.code == "unknown_endpoint" for e in errors)
    ):  # a redirect or the server's own 404 for a path it does not serve: it behaved
        warnings = [
            attrs.evolve(
                e, severity="warning", message=f"{e.message} (the server answered {entry.status})"
            )
            for e in errors
        ] + warnings
        errors = []
    mime = entry.mime_type.split(";")[0].strip().lower()
    if mime and not any(mark in mime for mark in _NOT_JSON):
        errors = [
            attrs.evolve(
                e,
                message=f"the body is {entry.mime_type} (content.mimeType), not JSON: {e.message}",
            )
            if e.code == "invalid_json" and e.path == "$"
            else e
            for e in errors
        ]
    if entry.body is None:
        size = f" (the archive states {entry.size} bytes)" if entry.size else ""
        warnings.append(
            Issue(
                "$",
                "body_not_recorded",
                f"the response body was not recorded{size}; only the request and status "
                "were checked",
                severity="warning",
            )
        )
    return Outcome("checked", [issue_dict(record, i) for i in (*errors, *warnings)])
