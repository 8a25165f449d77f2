"""``validate()``: every error and warning of a payload, never an exception for bad data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any, cast, get_args, get_origin

import attrs

from ._api import check_class, structure_issues
from ._convert.converter import (
    MAX_EXPANSION_DEPTH,
    _is_model,
    _is_page,
    _is_wire_class,
    _union_args,
)
from ._models.models import Page, PartialCompletion, field_types
from ._request.expand import Expand, parse_expand
from ._request.expectations import page_warnings, request_issues
from ._values.datetimes import is_naive_text
from ._values.durations import Duration, ends_after
from ._values.issues import Issue, PathPart, Report, format_path
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
) -> Report:
    """Check a decoded payload against a model; return a :class:`~lms_schema.Report`.

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
    """
    check_class(cls, "validate")
    if isinstance(expand, str):
        expand = parse_expand(expand, cls)
    value, errors = structure_issues(payload, cls, forbid_unknown_keys=forbid_unknown_keys)
    warnings: list[Issue] = []
    if not forbid_unknown_keys and not _is_clean(payload, cls):
        warnings.extend(_raw_warnings(payload, cls))
    if value is not None:
        if isinstance(value, PartialCompletion) and not _completion_fields(type(value)):
            warnings.extend(_completion_warnings(value, ()))  # a completion: no walk needed
        else:
            warnings.extend(_semantic_warnings(value))
    if _is_page(cls):
        warnings.extend(page_warnings(payload))
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


def _warning(path: tuple[PathPart, ...], code: str, message: str) -> Issue:
    return Issue(format_path(path), code, message, severity="warning")


@cache
def _field_types(cls: Any) -> dict[str, Any]:
    base = get_origin(cls) or cls
    hints = field_types(base)
    if _is_page(cls):
        (item,) = get_args(cls) or (Any,)
        hints["items"] = list[item]  # type: ignore[valid-type]
    return {a.name: hints[a.name] for a in attrs.fields(base)}


@cache
def _targets(tp: Any) -> tuple[Any, bool, bool]:
    """(model class or None, is_list, is_datetime) of a field type."""
    args = _union_args(tp)
    members = args if args is not None else (tp,)
    for member in members:
        if get_origin(member) is list:
            model, _, is_dt = _targets(get_args(member)[0])
            return model, True, is_dt
        if _is_wire_class(member) or _is_page(member):
            return member, False, False
        if member is datetime:
            return None, False, True
    return None, False, False


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
        fields = _field_types(model)
        known = f"_known_{len(done)}"
        namespace[known] = frozenset(fields)
        lines = [
            f"def {name_of(model)}(d):",
            "    if type(d) is not dict:",
            "        return True",  # the walk skips what is not an object
            f"    if not d.keys() <= {known}:",
            "        return False",
        ]
        for name, tp in fields.items():
            target, is_list, is_dt = _targets(tp)
            if name in LANGUAGE_FIELDS:  # an unhashable element raises: _is_clean says False
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is list and not _locales.issuperset(v):",
                    "        return False",
                ]
            elif is_dt:
                lines += [
                    f"    v = d.get({name!r})",
                    "    if type(v) is str and v[-1:] not in ('Z', 'z') and _naive(v):",
                    "        return False",
                ]
            elif target is not None and is_list:
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
    exec("\n\n".join(sources), namespace)
    return cast(Callable[[Any], bool], namespace[names[cls]])


#: Objects :func:`_raw_warnings` descends through: a page, its item and the most expanded
#: relations that structure (deeper ones are a ``too_deep`` error). The bound also ends the
#: walk on payloads built in Python that contain themselves.
_WALK_LEVELS = MAX_EXPANSION_DEPTH + 2


def _raw_warnings(payload: Any, cls: Any) -> Iterator[Issue]:
    """Unknown keys and naive date-times, found by walking the payload beside the model."""
    stack: list[tuple[Any, Any, tuple[PathPart, ...], int]] = [(payload, cls, (), 1)]
    while stack:
        node, model, path, level = stack.pop()
        if type(node) is not dict or level > _WALK_LEVELS:
            continue
        fields = _field_types(model)
        for key in node:
            if key not in fields:
                yield _warning((*path, str(key)), "unknown_key", f"unknown key {key!r} (ignored)")
        for name, tp in fields.items():
            if name not in node:
                continue
            target, is_list, is_dt = _targets(tp)
            value = node[name]
            if name in LANGUAGE_FIELDS and type(value) is list:
                for index, code in enumerate(value):
                    if type(code) is str and code not in LOCALES:
                        yield _warning(
                            (*path, name, index),
                            "unknown_language",
                            f"{code!r} is not one of the API document's locale codes",
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
    stack = [m for tp in field_types(cls).values() for m in _model_members(tp)]
    while stack:
        model = stack.pop()
        if model not in reachable:
            reachable.add(model)
            stack.extend(m for tp in field_types(model).values() for m in _model_members(tp))
    holders = {m for m in reachable if issubclass(m, PartialCompletion)}
    grew = True
    while grew:  # a fixpoint: models with a field that can hold a holder
        grew = False
        for model in reachable - holders:
            if any(m in holders for tp in field_types(model).values() for m in _model_members(tp)):
                holders.add(model)
                grew = True

    def can_hold(model: type) -> bool:
        return model in holders

    return tuple(
        name
        for name, tp in field_types(cls).items()
        if any(can_hold(m) for m in _model_members(tp))
    )


def _model_members(tp: Any) -> tuple[type, ...]:
    """The model classes a field type can hold (in lists too)."""
    args = _union_args(tp)
    members = args if args is not None else (tp,)
    out: list[type] = []
    for member in members:
        if get_origin(member) is list:
            out.extend(_model_members(get_args(member)[0]))
        elif _is_model(member):
            out.append(member)
    return tuple(out)


def _completion_warnings(c: PartialCompletion, path: tuple[PathPart, ...]) -> Iterator[Issue]:
    started, completed = c.started_at, c.completed_at
    if isinstance(c.score, int) and c.score < 0:
        yield _warning((*path, "score"), "negative_score", f"score {c.score} is below zero")
    if not (isinstance(started, datetime) and isinstance(completed, datetime)):
        return
    if completed < started:
        yield _warning(
            (*path, "completed_at"),
            "completed_before_started",
            f"completed_at {completed.isoformat()} is before started_at {started.isoformat()}",
        )
        return
    duration = c.time_duration
    if isinstance(duration, Duration) and ends_after(duration, started, completed):
        yield _warning(
            (*path, "time_duration"),
            "duration_exceeds_interval",
            f"time_duration {duration} is longer than completed_at - started_at "
            f"({completed - started})",
        )
