"""What each field of a model is, as the schema export needs it: ONE classification.

To be replaced by the field analysis (``lms_schema/_models/fields.py``) once it lands: every
other module of :mod:`lms_schema._schema` reads fields only through :func:`field_kinds`, so
the switch touches this file alone. Built from the attrs fields of the class and the
relation table of :mod:`lms_schema._models.relations`::

    >>> from lms_schema import Completion
    >>> [(f.kind, f.target) for f in field_kinds(Completion) if f.name == "user"]
    [('relation', <class 'lms_schema.PartialUser'>)]

The query models of the endpoints are read the same way (``tuple[UUID, ...]`` is a list of
UUIDs; ``bool`` and ``Expand`` are kinds of their own).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Hashable
from datetime import datetime
from functools import cache
from typing import Any, Final, Literal, cast, get_args, get_origin
from uuid import UUID

import attrs

from .._models.models import _PartialBase, wire_order
from .._models.relations import relations
from .._request.expand import Expand
from .._values.absent import Absent, JSONObject
from .._values.durations import Duration
from .._values.enums import OpenEnum

__all__ = ["FieldKind", "Kind", "field_kinds"]

#: The kinds of value a field (or each element of a list field) holds.
Kind = Literal[
    "string",  # any string
    "int64",  # a JSON integer within signed 64 bits
    "uuid",  # canonical 8-4-4-4-12 UUID text
    "datetime",  # RFC 3339 date-time text
    "duration",  # strict ISO 8601-1 duration text
    "enum",  # an open enum: any string, ``target`` lists the known values
    "json_object",  # any JSON object, kept verbatim
    "json_value",  # any JSON value
    "string_or_int64",  # a 422 ``loc`` element
    "object",  # an attrs class of its own (``target``): error details, page items
    "relation",  # a UUID or an expanded ``target`` (None: any JSON object, for instructors)
    "boolean",  # a query flag
    "expand",  # the expand parameter
]

_NONE = type(None)
#: Leaf types by identity (the rest are recognised by what they are: open enums, attrs classes).
_LEAVES: Final[dict[Any, Kind]] = {
    str: "string",
    int: "int64",
    UUID: "uuid",
    datetime: "datetime",
    Duration: "duration",
    object: "json_value",
    bool: "boolean",
    Expand: "expand",
}


@attrs.frozen
class FieldKind:
    """One field: its wire ``name``, ``kind`` (of each element when ``many``), whether null is
    allowed (``nullable``) and the key must be present (``required``), and the ``target``
    class of a relation, an open enum or an object field."""

    name: str
    kind: Kind
    many: bool
    nullable: bool
    required: bool
    target: Any = None


def _members(tp: Any) -> tuple[Any, ...]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        return get_args(tp)
    return (tp,)


def field_kinds(cls: Any) -> tuple[FieldKind, ...]:
    """The fields of a model, ``Partial*`` class, ``Page[X]``, error body, a user's attrs
    subclass of a model or a query model, in wire order (computed once per class). A field
    of a type the export does not know raises ``TypeError`` naming it."""
    return _field_kinds(cls)


@cache
def _field_kinds(cls: Any) -> tuple[FieldKind, ...]:
    base = get_origin(cls) or cls
    if not attrs.has(base):
        raise TypeError(f"{cls!r} is not an attrs model class")
    substitute = dict(zip(getattr(base, "__parameters__", ()), get_args(cls), strict=False))
    related = (
        relations(cast(Hashable, base))
        if isinstance(base, type) and issubclass(base, _PartialBase)
        else {}
    )
    fields = {a.name: a for a in attrs.fields(base)}
    order = wire_order(base) if related or issubclass(base, _PartialBase) else tuple(fields)
    out = []
    for a in (fields[name] for name in order):
        members = _members(a.type)
        nullable = _NONE in members
        rest = [m for m in members if m is not _NONE and m is not Absent]
        required = a.default is attrs.NOTHING
        relation = related.get(a.name)
        if relation is not None:
            out.append(
                FieldKind(a.name, "relation", relation.many, nullable, required, relation.target)
            )
            continue
        many = len(rest) == 1 and get_origin(rest[0]) in (list, tuple)
        if many:
            rest = list(_members(get_args(rest[0])[0]))
        rest = [substitute.get(m, m) for m in rest]
        kind: Kind
        target = None
        if len(rest) == 2 and set(rest) == {str, int}:
            kind = "string_or_int64"
        elif len(rest) != 1:
            raise TypeError(f"field {a.name!r} of {cls!r}: no schema for {a.type!r}")
        elif rest[0] == JSONObject:
            kind = "json_object"
        elif isinstance(rest[0], type) and issubclass(rest[0], OpenEnum):
            kind, target = "enum", rest[0]
        elif rest[0] in _LEAVES:
            kind = _LEAVES[rest[0]]
        elif attrs.has(get_origin(rest[0]) or rest[0]):
            kind, target = "object", rest[0]
        else:
            raise TypeError(f"field {a.name!r} of {cls!r}: no schema for {a.type!r}")
        out.append(FieldKind(a.name, kind, many, nullable, required, target))
    return tuple(out)
