"""``validate()``: every error and warning of a payload, never an exception for bad data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any, cast

import attrs

from ._api import cattrs_structure, check_class, structure_issues
from ._convert.converter import MAX_EXPANSION_DEPTH
from ._gen.declines import note_decline
from ._gen.explain import explain_issues
from ._gen.fast import compile_source
from ._gen.validator import INVALID, validator
from ._models.fields import FieldInfo, Kind, fields_of, is_model, is_page
from ._models.models import Completion, Page, PartialCompletion
from ._request.expand import Expand, parse_expand
from ._request.expectations import page_warnings, request_issues
from ._values.absent import ABSENT
from ._values.datetimes import is_naive_text
from ._values.durations import Duration, ends_after
from ._values.issues import Issue, PathPart, Report, format_path
from ._values.jsonvalue import decode_with_issues
from ._values.locales import LANGUAGE_FIELDS, LOCALES

__all__ = ["validate"]


def validate(
    payload: Any,
    cls: type[Any] | Any,
    *,
    expand: Expand | str | None = None,
    include_raw_data: bool | None = None,
    include_custom_fields: bool | None = None,
    forbid_unknown_keys: bool = False,
    check_duplicate_keys: bool = False,
) -> Report:
    """Check a payload against a model; return a :class:`~lms_schema.Report`.

    Never raises for bad data. Errors are what :func:`~lms_schema.structure` rejects;
    warnings are legal but suspicious: unknown keys, date-times without an offset, and on
    completions a ``completed_at`` before ``started_at``, a ``time_duration`` longer than
    the interval, a negative score::

        report = lms_schema.validate(payload, lms_schema.Completion)
        for issue in report.errors + report.warnings:
            print(issue.path, issue.code, issue.message)

    On a ``Page[...]`` the page is checked too: a ``page_size`` that does not count the items
    and ids repeated across items are warnings.

    The request arguments say what the request asked for; None (the default) means unknown,
    not checked. ``expand`` (an :class:`~lms_schema.Expand` or its text; text that does not
    parse raises :class:`~lms_schema.ValidationError`, since it is the caller's argument and
    not the payload): a relation it names must be an expanded object or null, every other
    relation a UUID string or null; a bracket selection's fields must all be present.
    ``include_raw_data`` / ``include_custom_fields``: False means ``raw_data`` /
    ``custom_fields`` should be absent or null, True that it should be present. Every item
    of a ``Page`` is checked::

        lms_schema.validate(payload, Page[Completion], expand="user[first_name]",
                            include_raw_data=False, include_custom_fields=False)

    The payload is a decoded value (``dict``, ...) or JSON text (``bytes`` or ``str``, as
    :func:`~lms_schema.loads` takes): text that is not one JSON document is an
    ``invalid_json`` error in the report. With ``check_duplicate_keys=True``, a key repeated
    in one object of the text (which parsers read differently) is a ``duplicate_key``
    warning at its JSONPath, one per repetition.
    """
    if (
        type(payload) is dict
        and expand is None
        and include_raw_data is None
        and include_custom_fields is None
    ):
        report = _validate_fast(payload, cls, forbid_unknown_keys)
        if report is not None:
            return report
    check_class(cls, "validate")
    if isinstance(expand, str):
        expand = parse_expand(expand, cls)
    text_issues: tuple[Issue, ...] = ()
    if isinstance(payload, bytes | bytearray | memoryview | str):  # JSON text
        payload, text_issues = decode_with_issues(payload, check_duplicate_keys)
        if payload is ABSENT:
            return Report(errors=text_issues)
    value, errors = structure_issues(payload, cls, forbid_unknown_keys=forbid_unknown_keys)
    warnings: list[Issue] = [*text_issues]  # duplicate_key warnings first
    warnings.extend(_payload_warnings(payload, cls, value, forbid_unknown_keys))
    if expand is not None or include_raw_data is not None or include_custom_fields is not None:
        for issue in request_issues(
            payload,
            cls,
            expand=expand,
            include_raw_data=include_raw_data,
            include_custom_fields=include_custom_fields,
        ):
            (warnings if issue.severity == "warning" else errors).append(issue)
    return Report(errors=tuple(errors), warnings=tuple(warnings), value=value)


def _payload_warnings(payload: Any, cls: Any, value: Any, forbid_unknown_keys: bool) -> list[Issue]:
    """The warnings of a payload structured as ``value`` (None: it has errors), found by
    the clean check and, only when it finds something, the full walks."""
    warnings: list[Issue] = []
    if not _is_clean(payload, cls):
        warnings.extend(_raw_warnings(payload, cls, forbid_unknown_keys))
    if value is not None:
        if isinstance(value, PartialCompletion) and not _completion_fields(type(value)):
            warnings.extend(_completion_warnings(value, ()))  # a completion: no walk needed
        else:
            warnings.extend(_semantic_warnings(value))
    if is_page(cls):
        warnings.extend(page_warnings(payload))
    return warnings


def _validate_fast(payload: dict[Any, Any], cls: Any, forbid_unknown_keys: bool) -> Report | None:
    """The report of a payload the generated checker takes (None: it declines, or ``cls``
    has none): one walk of the payload builds the value and tells whether it holds anything
    to warn about; only then is it walked again, for the warnings' paths."""
    try:  # looked up without a call
        fast = _CHECKERS[cls, forbid_unknown_keys]
    except (KeyError, TypeError):
        fast = _checker(cls, forbid_unknown_keys)
    if fast is None:
        return None
    found: list[Any] = []
    try:
        value = fast(payload, found)
    except Exception as exc:  # noqa: BLE001 - any doubt: the cattrs path decides
        note_decline(cls, "dict", exc)
        return _explain_report(payload, cls, forbid_unknown_keys)
    if value is INVALID:  # the errors, found in the same walk (after the flags)
        errors = found.pop()
        if not found and type(cls) is type:  # nothing flagged, a model (no page): no warnings
            # _invalid_report's result, without its call (2-3 % of an invalid record)
            report = _new(Report)
            _set_errors(report, tuple(errors))
            _set_warnings(report, ())
            _set_value(report, None)
            return report
        return _invalid_report(payload, cls, forbid_unknown_keys, errors, found)
    warnings = tuple(_fast_warnings(payload, cls, value, found, forbid_unknown_keys))
    # Report((), warnings, value) without attrs' __init__ (0.39 us): the slots stored directly
    report = _new(Report)
    _set_errors(report, ())
    _set_warnings(report, warnings)
    _set_value(report, value)
    return report


_new = object.__new__
_set_errors = Report.__dict__["errors"].__set__
_set_warnings = Report.__dict__["warnings"].__set__
_set_value = Report.__dict__["value"].__set__


def _checker(cls: Any, forbid_unknown_keys: bool) -> Callable[[Any, list[Any]], Any] | None:
    """The generated validate function of ``cls`` (None: it has none, or the arguments are
    not what the fast path takes; the full path decides and explains)."""
    try:
        return _CHECKERS[cls, forbid_unknown_keys]
    except KeyError:
        if type(forbid_unknown_keys) is not bool:  # the full path says what is wrong
            return None
        fast = _CHECKERS[cls, forbid_unknown_keys] = validator(cls, forbid_unknown_keys)
        return fast
    except TypeError:  # an unhashable type argument
        return None


def _fast_warnings(
    payload: Any, cls: Any, value: Any, found: list[Any], forbid_unknown_keys: bool
) -> list[Issue]:
    """The warnings of a payload the generated checker took as ``value``, ``found`` what
    it flagged on the way."""
    if type(value) is Completion:  # the common case: no walk for completion warnings
        warnings = _completion_warnings(value, ())
        if found:
            warnings[:0] = _raw_warnings(payload, cls, forbid_unknown_keys)
        return warnings
    warnings = []
    if found:
        warnings.extend(_raw_warnings(payload, cls, forbid_unknown_keys))
    if isinstance(value, PartialCompletion) and not _completion_fields(type(value)):
        warnings.extend(_completion_warnings(value, ()))
    else:
        warnings.extend(_semantic_warnings(value))
    if type(value) is Page:
        warnings.extend(page_warnings(payload))
    return warnings


def quiet_warnings(cls: Any) -> Callable[[Any], list[Issue]]:
    """The warnings :func:`validate` has for a payload of the model ``cls`` that a generated
    checker took as a value without flagging anything (the completion checks: an interval,
    a duration, a score), as a function of that value (one call per payload: the command
    line's lane)."""
    if cls is Completion:  # the common case: the checker's values are Completions
        return _completion_warnings
    return lambda value: _fast_warnings(None, cls, value, [], False)


#: The attributes :func:`_completion_warnings` reads (score, start, end, duration), the
#: Duration class and the slots :func:`~lms_schema._values.durations.ends_after` reads
#: (months, microseconds): for the command line's C lane (``_capture/_lane.c``), which tells
#: the commonest completions free of those warnings without calling them.
COMPLETION_INTERVAL = (
    "score",
    "started_at",
    "completed_at",
    "time_duration",
    Duration,
    "_months",
    "_us",
)


def quiet_interval(cls: Any) -> tuple[Any, ...] | None:
    """:data:`COMPLETION_INTERVAL` when :func:`quiet_warnings` of ``cls`` is
    :func:`_completion_warnings` (None: only the function tells)."""
    return COMPLETION_INTERVAL if cls is Completion else None


def quiet_checker(
    cls: Any, forbid_unknown_keys: bool
) -> Callable[[Any], list[Issue] | None] | None:
    """A function telling the warnings of a decoded payload :func:`validate` would find no
    error in, and that holds nothing the checker flags (unknown keys, naive date-times), so
    that those warnings are all it says (empty: nothing to say); None for every other
    payload, without explaining anything (None may also mean "not sure": ask
    :func:`validate`). None when ``cls`` has no generated checker. For callers that check
    many payloads and only need the details of the few that have something (the command
    line)."""
    fast = _checker(cls, forbid_unknown_keys)
    if fast is None:
        return None

    def quiet(payload: Any) -> list[Issue] | None:
        found: list[Any] = []
        try:
            value = fast(payload, found)
        except Exception:  # noqa: BLE001 - a decline: validate() decides and explains
            return None
        if value is INVALID or found:  # errors, or something flagged
            return None
        return _fast_warnings(payload, cls, value, found, forbid_unknown_keys)

    return quiet


def _explain_report(payload: dict[Any, Any], cls: Any, forbid_unknown_keys: bool) -> Report:
    """The report of a payload the checker declined. The generated explain walk lists the
    errors and flags (as the checker does) whatever the clean check would; when it declines,
    the cattrs path and the clean check decide."""
    flagged: list[str] = []
    errors = explain_issues(payload, cls, forbid_unknown_keys, flagged)
    if errors is None:
        value, errors = cattrs_structure(payload, cls, forbid_unknown_keys)
        warnings = _payload_warnings(payload, cls, value, forbid_unknown_keys)
        return Report(tuple(errors), tuple(warnings), value)
    return _invalid_report(payload, cls, forbid_unknown_keys, errors, flagged)


def _invalid_report(
    payload: dict[Any, Any],
    cls: Any,
    forbid_unknown_keys: bool,
    errors: list[Issue],
    flagged: list[str],
) -> Report:
    """The report of a payload with ``errors``, which a walk that flags what the clean check
    would (``flagged``) found: what :func:`_payload_warnings` gives with no value."""
    warnings = list(_raw_warnings(payload, cls, forbid_unknown_keys)) if flagged else []
    if type(cls) is not type and is_page(cls):
        warnings.extend(page_warnings(payload))
    # Report(tuple(errors), tuple(warnings)) without attrs' __init__, as _validate_fast's
    report = _new(Report)
    _set_errors(report, tuple(errors))
    _set_warnings(report, tuple(warnings))
    _set_value(report, None)
    return report


#: The generated validate functions by (class, forbid_unknown_keys), looked up without a
#: call.
_CHECKERS: dict[tuple[Any, Any], Callable[[Any, list[Any]], Any] | None] = {}


def _warning(path: tuple[PathPart, ...], code: str, message: str) -> Issue:
    return Issue(format_path(path), code, message, severity="warning")


@cache
def _walked(cls: Any) -> tuple[tuple[FieldInfo, Any, bool], ...]:
    """Per field of ``cls``: (field, the class an object in it is checked as or None, whether
    it is a date-time), read off the field analysis once per class."""
    out = []
    for field in fields_of(cls).declared:
        nested = field.target if field.kind in (Kind.RELATION, Kind.OBJECT) else None
        out.append((field, nested, field.kind is Kind.DATETIME))
    return tuple(out)


def _is_clean(payload: Any, cls: Any) -> bool:
    """True when :func:`_raw_warnings` would find nothing (the common case), quickly."""
    try:
        return _clean_check(cls)(payload)
    except (TypeError, RecursionError):  # an unhashable type argument; very deep nesting
        return False


@cache
def _clean_check(cls: Any) -> Callable[[Any], bool]:
    """A generated function that walks a payload like :func:`_raw_warnings` does and returns
    False at the first unknown key or date-time without an offset (or anything unexpected),
    so that the full walk only runs when it has something to report."""
    names: dict[Any, str] = {}
    pending = [cls]
    namespace: dict[str, Any] = {"_naive": is_naive_text, "_field_names": {}, "_locales": LOCALES}
    sources = []

    def name_of(model: Any) -> str:
        if model not in names:
            names[model] = f"clean_{len(names)}"
            pending.append(model)
        return names[model]

    name_of(cls)
    pending.pop()
    done: set[Any] = set()
    pending.append(cls)
    while pending:
        model = pending.pop()
        if model in done:
            continue
        done.add(model)
        walked = _walked(model)
        known = f"_known_{len(done)}"
        namespace[known] = fields_of(model).names
        lines = [
            f"def {name_of(model)}(d):",
            "    if type(d) is not dict:",
            "        return True",  # the walk skips what is not an object
            f"    if not d.keys() <= {known}:",
            "        return False",
        ]
        for field, target, is_dt in walked:
            name = field.name
            if name in LANGUAGE_FIELDS:  # an unhashable element raises: _is_clean says False
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is list and not _locales.issuperset(v):",
                    "        return False",
                ]
            elif is_dt and field.many:
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is list:",
                    "        for x in v:",
                    "            if type(x) is str and x[-1:] not in ('Z', 'z') and _naive(x):",
                    "                return False",
                ]
            elif is_dt:
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is str and v[-1:] not in ('Z', 'z') and _naive(v):",
                    "        return False",
                ]
            elif target is not None and field.many:
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is list:",
                    "        for x in v:",
                    f"            if not {name_of(target)}(x):",
                    "                return False",
                ]
            elif target is not None:
                lines += [
                    f"    v = d.get({name!r})",
                    f"    if v is not None and not {name_of(target)}(v):",
                    "        return False",
                ]
        lines.append("    return True")
        sources.append("\n".join(lines))
    label = f"clean check {getattr(cls, '__name__', cls)}"
    compile_source("\n\n".join(sources), label, namespace)
    return cast(Callable[[Any], bool], namespace[names[cls]])


#: Objects :func:`_raw_warnings` descends through: a page, its item and the most expanded
#: relations that structure (deeper ones are a ``too_deep`` error). The bound also ends the
#: walk on payloads built in Python that contain themselves.
_WALK_LEVELS = MAX_EXPANSION_DEPTH + 2


def _raw_warnings(payload: Any, cls: Any, forbid_unknown_keys: bool = False) -> Iterator[Issue]:
    """Unknown keys, naive date-times and unknown language codes, found by walking the
    payload beside the model (with ``forbid_unknown_keys`` unknown keys are errors, told by
    the structuring: not here)."""
    stack: list[tuple[Any, Any, tuple[PathPart, ...], int]] = [(payload, cls, (), 1)]
    while stack:
        node, model, path, level = stack.pop()
        if type(node) is not dict or level > _WALK_LEVELS:
            continue
        names = fields_of(model).names
        for key in node:
            if key not in names and not forbid_unknown_keys:
                yield _warning((*path, str(key)), "unknown_key", f"unknown key {key!r} (ignored)")
        for field, target, is_dt in _walked(model):
            name = field.name
            if name not in node:
                continue
            is_list = field.many
            value = node[name]
            if name in LANGUAGE_FIELDS and type(value) is list:
                for index, code in enumerate(value):
                    if type(code) is str and code not in LOCALES:
                        yield _warning(
                            (*path, name, index),
                            "unknown_language",
                            f"{code!r} is not one of the API document's locale codes",
                        )
            elif is_dt and is_list and type(value) is list:
                for index, item in enumerate(value):
                    if type(item) is str and is_naive_text(item):
                        yield _warning(
                            (*path, name, index),
                            "naive_datetime",
                            f"{item!r} has no offset; read as UTC",
                        )
            elif is_dt and type(value) is str and is_naive_text(value):
                yield _warning(
                    (*path, name), "naive_datetime", f"{value!r} has no offset; read as UTC"
                )
            elif target is not None:
                if is_list and type(value) is list:
                    for index in reversed(range(len(value))):
                        stack.append((value[index], target, (*path, name, index), level + 1))
                elif not is_list:
                    stack.append((value, target, (*path, name), level + 1))


def _semantic_warnings(value: Any) -> Iterator[Issue]:
    """Completion checks on every completion in the structured value (pages, expansions)."""
    stack: list[tuple[Any, tuple[PathPart, ...]]] = [(value, ())]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, Page):
            stack.extend((item, (*path, "items", i)) for i, item in enumerate(obj.items))
            continue
        if not attrs.has(type(obj)):
            continue
        if isinstance(obj, PartialCompletion):
            yield from _completion_warnings(obj, path)
        for name in _completion_fields(type(obj)):
            child = getattr(obj, name)
            if type(child) is list:
                stack.extend(
                    (c, (*path, name, i)) for i, c in enumerate(child) if attrs.has(type(c))
                )
            elif attrs.has(type(child)):
                stack.append((child, (*path, name)))


_COMPLETION_FIELDS: dict[type, tuple[str, ...]] = {}


def _completion_fields(cls: type) -> tuple[str, ...]:
    """The fields of a structured model that can hold a completion, at any depth (the others
    cannot produce a completion warning, so the walk skips them)."""
    names = _COMPLETION_FIELDS.get(cls)
    if names is None:
        names = _COMPLETION_FIELDS[cls] = _find_completion_fields(cls)
    return names


def _find_completion_fields(cls: type) -> tuple[str, ...]:
    reachable: set[type] = set()
    stack = [m for f in fields_of(cls).declared for m in _model_targets(f)]
    while stack:
        model = stack.pop()
        if model not in reachable:
            reachable.add(model)
            stack.extend(m for f in fields_of(model).declared for m in _model_targets(f))
    holders = {m for m in reachable if issubclass(m, PartialCompletion)}
    grew = True
    while grew:  # a fixpoint: models with a field that can hold a holder
        grew = False
        for model in reachable - holders:
            if any(m in holders for f in fields_of(model).declared for m in _model_targets(f)):
                holders.add(model)
                grew = True
    return tuple(
        f.name for f in fields_of(cls).declared if any(m in holders for m in _model_targets(f))
    )


def _model_targets(field: FieldInfo) -> tuple[type, ...]:
    """The model classes a field can hold (in lists too)."""
    kind = field.kind
    if (kind is Kind.RELATION or kind is Kind.OBJECT) and is_model(field.target):
        return (field.target,)
    return ()


def _completion_warnings(c: PartialCompletion, path: tuple[PathPart, ...] = ()) -> list[Issue]:
    found: list[Issue] = []
    started, completed = c.started_at, c.completed_at
    if isinstance(c.score, int) and c.score < 0:
        found.append(_warning((*path, "score"), "negative_score", f"score {c.score} is below zero"))
    if not (isinstance(started, datetime) and isinstance(completed, datetime)):
        return found
    if completed < started:
        found.append(
            _warning(
                (*path, "completed_at"),
                "completed_before_started",
                f"completed_at {completed.isoformat()} is before started_at {started.isoformat()}",
            )
        )
        return found
    duration = c.time_duration
    if isinstance(duration, Duration) and ends_after(duration, started, completed):
        found.append(
            _warning(
                (*path, "time_duration"),
                "duration_exceeds_interval",
                f"time_duration {duration} is longer than completed_at - started_at "
                f"({completed - started})",
            )
        )
    return found
