"""The cattrs side: strict hooks for every field type, installed by :func:`configure_converter`.

cattrs coerces by default (``"3"`` becomes 3, a string becomes a list of characters). Every
hook here checks the exact JSON type instead, and every check lives in a hook so that its
error keeps the field's path. Hooks are resolved once per class: the generated structure
function of a model calls each field's hook directly, with no per-record dispatch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, assert_never
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
from .._models.fields import FieldInfo, Kind, ModelBase, fields_of, is_page, is_wire_class
from .._models.models import Page, wire_order
from .._values.absent import ABSENT, JSONObject
from .._values.datetimes import format_datetime, parse_datetime
from .._values.durations import Duration, parse_duration
from .._values.enums import OpenEnum
from .._values.ids import parse_uuid
from .._values.issues import Issue, PathPart, ValidationError, format_path
from .._values.jsonvalue import check_json_object, check_json_value
from .._values.leaf import FieldError, json_type_name

__all__ = [
    "MAX_EXPANSION_DEPTH",
    "configure_converter",
    "converter",
    "field_hook",
    "issues_from_cattrs",
    "issues_from_exception",
    "strict_converter",
    "structure_int",
    "structure_raw",
    "structure_str",
    "unstructure_value",
    "wrong_type",
    "wrong_type_message",
]

StructureHook = Callable[[Any, Any], Any]
T = TypeVar("T")

_ERROR_BODIES = frozenset(ERROR_BODIES)


def wrong_type(expected: str, value: object) -> FieldError:
    """The ``wrong_type`` error: ``expected an integer, got a string``."""
    return FieldError("wrong_type", wrong_type_message(expected, value))


def wrong_type_message(expected: str, value: object) -> str:
    """The message of :func:`wrong_type`."""
    return f"expected {expected}, got {json_type_name(value)}"


# -- leaf hooks -------------------------------------------------------------------------


def structure_str(value: Any, _: Any) -> str:
    """The strict hook of a string field."""
    if type(value) is str:
        return value
    raise wrong_type("a string", value)


_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def structure_int(value: Any, _: Any) -> int:
    """The strict hook of an integer field: a JSON integer within signed 64 bits."""
    if type(value) is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
        raise FieldError("out_of_range", "integers must fit in a signed 64-bit JSON number")
    raise wrong_type("an integer", value)


def _structure_json_object(value: Any, _: Any) -> JSONObject:
    return check_json_object(value)


def _leaf(parse: Callable[[Any], Any]) -> StructureHook:
    def hook(value: Any, _: Any) -> Any:
        return parse(value)

    return hook


def _list_hook(element: StructureHook, expected: str) -> StructureHook:
    def structure_list(value: Any, tp: Any) -> list[Any]:
        if type(value) is not list:
            raise wrong_type(expected, value)
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


def _relation_hook(target: Any, expected: str, conv: cattrs.Converter) -> StructureHook:
    """``UUID | PartialX`` (or ``UUID | JSONObject``): dispatch on the JSON type, once."""
    object_hook = _structure_json_object if target is None else _lazy(target, conv)

    def structure_relation(value: Any, _: Any) -> Any:
        kind = type(value)
        if kind is str:
            return parse_uuid(value)
        if kind is dict:
            return object_hook(value, target)
        raise wrong_type(expected, value)

    return structure_relation


def _scalar_union_hook(expected: str) -> StructureHook:
    """``str | int`` (a 422 ``loc`` element): dispatch on the exact JSON type, once."""
    hooks: dict[type, StructureHook] = {str: structure_str, int: structure_int}

    def structure_scalar(value: Any, _: Any) -> Any:
        hook = hooks.get(type(value))
        if hook is None:
            raise wrong_type(expected, value)
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


def _element_hook(field: FieldInfo, conv: cattrs.Converter) -> StructureHook:
    """The strict hook of one value of a field (an element of a list field)."""
    kind = field.kind
    if kind is Kind.STRING:
        return structure_str
    if kind is Kind.INT64:
        return structure_int
    if kind is Kind.UUID:
        return _leaf(parse_uuid)
    if kind is Kind.DATETIME:
        return _leaf(parse_datetime)
    if kind is Kind.DURATION:
        return _leaf(parse_duration)
    if kind is Kind.OPEN_ENUM:
        assert field.enum is not None
        return _leaf(field.enum.parse)
    if kind is Kind.JSON_OBJECT:
        return _structure_json_object
    if kind is Kind.JSON_VALUE:  # any JSON value (a 422 ``input``)
        return _leaf(check_json_value)
    if kind is Kind.RELATION:
        assert field.element is not None
        return _relation_hook(field.target, field.element.expected, conv)
    if kind is Kind.OBJECT:
        return _lazy(field.target, conv)
    if kind is Kind.STRING_OR_INT:
        assert field.element is not None
        return _scalar_union_hook(field.element.expected)
    assert_never(kind)


def field_hook(field: FieldInfo, conv: cattrs.Converter) -> StructureHook:
    """The strict structure hook of a field (``Absent`` is handled by key presence)."""
    inner = _element_hook(field, conv)
    if field.many:
        inner = _list_hook(inner, "an array")
    if not field.nullable:
        return inner
    inner_hook, expected = inner, field.expected

    def structure_nullable(value: Any, t: Any) -> Any:
        if value is None:
            return None
        try:
            return inner_hook(value, t)
        except FieldError as exc:
            if exc.code == "wrong_type":
                raise wrong_type(expected, value) from None
            raise

    return structure_nullable


def _class_hook(cls: Any, conv: cattrs.Converter, forbid_unknown_keys: bool) -> StructureHook:
    """A generated cattrs structure function with a strict hook on every field.

    Called from outside any model (``conv.structure(payload, Completion)``, or by the hook of
    a user's own class), it raises :class:`~lms_schema.ValidationError` with the issues of
    :func:`issues_from_cattrs`; nested in a model, cattrs' own exception groups (whose paths
    the outermost call renders).
    """
    analysed = fields_of(cls)  # TypeError for an unsupported field: the first use
    overrides = {f.name: override(struct_hook=field_hook(f, conv)) for f in analysed.declared}
    generated = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=forbid_unknown_keys,
        _cattrs_detailed_validation=True,
        **overrides,  # type: ignore[arg-type]
    )
    expected = "an object"

    def structure_model(value: Any, tp: Any) -> Any:
        if getattr(_nesting, "depth", 0) or getattr(_nesting, "raw", False):
            if type(value) is not dict:
                raise wrong_type(expected, value)
            return generated(value, tp)
        try:
            if type(value) is not dict:
                raise wrong_type(expected, value)
            return generated(value, tp)
        except (FieldError, BaseExceptionGroup) as exc:
            raise ValidationError(issues_from_cattrs(exc)) from None

    return structure_model


def structure_raw(conv: cattrs.Converter, payload: Any, cls: Any) -> Any:
    """``conv.structure(payload, cls)`` with the models' hooks raising cattrs' own exceptions
    (no :class:`~lms_schema.ValidationError` built and taken apart again): for a caller that
    turns them into issues with :func:`issues_from_cattrs` anyway."""
    previous = getattr(_nesting, "raw", False)
    _nesting.raw = True
    try:
        return conv.structure(payload, cls)
    finally:
        _nesting.raw = previous


# -- unstructuring ------------------------------------------------------------------------


def unstructure_value(value: Any) -> Any:
    """The canonical JSON-ready form of any value a model can hold (by its own type)."""
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
        return [unstructure_value(v) for v in value]
    if isinstance(value, ModelBase) or kind in _ERROR_BODIES:
        return _unstructure_model(value)
    return value  # verbatim JSON objects (no copy)


def _unstructure_model(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in wire_order(type(obj)):
        value = getattr(obj, name)
        if value is not ABSENT:
            out[name] = unstructure_value(value)
    return out


def _unstructure_page(page: Page[Any]) -> dict[str, Any]:
    return {
        "cursor": page.cursor,
        "page_size": page.page_size,
        "items": [unstructure_value(item) for item in page.items],
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
        lambda tp: is_wire_class(tp) or is_page(tp),
        lambda tp, conv: _class_hook(tp, conv, forbid_unknown_keys),
    )
    for leaf, parse in ((UUID, parse_uuid), (datetime, parse_datetime), (Duration, parse_duration)):
        converter.register_structure_hook(leaf, _leaf(parse))
    converter.register_structure_hook_func(
        lambda tp: isinstance(tp, type) and issubclass(tp, OpenEnum),
        lambda value, tp: tp.parse(value),
    )
    converter.register_unstructure_hook_func(is_wire_class, _unstructure_model)
    converter.register_unstructure_hook_func(is_page, _unstructure_page)
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


def issues_from_cattrs(exc: BaseException, path: tuple[PathPart, ...] = ()) -> list[Issue]:
    """The issues, with JSONPaths, of an exception raised while structuring with a converter
    set up by :func:`~lms_schema.configure_converter`.

    The models' own hooks raise :class:`~lms_schema.ValidationError`; a model nested in a
    class of your own comes wrapped in cattrs' ``ClassValidationError`` of that class (with
    ``detailed_validation``), whose paths this function renders in full::

        try:
            conv.structure(payload, MyEnvelope)      # MyEnvelope.completion: Completion
        except Exception as exc:
            issues = lms_schema.issues_from_cattrs(exc)
            # [Issue(path='$.completion.score', code='wrong_type', ...)]

    ``path`` is prefixed to every path. An exception that carries no problem description is
    one ``invalid_value`` issue.
    """
    out: list[Issue] = []
    stack: list[tuple[BaseException, tuple[PathPart, ...]]] = [(exc, path)]
    current: BaseException
    while stack:
        current, where = stack.pop()
        if isinstance(current, ValidationError):  # a model's hook, called from outside
            if not where:
                out.extend(current.issues)
            else:
                prefix = format_path(where)
                out.extend(attrs.evolve(i, path=prefix + i.path[1:]) for i in current.issues)
        elif isinstance(current, ForbiddenExtraKeysError):
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


#: The name :mod:`lms_schema._api` has always used.
issues_from_exception = issues_from_cattrs


def _note_parts(exc: BaseException) -> tuple[PathPart, ...]:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return (note.name,)
        if isinstance(note, IterableValidationNote):
            return (note.index,)
    return ()
