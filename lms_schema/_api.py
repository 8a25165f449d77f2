"""The public entry points: structure, loads, unstructure, dumps."""

from __future__ import annotations

from typing import Any, TypeVar, cast

import orjson

from ._convert.converter import (
    converter,
    issues_from_exception,
    strict_converter,
    structure_raw,
)
from ._gen.declines import note_decline
from ._gen.fast import DUMP_OPTIONS, dumper, structurer, unstructurer
from ._gen.mirror import bytes_structurer
from ._values.issues import Issue, ValidationError
from ._values.jsonvalue import decode, encode
from ._values.leaf import FieldError

__all__ = ["dumps", "loads", "structure", "structure_issues", "unstructure"]

T = TypeVar("T")


def structure_issues(
    payload: Any, cls: type[T] | Any, *, forbid_unknown_keys: bool = False
) -> tuple[T | None, list[Issue]]:
    """Structure without raising: ``(value, [])`` or ``(None, issues)``.

    The generated fast path runs first; when it declines (bad data, or anything it does not
    handle), the cattrs path structures the payload again and explains every problem.
    """
    fast = structurer(cls, forbid_unknown_keys)
    if fast is not None:
        try:
            return fast(payload), []
        except Exception as exc:  # noqa: BLE001 - any doubt: the cattrs path decides
            note_decline(cls, "dict", exc)
    conv = strict_converter if forbid_unknown_keys else converter
    try:
        return structure_raw(conv, payload, cls), []
    except RecursionError:
        return None, [Issue("$", "too_deep", "the payload is nested too deeply to check")]
    except Exception as exc:  # noqa: BLE001 - every failure becomes issues with paths
        return None, issues_from_exception(exc)


def structure(payload: Any, cls: type[T], *, forbid_unknown_keys: bool = False) -> T:
    """Turn a decoded wire payload into a model, strictly.

    Raises :class:`~lms_schema.ValidationError` listing every problem::

        completion = lms_schema.structure(payload, lms_schema.Completion)
        page = lms_schema.structure(payload, lms_schema.Page[lms_schema.User])

    Unknown keys are ignored (forward compatibility) unless ``forbid_unknown_keys``.
    """
    value, issues = structure_issues(payload, cls, forbid_unknown_keys=forbid_unknown_keys)
    if issues:
        raise ValidationError(issues)
    return cast(T, value)


def loads(data: bytes | bytearray | memoryview | str, cls: type[T], **kwargs: bool) -> T:
    """Parse JSON and structure it: ``loads(b'{...}', Completion)``.

    Bytes that are not one JSON document give ValidationError with code ``invalid_json``.
    With msgspec installed (the ``fast`` extra), valid documents are decoded straight into
    the models; anything it does not take is read by orjson, as without it.
    """
    if kwargs.keys() <= {"forbid_unknown_keys"}:
        fast = bytes_structurer(cls, bool(kwargs.get("forbid_unknown_keys")))
        if fast is not None:
            try:
                return cast(T, fast(data))
            except Exception as exc:  # noqa: BLE001 - any doubt: the orjson path decides
                note_decline(cls, "bytes", exc)
    try:
        payload = decode(data)
    except FieldError as exc:
        raise ValidationError([Issue("$", exc.code, exc.message)]) from None
    return structure(payload, cls, **kwargs)


def unstructure(obj: Any) -> Any:
    """The canonical JSON-ready form of a model (or ``Page``): a dict.

    Absent fields are left out, null ones kept; UUIDs lower-case, date-times RFC 3339 with
    ``Z`` for UTC, durations canonical ISO 8601. ``custom_fields``/``raw_data`` are the same
    objects that were structured (not copied).
    """
    fast = unstructurer(type(obj))
    if fast is not None:
        return fast(obj)
    return converter.unstructure(obj)


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON of :func:`unstructure`."""
    fast = dumper(type(obj))
    if fast is not None:
        try:
            return orjson.dumps(fast(obj), option=DUMP_OPTIONS)
        except TypeError:  # what orjson refuses (lone surrogates, huge ints): the slow path
            pass
    return encode(unstructure(obj))
