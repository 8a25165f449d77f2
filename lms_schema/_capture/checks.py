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
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs
import orjson

from .._exchange import PREFIX, url_path, validate_exchange
from .._gen.mirror import mirror_checker
from .._gen.native import compiled
from .._models.models import MODELS, Page
from .._request.har import HarExchange
from .._validate import quiet_checker, quiet_interval, quiet_warnings, validate
from .._values.absent import ABSENT
from .._values.issues import Issue, format_path
from .._values.jsonvalue import duplicate_keys, encode, may_hold_wide_integer
from .._values.leaf import FieldError
from .readers import Known, ReadOptions, Record

__all__ = [
    "CheckOptions",
    "LineLane",
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
#: The lane's loop in C (None: built without a C compiler, or turned off).
_lane = compiled(f"{__package__}._lane")


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
    file, not a record). ``records``: how many records it stands for (a run of quiet lines:
    more than one, all checked, with nothing to say)."""

    status: Literal["checked", "skipped", "notice", "envelope"]
    issues: list[dict[str, Any]] = attrs.field(factory=list)
    reason: str | None = None
    records: int = 1


def issue_dict(record: Record, issue: Issue, path: str | None = None) -> dict[str, Any]:
    """The stable JSON object of one problem of ``record``."""
    payload = record.payload
    if record.kind == "known":  # the lane kept the record's id, not its payload
        ident = payload
    else:
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
        return QUIET_OUTCOME if record.payload == 1 else Outcome("checked", records=record.payload)
    if kind == "known":
        return Outcome("checked", [issue_dict(record, issue) for issue in record.extra])
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


class LineLane:
    """The lane of one model's JSON Lines lines (a :class:`~lms_schema._capture.readers.Lane`;
    see :func:`quiet_lines`): ``known(line)`` tells what one line's checks would say, when it
    can; ``run(lines, start)`` skips the lines with nothing to say (in C when the package was
    built with it); ``lane(line)`` is True for a line with nothing to say."""

    __slots__ = ("known", "run")

    def __init__(
        self,
        known: Callable[[bytes], Known | None],
        run: Callable[[list[bytes], int], int] | None = None,
    ) -> None:
        self.known = known
        self.run = self._run if run is None else run

    def _run(self, lines: list[bytes], start: int) -> int:
        known = self.known
        for index in range(start, len(lines)):
            found = known(lines[index])
            if found is None or found[1]:
                return index
        return len(lines)

    def __call__(self, line: bytes) -> bool:
        found = self.known(line)
        return found is not None and not found[1]


def _ident(value: Any) -> str | None:
    return value if type(value) is str else None


def quiet_lines(
    model: type,
    options: CheckOptions,
    read: ReadOptions,
    *,
    use_msgspec: bool = True,
    native: bool = True,
) -> LineLane | None:
    """The lane of JSON Lines lines holding ``model`` records: what :func:`check_record`
    would say about a line's record, decided in one pass without building issues when there
    is nothing to say (the common case of a capture is a valid record), or only the model's
    warnings (a completion ending before it starts); every other line is read and checked as
    usual, and explained. None when the model has no generated checker.

    With msgspec installed (the ``fast`` extra) a line is decoded straight into the model's
    mirror Structs (:func:`~lms_schema._gen.mirror.mirror_checker`): no dict in between, and
    integers stay exact, so no search for wide ones. Lines with a backslash, and anything
    msgspec refuses, take the orjson lane; whatever that is not sure of, the full check.
    ``use_msgspec=False``: the orjson lane alone (as without msgspec). With the compiled
    module ``_lane`` (and ``native``), runs of lines are skipped by one loop in C calling the
    same decoder, encoder, checker and warnings.
    """
    quiet = quiet_checker(model, options.strict)
    if quiet is None:
        return None
    repeats = read.duplicate_keys

    def orjson_known(line: bytes) -> Known | None:
        try:
            document = _loads(line)
        except ValueError:  # not JSON, or a lone surrogate the full reader handles
            return None
        if type(document) is not dict or _is_page(document):
            return None  # not one record, or (like) a page
        if may_hold_wide_integer(line):  # read again exactly by the full reader
            return None
        if repeats and duplicate_keys(line, document):
            return None
        warnings = quiet(document)
        if warnings is None:
            return None
        return _ident(document.get("id")), tuple(warnings)

    # A record of a model with an ``items`` field could be read as a page (see _is_page):
    # the orjson lane leaves those to the full reader.
    may_be_page = "items" in _fields(model)
    mirror = mirror_checker(model, options.strict) if use_msgspec and not may_be_page else None
    if mirror is None:
        return LineLane(orjson_known)
    decode, check, encode = mirror.decode, mirror.check, mirror.encode
    warnings_of = quiet_warnings(model)

    def mirror_known(line: bytes) -> Known | None:
        if b"\\" in line:  # an escape: the colon count below cannot tell repeated keys
            return orjson_known(line)
        try:
            document = decode(line)
        except Exception:  # noqa: BLE001 - msgspec refuses it (unknown keys, ...): ask orjson
            return orjson_known(line)
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
                return None
        found: list[str] = []
        try:
            value = check(document, found)
        except Exception:  # noqa: BLE001 - an error, or a decline: the full check explains
            return None
        if found:
            return None
        return _ident(getattr(document, "id", None)), tuple(warnings_of(value))

    run = None
    if native and _lane is not None:
        lane = _lane.Lane(
            mirror.unguarded,
            decode,
            mirror.max_depth,
            encode if repeats else None,
            check,
            warnings_of,
            quiet_interval(model),
        )
        run = lane.run
    return LineLane(mirror_known, run)


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
