"""The cattrs side: strict hooks for every field type, installed by :func:`configure_converter`.

cattrs coerces by default (``"3"`` becomes 3, a string becomes a list of characters). Every
hook here checks the exact JSON type instead, and every check lives in a hook so that its
error keeps the field's path. Hooks are resolved once per class: the generated structure
function of a model calls each field's hook directly, with no per-record dispatch.
"""

from __future__ import annotations

import threading
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, get_args, get_origin
from uuid import UUID

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from .._models.errorbodies import ERROR_BODIES
from .._models.models import Page, _PartialBase, field_types, wire_order
from .._values.absent import ABSENT, Absent, JSONObject
from .._values.datetimes import format_datetime, parse_datetime
from .._values.durations import Duration, parse_duration
from .._values.enums import OpenEnum
from .._values.ids import parse_uuid
from .._values.issues import Issue, PathPart, format_path
from .._values.jsonvalue import check_json_object, check_json_value
from .._values.leaf import FieldError, json_type_name

__all__ = ["configure_converter", "converter", "issues_from_exception", "strict_converter"]

StructureHook = Callable[[Any, Any], Any]
T = TypeVar("T")

_NONE_TYPE = type(None)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, _PartialBase)


_ERROR_BODIES = frozenset(ERROR_BODIES)


def _is_wire_class(tp: Any) -> bool:
    """A class structured by :func:`_class_hook`: a model or an error body."""
    return _is_model(tp) or tp in _ERROR_BODIES


def _is_page(tp: Any) -> bool:
    return tp is Page or get_origin(tp) is Page


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return get_args(tp)
    return None


def _describe(tp: Any) -> str:
    """A person's name for a type: 'a UUID string or an expanded user object'."""
    if tp is str or (isinstance(tp, type) and issubclass(tp, OpenEnum)):
        return "a string"
    if tp is int:
        return "an integer"
    if tp is UUID:
        return "a UUID string"
    if tp is datetime:
        return "a date-time string"
    if tp is Duration:
        return "an ISO 8601 duration string"
    if tp == JSONObject:
        return "an object"
    if tp is object:
        return "any JSON value"
    if _is_model(tp):
        name = tp.__name__.removeprefix("Partial").lower()
        return f"an expanded {name} object"
    args = _union_args(tp)
    if args is not None:
        parts = [_describe(a) for a in args if a is not Absent]
        return " or ".join(parts)
    if tp is _NONE_TYPE:
        return "null"
    if get_origin(tp) is list:
        return "an array"
    return getattr(tp, "__name__", str(tp))


def _wrong_type(expected: str, value: object) -> FieldError:
    return FieldError("wrong_type", f"expected {expected}, got {json_type_name(value)}")


# -- leaf hooks -------------------------------------------------------------------------


def _structure_str(value: Any, _: Any) -> str:
    if type(value) is str:
        return value
    raise _wrong_type("a string", value)


_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
        raise FieldError("out_of_range", "integers must fit in a signed 64-bit JSON number")
    raise _wrong_type("an integer", value)


def _structure_json_object(value: Any, _: Any) -> JSONObject:
    return check_json_object(value)


def _leaf(parse: Callable[[Any], Any]) -> StructureHook:
    def hook(value: Any, _: Any) -> Any:
        return parse(value)

    return hook


def _list_hook(element: StructureHook, expected: str) -> StructureHook:
    def structure_list(value: Any, tp: Any) -> list[Any]:
        if type(value) is not list:
            raise _wrong_type(expected, value)
        out = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                out.append(element(item, None))
            except Exception as exc:  # noqa: BLE001 - collected and re-raised as a group
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring @ index {index}", index, None),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError("While structuring a list", errors, list)
        return out

    return structure_list


def _relation_hook(members: tuple[Any, ...], conv: cattrs.Converter) -> StructureHook:
    """``UUID | PartialX`` (or ``UUID | JSONObject``): dispatch on the JSON type, once."""
    target = next(m for m in members if m is not UUID)
    object_hook = _structure_json_object if target == JSONObject else _lazy(target, conv)
    expected = _describe(typing.Union[tuple(members)])  # noqa: UP007

    def structure_relation(value: Any, _: Any) -> Any:
        kind = type(value)
        if kind is str:
            return parse_uuid(value)
        if kind is dict:
            return object_hook(value, target)
        raise _wrong_type(expected, value)

    return structure_relation


_SCALAR_TYPES = (str, int)


def _scalar_union_hook(members: tuple[Any, ...], conv: cattrs.Converter) -> StructureHook:
    """``str | int`` (a 422 ``loc`` element): dispatch on the exact JSON type, once."""
    hooks = {m: field_hook(m, conv) for m in members}
    expected = _describe(typing.Union[members])  # noqa: UP007

    def structure_scalar(value: Any, _: Any) -> Any:
        hook = hooks.get(type(value))
        if hook is None:
            raise _wrong_type(expected, value)
        return hook(value, None)

    return structure_scalar


#: How many expanded relations may nest inside each other (``course.contents[0].courses[0]``
#: is two). Bindbee's ``expand`` does not nest at all; the limit keeps hostile input from
#: exhausting the stack, and makes the answer independent of the caller's stack depth.
MAX_EXPANSION_DEPTH = 32
_nesting = threading.local()


def _lazy(cls: Any, conv: cattrs.Converter) -> StructureHook:
    """The converter's hook for an expanded model, looked up on first use (the models are
    recursive: a course expands contents, which expand courses), with the nesting limit."""
    cell: list[StructureHook] = []

    def structure_nested(value: Any, _: Any) -> Any:
        if not cell:
            cell.append(conv.get_structure_hook(cls))
        depth = getattr(_nesting, "depth", 0)
        if depth >= MAX_EXPANSION_DEPTH:
            raise FieldError(
                "too_deep", f"expanded relations nest more than {MAX_EXPANSION_DEPTH} levels deep"
            )
        _nesting.depth = depth + 1
        try:
            return cell[0](value, cls)
        finally:
            _nesting.depth = depth

    return structure_nested


def field_hook(tp: Any, conv: cattrs.Converter) -> StructureHook:
    """The strict structure hook of a field type (``Absent`` is handled by key presence)."""
    args = _union_args(tp)
    if args is not None:
        rest = tuple(a for a in args if a is not Absent and a is not _NONE_TYPE)
        nullable = _NONE_TYPE in args
        if len(rest) == 1:
            inner = field_hook(rest[0], conv)
        elif UUID in rest and len(rest) == 2:
            inner = _relation_hook(rest, conv)
        elif all(a in _SCALAR_TYPES for a in rest):
            inner = _scalar_union_hook(rest, conv)
        else:  # pragma: no cover - the models have no other unions
            raise TypeError(f"no strict hook for {tp!r}")
        if nullable:
            inner_hook, expected = inner, _describe(tp)

            def structure_nullable(value: Any, t: Any) -> Any:
                if value is None:
                    return None
                try:
                    return inner_hook(value, t)
                except FieldError as exc:
                    if exc.code == "wrong_type":
                        raise _wrong_type(expected, value) from None
                    raise

            return structure_nullable
        return inner
    if tp is str:
        return _structure_str
    if tp is int:
        return _structure_int
    if tp is UUID:
        return _leaf(parse_uuid)
    if tp is datetime:
        return _leaf(parse_datetime)
    if tp is Duration:
        return _leaf(parse_duration)
    if isinstance(tp, type) and issubclass(tp, OpenEnum):
        return _leaf(tp.parse)
    if tp == JSONObject:
        return _structure_json_object
    if tp is object:  # any JSON value (a 422 ``input``)
        return _leaf(check_json_value)
    if get_origin(tp) is list:
        (element_type,) = get_args(tp)
        return _list_hook(field_hook(element_type, conv), "an array")
    if attrs.has(tp):
        return _lazy(tp, conv)
    raise TypeError(f"no strict hook for {tp!r}")  # pragma: no cover


def _class_hook(cls: Any, conv: cattrs.Converter, forbid_unknown_keys: bool) -> StructureHook:
    """A generated cattrs structure function with a strict hook on every field."""
    hints = field_types(get_origin(cls) or cls)
    if _is_page(cls):
        (item_type,) = get_args(cls) or (Any,)
        hints = {**hints, "items": list[item_type]}  # type: ignore[valid-type]
    overrides = {
        a.name: override(struct_hook=field_hook(hints[a.name], conv))
        for a in attrs.fields(get_origin(cls) or cls)
    }
    generated = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=forbid_unknown_keys,
        _cattrs_detailed_validation=True,
        **overrides,  # type: ignore[arg-type]
    )
    expected = "an object"

    def structure_model(value: Any, tp: Any) -> Any:
        if type(value) is not dict:
            raise _wrong_type(expected, value)
        return generated(value, tp)

    return structure_model


# -- unstructuring ------------------------------------------------------------------------


def _unstructure_value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is UUID:
        return str(value)
    if kind is datetime:
        return format_datetime(value)
    if kind is Duration:
        return str(value)
    if isinstance(value, OpenEnum):
        return str(value)
    if kind is list:
        return [_unstructure_value(v) for v in value]
    if isinstance(value, _PartialBase) or kind in _ERROR_BODIES:
        return _unstructure_model(value)
    return value  # verbatim JSON objects (no copy)


def _unstructure_model(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in wire_order(type(obj)):
        value = getattr(obj, name)
        if value is not ABSENT:
            out[name] = _unstructure_value(value)
    return out


def _unstructure_page(page: Page[Any]) -> dict[str, Any]:
    return {
        "cursor": page.cursor,
        "page_size": page.page_size,
        "items": [_unstructure_value(item) for item in page.items],
    }


# -- installation ---------------------------------------------------------------------------


def configure_converter(converter: cattrs.Converter, *, forbid_unknown_keys: bool = False) -> None:
    """Install every lms-schema hook onto a cattrs converter.

    Structure hooks for the models, ``Page[...]``, ``UUID``, ``datetime``, ``Duration``,
    ``Grade`` and ``Status``; unstructure hooks giving canonical JSON-ready values. Unknown
    keys are ignored unless ``forbid_unknown_keys``::

        conv = cattrs.Converter()
        lms_schema.configure_converter(conv)
        completion = conv.structure(payload, lms_schema.Completion)
    """
    converter.register_structure_hook_factory(
        lambda tp: _is_wire_class(tp) or _is_page(tp),
        lambda tp, conv: _class_hook(tp, conv, forbid_unknown_keys),
    )
    for leaf, parse in ((UUID, parse_uuid), (datetime, parse_datetime), (Duration, parse_duration)):
        converter.register_structure_hook(leaf, _leaf(parse))
    converter.register_structure_hook_func(
        lambda tp: isinstance(tp, type) and issubclass(tp, OpenEnum),
        lambda value, tp: tp.parse(value),
    )
    converter.register_unstructure_hook_func(_is_wire_class, _unstructure_model)
    converter.register_unstructure_hook_func(_is_page, _unstructure_page)
    converter.register_unstructure_hook(UUID, str)
    converter.register_unstructure_hook(datetime, format_datetime)
    converter.register_unstructure_hook(Duration, str)
    converter.register_unstructure_hook_func(
        lambda tp: isinstance(tp, type) and issubclass(tp, OpenEnum), str
    )


def _make(forbid_unknown_keys: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=True)
    configure_converter(conv, forbid_unknown_keys=forbid_unknown_keys)
    return conv


#: The default converter: unknown keys are ignored.
converter = _make(forbid_unknown_keys=False)
"""The configured default cattrs converter (unknown keys ignored); see ``configure_converter``."""
#: The same hooks, with unknown keys rejected (``structure(..., forbid_unknown_keys=True)``).
strict_converter = _make(forbid_unknown_keys=True)


# -- errors ------------------------------------------------------------------------------


def issues_from_exception(exc: BaseException, path: tuple[PathPart, ...] = ()) -> list[Issue]:
    """Flatten a cattrs exception tree into issues with JSONPaths (iteratively)."""
    out: list[Issue] = []
    stack: list[tuple[BaseException, tuple[PathPart, ...]]] = [(exc, path)]
    current: BaseException
    while stack:
        current, where = stack.pop()
        if isinstance(current, ForbiddenExtraKeysError):
            for key in sorted(current.extra_fields, key=str):
                out.append(
                    Issue(format_path((*where, str(key))), "unknown_key", f"unknown key {key!r}")
                )
        elif isinstance(current, BaseExceptionGroup):
            # cattrs' ClassValidationError / IterableValidationError name the field or
            # index of each sub-exception in a note.
            for sub in reversed(current.exceptions):
                stack.append((sub, (*where, *_note_parts(sub))))
        elif isinstance(current, KeyError) and where:
            out.append(
                Issue(format_path(where), "missing_key", f"required key {where[-1]!r} is missing")
            )
        elif isinstance(current, RecursionError):
            out.append(Issue(format_path(where), "too_deep", "nested too deeply to check"))
        elif hasattr(current, "code") and hasattr(current, "message"):
            out.append(Issue(format_path(where), current.code, current.message))
        else:
            out.append(
                Issue(
                    format_path(where),
                    "invalid_value",
                    f"{type(current).__name__}: {current}",
                )
            )
    return out


def _note_parts(exc: BaseException) -> tuple[PathPart, ...]:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return (note.name,)
        if isinstance(note, IterableValidationNote):
            return (note.index,)
    return ()
