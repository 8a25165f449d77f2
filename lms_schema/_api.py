"""The public entry points: structure, loads, unstructure, dumps.

Bad data raises :class:`~lms_schema.ValidationError`; a programming mistake (a class that is
not a model, a dict where JSON text belongs, an option of the wrong type) raises
``TypeError`` saying what was expected::

    completion = lms_schema.loads(data, lms_schema.Completion)
    page = lms_schema.structure(payload, lms_schema.Page[lms_schema.User])
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar, cast, get_args, get_origin

import orjson

from ._convert.converter import (
    converter,
    issues_from_exception,
    strict_converter,
    structure_raw,
)
from ._gen.declines import note_decline
from ._gen.explain import explain_issues
from ._gen.fast import DUMP_OPTIONS, STRUCTURERS, dumper, structurer, unstructurer
from ._gen.mirror import BYTES_STRUCTURERS, bytes_structurer
from ._models import errorbodies, models
from ._models.fields import is_model, is_wire_class
from ._models.models import Page
from ._values.issues import Issue, ValidationError
from ._values.jsonvalue import decode, encode
from ._values.leaf import FieldError

__all__ = [
    "cattrs_structure",
    "check_class",
    "check_flag",
    "dumps",
    "explain_structure",
    "loads",
    "structure",
    "structure_issues",
    "unstructure",
]

T = TypeVar("T")

_CHECKED: set[Any] = set()
_JSON_TEXT = (bytes, bytearray, memoryview, str)


_EXPECTED = (
    "expected a model class (Completion, User, ..., a Partial* class, ErrorResponse, "
    "HTTPValidationError, ErrorDetail) or Page[model]"
)


def check_class(cls: object, caller: str) -> None:
    """Raise ``TypeError`` unless ``cls`` is a class the entry points take: a model, its
    ``Partial*`` form, an error body or ``Page[model]``. ``caller`` names the function."""
    try:
        if cls in _CHECKED:
            return
    except TypeError:  # unhashable: certainly not a class
        raise TypeError(f"{caller}(): {_EXPECTED}, got {_show(cls)}") from None
    problem = _class_problem(cls)
    if problem is not None:
        raise TypeError(f"{caller}(): {problem}")
    _CHECKED.add(cls)


def _class_problem(cls: object) -> str | None:
    if cls is Page:
        return "Page needs its item type: Page[Completion], Page[User], ..."
    if get_origin(cls) is Page:
        (item,) = get_args(cls)
        if is_model(item):
            return None
        return f"the item type of Page must be a model class, not {_show(item)}"
    if is_wire_class(cls):
        return None
    if isinstance(cls, str):
        named = getattr(models, cls, None) or getattr(errorbodies, cls, None)
        hint = f" (pass lms_schema.{cls}, the class)" if is_wire_class(named) else ""
        return f"{_EXPECTED}, got the string {cls!r}{hint}"
    return f"{_EXPECTED}, got {_show(cls)}"


def _show(tp: object) -> str:
    if tp is typing.Any:
        return "typing.Any"
    if isinstance(tp, type):
        return f"the class {tp.__module__}.{tp.__qualname__}"
    if tp is typing.Any or get_origin(tp) is not None:
        return repr(tp)
    return f"{type(tp).__name__} {tp!r}"


def check_flag(value: object, name: str, caller: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a bool (a keyword option such as
    ``forbid_unknown_keys``)."""
    if type(value) is not bool:
        raise TypeError(f"{caller}(): {name} must be True or False, not {type(value).__name__}")


def structure_issues(
    payload: Any, cls: type[T] | Any, *, forbid_unknown_keys: bool = False
) -> tuple[T | None, list[Issue]]:
    """Structure without raising: ``(value, [])`` or ``(None, issues)``.

    The generated fast path runs first; when it declines (bad data, or anything it does not
    handle), the cattrs path structures the payload again and explains every problem.
    """
    if type(forbid_unknown_keys) is not bool:
        check_flag(forbid_unknown_keys, "forbid_unknown_keys", "structure")
    fast = structurer(cls, forbid_unknown_keys)
    if fast is not None:
        try:
            return fast(payload), []
        except Exception as exc:  # noqa: BLE001 - any doubt: the cattrs path decides
            note_decline(cls, "dict", exc)
    else:
        check_class(cls, "structure")
    return explain_structure(payload, cls, forbid_unknown_keys)


def explain_structure(payload: Any, cls: Any, forbid_unknown_keys: bool) -> tuple[Any, list[Issue]]:
    """The answer of the cattrs path (after a fast path declined): ``(value, [])`` or
    ``(None, issues)``, every problem with its path. The generated explain walk
    (:mod:`lms_schema._gen.explain`) gives the issues when it finds any; the cattrs path
    runs when it declines (no problem found, or anything it does not handle)."""
    if type(payload) is dict:
        issues = explain_issues(payload, cls, forbid_unknown_keys)
        if issues is not None:
            return None, issues
    return cattrs_structure(payload, cls, forbid_unknown_keys)


def cattrs_structure(payload: Any, cls: Any, forbid_unknown_keys: bool) -> tuple[Any, list[Issue]]:
    """The cattrs path alone: ``(value, [])`` or ``(None, issues)``."""
    conv = strict_converter if forbid_unknown_keys else converter
    try:
        return structure_raw(conv, payload, cls), []
    except RecursionError:
        return None, [Issue("$", "too_deep", "the payload is nested too deeply to check")]
    except Exception as exc:  # noqa: BLE001 - every failure becomes issues with paths
        return None, issues_from_exception(exc)


def structure(payload: Any, cls: type[T], *, forbid_unknown_keys: bool = False) -> T:
    """Turn a decoded wire payload (dicts, lists, strings, numbers) into a model, strictly.

    ``cls`` is a model (``Completion``), its partial form (``PartialUser``), an error body or
    ``Page[model]``. Raises :class:`~lms_schema.ValidationError` listing every problem in the
    payload, and ``TypeError`` for a ``cls`` that is none of those::

        completion = lms_schema.structure(payload, lms_schema.Completion)
        page = lms_schema.structure(payload, lms_schema.Page[lms_schema.User])

    Unknown keys are ignored (forward compatibility) unless ``forbid_unknown_keys``, which
    makes each one an ``unknown_key`` error.
    """
    try:  # the fast path, looked up without a call
        fast = STRUCTURERS[cls, forbid_unknown_keys] if type(forbid_unknown_keys) is bool else None
    except (KeyError, TypeError):  # not built yet; an unhashable type argument
        fast = None
    if fast is not None:
        try:
            return cast(T, fast(payload))
        except Exception as exc:  # noqa: BLE001 - any doubt: the cattrs path decides
            note_decline(cls, "dict", exc)
        value, issues = explain_structure(payload, cls, forbid_unknown_keys)
    else:
        value, issues = structure_issues(payload, cls, forbid_unknown_keys=forbid_unknown_keys)
    if issues:
        raise ValidationError(issues)
    return cast(T, value)


def loads(
    data: bytes | bytearray | memoryview | str, cls: type[T], *, forbid_unknown_keys: bool = False
) -> T:
    """Parse one JSON document and structure it: ``loads(b'{...}', Completion)``.

    ``data`` is JSON text: ``bytes``, ``bytearray``, ``memoryview`` or ``str`` (an already
    decoded ``dict`` is a ``TypeError``: use :func:`structure`). Text that is not one JSON
    document is a :class:`~lms_schema.ValidationError` with code ``invalid_json``; everything
    else is as :func:`structure`. With msgspec installed (the ``fast`` extra), valid documents
    are decoded straight into the models; anything it does not take is read by orjson, as
    without it.
    """
    if type(forbid_unknown_keys) is not bool:
        check_flag(forbid_unknown_keys, "forbid_unknown_keys", "loads")
    try:
        fast = BYTES_STRUCTURERS[cls, forbid_unknown_keys]
    except KeyError:
        fast = bytes_structurer(cls, forbid_unknown_keys)
    except TypeError:  # an unhashable type argument
        fast = None
    if fast is not None:
        try:
            return cast(T, fast(data))
        except Exception as exc:  # noqa: BLE001 - any doubt: the orjson path decides
            note_decline(cls, "bytes", exc)
    if not isinstance(data, _JSON_TEXT):
        raise TypeError(
            f"loads() takes JSON text (bytes, bytearray, memoryview or str), not "
            f"{type(data).__name__}"
            + (": use structure() for decoded data" if isinstance(data, (dict, list)) else "")
        )
    check_class(cls, "loads")
    try:
        payload = decode(data)
    except FieldError as exc:
        raise ValidationError([Issue("$", exc.code, exc.message)]) from None
    return structure(payload, cls, forbid_unknown_keys=forbid_unknown_keys)


def unstructure(obj: Any) -> Any:
    """The canonical JSON-ready form of a model (or ``Page``): a dict.

    Absent fields are left out, null ones kept; UUIDs lower-case, date-times RFC 3339 with
    ``Z`` for UTC, durations canonical ISO 8601. ``custom_fields``/``raw_data`` are the same
    objects that were structured (not copied).
    """
    fast = unstructurer(type(obj))
    if fast is not None:
        return fast(obj)
    _check_instance(obj, "unstructure")
    return converter.unstructure(obj)


def _check_instance(obj: object, caller: str) -> None:
    if not (is_wire_class(type(obj)) or isinstance(obj, Page)):
        raise TypeError(
            f"{caller}() takes a model instance (Completion, User, ...) or a Page, not "
            f"{type(obj).__name__}"
        )


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON of :func:`unstructure`: the canonical bytes of a model or a Page.

    ``TypeError`` for anything else (a dict is already JSON-ready: use orjson or ``json``).
    """
    fast = dumper(type(obj))
    if fast is not None:
        try:
            return orjson.dumps(fast(obj), option=DUMP_OPTIONS)
        except TypeError:  # what orjson refuses (lone surrogates, huge ints): the slow path
            pass
    else:
        _check_instance(obj, "dumps")
    return encode(unstructure(obj))
