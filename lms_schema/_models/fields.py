"""The field analysis: what every field of a model *is*, read once per class by every layer.

One description per field (:class:`FieldInfo`): its wire name, its :class:`Kind` (a string,
an int64, a UUID, an aware date-time, a duration, an open enum, a JSON object, any JSON
value, a relation to a model, an expanded object, a string-or-integer), whether it is a list,
nullable, required, and the target model or enum class. The strict converter, the generated
fast paths and msgspec mirrors, ``validate()``, ``normalize()``, the relations table and the
Hypothesis strategies all switch on :attr:`FieldInfo.kind` (exhaustively: ``assert_never``
makes mypy flag a layer that forgets a kind) instead of classifying type hints themselves::

    >>> from lms_schema import Completion
    >>> info = fields_of(Completion).by_name["user"]
    >>> info.kind, info.target.__name__, info.nullable, info.required
    (<Kind.RELATION: 'relation'>, 'PartialUser', True, False)
    >>> [f.name for f in fields_of(Completion).fields][:5]
    ['id', 'remote_id', 'modified_at', 'custom_fields', 'raw_data']

A user's attrs subclass of a model is analysed the same way the first time it is used; a
field of a type no layer supports raises ``TypeError`` naming the class and the field.
"""

from __future__ import annotations

import inspect
import sys
import threading
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar, get_args, get_origin
from uuid import UUID

import attrs

from .._values.absent import Absent, JSONObject
from .._values.durations import Duration
from .._values.enums import OpenEnum
from .errorbodies import ERROR_BODIES
from .models import BASE_KEYS, Page, _PartialBase

__all__ = [
    "SUPPORTED",
    "FieldInfo",
    "Kind",
    "ModelBase",
    "ModelFields",
    "fields_of",
    "is_model",
    "is_page",
    "is_wire_class",
    "item_of",
    "model_name",
    "union_args",
]

_NONE_TYPE = type(None)
#: The base class of every model (an instance check: ``isinstance(value, ModelBase)``).
ModelBase = _PartialBase
_ERROR_BODIES = frozenset(ERROR_BODIES)


class Kind(Enum):
    """What a field (or one element of a list field) holds on the wire."""

    #: a JSON string (``name``, ``remote_id``)
    STRING = "string"
    #: a JSON integer that fits in a signed 64-bit number (``score``, ``order``)
    INT64 = "int64"
    #: a UUID string (``id``)
    UUID = "uuid"
    #: an RFC 3339 date-time string, aware (``modified_at``)
    DATETIME = "datetime"
    #: an ISO 8601 duration string (``duration``)
    DURATION = "duration"
    #: any string; the known ones are members of :attr:`FieldInfo.enum` (``grade``)
    OPEN_ENUM = "open_enum"
    #: a JSON object kept verbatim (``custom_fields``, ``raw_data``)
    JSON_OBJECT = "json_object"
    #: any JSON value (a 422 body's ``input``)
    JSON_VALUE = "json_value"
    #: a UUID string or an expanded object of :attr:`FieldInfo.target` (None: any JSON
    #: object, as for ``instructors``)
    RELATION = "relation"
    #: an object of :attr:`FieldInfo.target` (a ``Page``'s items, a 422 body's entries)
    OBJECT = "object"
    #: a string or an integer (a 422 ``loc`` element)
    STRING_OR_INT = "string_or_int"


#: What a field may be typed as, for the ``TypeError`` of an unsupported field.
SUPPORTED = (
    "str, int, UUID, datetime, Duration, an OpenEnum subclass, JSONObject, object, "
    "UUID | <model> (a relation), UUID | JSONObject, <model>, str | int, or a list of one of "
    "these; optionally | None (nullable) and | Absent (with default ABSENT)"
)

_LEAVES: dict[Any, Kind] = {
    str: Kind.STRING,
    int: Kind.INT64,
    UUID: Kind.UUID,
    datetime: Kind.DATETIME,
    Duration: Kind.DURATION,
    object: Kind.JSON_VALUE,
}
_WORDS: dict[Kind, str] = {
    Kind.STRING: "a string",
    Kind.OPEN_ENUM: "a string",
    Kind.INT64: "an integer",
    Kind.UUID: "a UUID string",
    Kind.DATETIME: "a date-time string",
    Kind.DURATION: "an ISO 8601 duration string",
    Kind.JSON_OBJECT: "an object",
    Kind.JSON_VALUE: "any JSON value",
    Kind.STRING_OR_INT: "a string or an integer",
}


def union_args(tp: Any) -> tuple[Any, ...] | None:
    """The members of a union type (``X | Y`` or ``Union[X, Y]``), None for any other type."""
    origin = get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return get_args(tp)
    return None


def is_model(tp: Any) -> bool:
    """True for a model class: the seven, the ``Partial*`` classes and users' subclasses."""
    return isinstance(tp, type) and issubclass(tp, _PartialBase)


def is_page(tp: Any) -> bool:
    """True for ``Page`` and ``Page[X]``."""
    return tp is Page or get_origin(tp) is Page


def is_wire_class(tp: Any) -> bool:
    """A class structured field by field: a model or an error body."""
    return is_model(tp) or tp in _ERROR_BODIES


def item_of(tp: Any) -> Any:
    """The item type of ``Page[X]`` (X), None for anything else (the bare ``Page`` too)."""
    if get_origin(tp) is Page:
        (item,) = get_args(tp)
        return item
    return None


def model_name(cls: type) -> str:
    """A person's name for a model: ``PartialUser`` -> ``user``."""
    return cls.__name__.removeprefix("Partial").lower()


@attrs.frozen(repr=False)
class FieldInfo:
    """One field of a wire class, as every layer sees it.

    ``many`` fields are JSON arrays whose elements are described by :attr:`element` (the same
    kind, target and enum, neither nullable nor a list). ``expected`` is the person's
    description of the whole field used in ``wrong_type`` messages ("a UUID string or an
    expanded user object or null").
    """

    #: the attribute name, which is also the key on the wire
    name: str
    kind: Kind
    #: a JSON array of values of ``kind``
    many: bool
    #: null is a legal value
    nullable: bool
    #: the key must be present (the attribute has no default)
    required: bool
    #: RELATION: the model an expanded object is (None: any JSON object); OBJECT: its class
    target: Any
    #: OPEN_ENUM: the enum class
    enum: type[OpenEnum] | None
    #: the resolved annotation
    annotation: Any
    expected: str
    #: the description of one element (``many``), else of the non-null value
    element: FieldInfo | None

    @property
    def wire(self) -> str:
        """The key on the wire (the attribute name: the models alias nothing)."""
        return self.name

    @property
    def is_relation(self) -> bool:
        """A relation, single or a list: ``user``, ``categories``, ``instructors``."""
        return self.kind is Kind.RELATION

    def __repr__(self) -> str:
        extra = "".join(
            f", {label}={value}"
            for label, value in (
                ("target", getattr(self.target, "__name__", None)),
                ("enum", getattr(self.enum, "__name__", None)),
            )
            if value is not None
        )
        flags = "".join(
            f", {flag}" for flag in ("many", "nullable", "required") if getattr(self, flag)
        )
        return f"FieldInfo({self.name!r}, {self.kind.name}{flags}{extra})"


@attrs.frozen(repr=False)
class ModelFields:
    """The analysed fields of one class (a model, ``Page[X]``, an error body)."""

    cls: Any
    #: wire order: for models ``id, remote_id, modified_at, custom_fields, raw_data`` first,
    #: then the model's own fields in declaration order
    fields: tuple[FieldInfo, ...]
    #: the order of ``attrs.fields()`` (the order cattrs reports problems in)
    declared: tuple[FieldInfo, ...]
    by_name: Mapping[str, FieldInfo]
    #: the names of the fields: a key outside them is an unknown key
    names: frozenset[str]

    def __repr__(self) -> str:
        return f"ModelFields({getattr(self.cls, '__name__', self.cls)!r}, {len(self.fields)})"


_CACHE: dict[Any, ModelFields] = {}
_LOCK = threading.Lock()


def fields_of(cls: Any) -> ModelFields:
    """The fields of a model class, ``Page[X]`` or an error body, computed once per class.

    Raises ``TypeError`` for anything else, and for a class with a field of a type no layer
    supports (naming the class and the field).
    """
    try:
        return _CACHE[cls]
    except KeyError:
        pass
    except TypeError:
        raise TypeError(f"{cls!r} is not an lms-schema model") from None
    analysed = _analyse(cls)
    with _LOCK:
        return _CACHE.setdefault(cls, analysed)


def _analyse(cls: Any) -> ModelFields:
    base = get_origin(cls) or cls
    if cls is Page:
        raise TypeError("Page needs an item model: Page[Completion]")
    if not (is_wire_class(base) or base is Page) or not attrs.has(base):
        raise TypeError(f"{cls!r} is not an lms-schema model")
    substitute: dict[Any, Any] = {}
    if base is Page:
        (item,) = get_args(cls)
        if not is_model(item):
            raise TypeError(f"Page items must be a model class, not {item!r}")
        (var,) = Page.__parameters__  # type: ignore[attr-defined]
        substitute[var] = item
    attributes = attrs.fields(base)
    hints: dict[str, Any] = {a.name: _resolve(base, a.name, a.type) for a in attributes}
    if any(isinstance(a.type, str) for a in attributes):
        # What attrs.resolve_types does, with each annotation read where it was written
        # (get_type_hints reads the models' in the namespace of ``lms_schema``, where the
        # public classes say they live): cattrs then finds the class resolved.
        for a in attributes:
            object.__setattr__(a, "type", hints[a.name])
        base.__attrs_types_resolved__ = base
    declared = []
    for a in attributes:
        tp = _substitute(hints.get(a.name, a.type), substitute)
        declared.append(_field(base, a.name, tp, a.default is attrs.NOTHING))
    by_name = {f.name: f for f in declared}
    if is_model(base):
        order = [
            *(n for n in BASE_KEYS if n in by_name),
            *(n for n in by_name if n not in BASE_KEYS),
        ]
    else:
        order = list(by_name)
    return ModelFields(
        cls=cls,
        fields=tuple(by_name[n] for n in order),
        declared=tuple(declared),
        by_name=MappingProxyType(by_name),
        names=frozenset(by_name),
    )


def _resolve(cls: type, name: str, tp: Any) -> Any:
    """A string annotation (``from __future__ import annotations``) evaluated where the class
    that declares the field was defined."""
    if not isinstance(tp, str):
        return tp
    owner = next((k for k in cls.__mro__ if name in inspect.get_annotations(k)), cls)
    module = sys.modules.get(owner.__module__)
    try:
        return eval(tp, dict(vars(module)) if module else {}, dict(vars(owner)))
    except Exception as exc:  # noqa: BLE001 - a name that does not resolve
        raise TypeError(
            f"{cls.__name__}.{name}: cannot resolve the annotation {tp!r} ({exc}); "
            "call attrs.resolve_types() on the class"
        ) from None


def _substitute(tp: Any, mapping: dict[Any, Any]) -> Any:
    if not mapping:
        return tp
    if isinstance(tp, TypeVar):
        return mapping.get(tp, tp)
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and args:
        return list[_substitute(args[0], mapping)]  # type: ignore[misc]
    return tp


def _field(owner: type, name: str, tp: Any, required: bool) -> FieldInfo:
    args = union_args(tp) or (tp,)
    nullable = _NONE_TYPE in args
    rest = [a for a in args if a is not Absent and a is not _NONE_TYPE]
    many = False
    element_tp = tp
    if len(rest) == 1 and get_origin(rest[0]) is list and get_args(rest[0]):
        many = True
        (element_tp,) = get_args(rest[0])
        rest = [a for a in (union_args(element_tp) or (element_tp,)) if a is not Absent]
    found = _kind_of(rest)
    if found is None:
        raise TypeError(
            f"{owner.__name__}.{name}: lms-schema does not support fields of type {tp!r} "
            f"(supported: {SUPPORTED})"
        )
    kind, target, enum = found
    words = _WORDS.get(kind)
    if kind is Kind.RELATION:
        words = "a UUID string or " + (
            f"an expanded {model_name(target)} object" if target is not None else "an object"
        )
    elif kind is Kind.OBJECT:
        words = f"an expanded {model_name(target)} object" if is_model(target) else "an object"
    assert words is not None
    element = FieldInfo(name, kind, False, False, True, target, enum, element_tp, words, None)
    expected = "an array" if many else words
    if nullable:
        expected += " or null"
    return FieldInfo(name, kind, many, nullable, required, target, enum, tp, expected, element)


def _kind_of(members: list[Any]) -> tuple[Kind, Any, type[OpenEnum] | None] | None:
    """The one classification of a (non-null, non-list) member list."""
    if len(members) == 1:
        (tp,) = members
        if isinstance(tp, type) and issubclass(tp, OpenEnum) and tp is not OpenEnum:
            return Kind.OPEN_ENUM, None, tp
        try:
            kind = _LEAVES.get(tp)
        except TypeError:  # an unhashable annotation
            return None
        if kind is not None:
            return kind, None, None
        if tp == JSONObject:
            return Kind.JSON_OBJECT, None, None
        if is_wire_class(tp):
            return Kind.OBJECT, tp, None
        return None
    if len(members) == 2 and UUID in members:
        (other,) = (m for m in members if m is not UUID)
        if is_model(other):
            return Kind.RELATION, other, None
        if other == JSONObject:
            return Kind.RELATION, None, None
        return None
    if len(members) == 2 and set(members) == {str, int}:
        return Kind.STRING_OR_INT, None, None
    return None
