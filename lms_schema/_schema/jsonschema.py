"""``json_schema()``: a JSON Schema (Draft 2020-12) of any model, read off its fields.

The schema is one more reader of the field descriptions
(:func:`lms_schema._models.fields.fields_of`), switching on their :class:`Kind`; it is never
written per model: a user's own attrs subclass of a model gets its schema the same way::

    schema = lms_schema.json_schema(lms_schema.Completion)
    schema = lms_schema.json_schema(lms_schema.Page[lms_schema.Course], expand="skills")

Leaves are shared ``$defs`` (``UUID``, ``DateTime``, ``Duration``, ``Int64``, ``JSONObject``,
one per open enum), and so is every model an expanded relation can be (``PartialUser``, ...).
UUIDs, date-times and durations are checked by a ``pattern`` that is exactly the strict
grammar; ``format`` is used only where every validator's format check agrees with the
contract (``uuid``): with format assertion switched on, ``date-time`` would reject the legal
date-times without an offset and ``duration`` legal fractions such as ``PT0.5S``. The rules no
schema can say are listed in :mod:`lms_schema._schema.inexpressible` and quoted in the
descriptions of the parts they concern.
"""

from __future__ import annotations

import inspect
from typing import Any, Final, assert_never, get_args, get_origin

from .._models.fields import FieldInfo, Kind, fields_of, is_model, is_page
from .._request.expand import Expand, Expansion, parse_expand
from .._values.enums import OpenEnum
from .._values.jsonvalue import MAX_DEPTH
from .grammars import (
    DATETIME_PATTERN,
    DURATION_MAX_LENGTH,
    DURATION_PATTERN,
    NO_NEWLINE,
    UUID_PATTERN,
)
from .inexpressible import INEXPRESSIBLE

__all__ = ["DIALECT", "json_schema"]

#: The ``$schema`` of every exported schema.
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_INT64: Final = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}
_NULL: Final = {"type": "null"}


def _not_expressed(*kinds: Kind | str) -> str:
    """The inexpressible rules that concern these kinds (a :class:`Kind` or another tag of
    :attr:`Inexpressible.kinds <lms_schema._schema.inexpressible.Inexpressible.kinds>`), as a
    description paragraph."""
    tags = {k.value if isinstance(k, Kind) else k for k in kinds}
    rules = [r for r in INEXPRESSIBLE if set(r.kinds) & tags]
    if not rules:
        return ""
    lines = "\n".join(f"- `{r.name}` ({r.severity}): {r.text}" for r in rules)
    return f"\n\nNot expressed by this schema (lms-schema checks it):\n{lines}"


#: The leaf definitions: name -> (field kind, schema).
_LEAVES: Final[dict[str, tuple[Kind, dict[str, Any]]]] = {
    "UUID": (
        Kind.UUID,
        {
            "title": "UUID",
            "description": "Canonical 8-4-4-4-12 hexadecimal UUID text, either case, any "
            "version. Braces, `urn:uuid:` and 32 bare hex digits are errors (code "
            "`invalid_uuid`).",
            "type": "string",
            "format": "uuid",
            "pattern": UUID_PATTERN,
            "not": NO_NEWLINE,
            "examples": ["018b18ef-c487-703c-afd9-0ca478ccd9d6"],
        },
    ),
    "DateTime": (
        Kind.DATETIME,
        {
            "title": "DateTime",
            "description": "RFC 3339 date-time: `YYYY-MM-DDThh:mm:ss[.fraction][offset]`, `T` "
            "or `t`, the offset `Z`, `z` or `+hh:mm`/`-hh:mm` below 24 hours; without an "
            "offset the time is read as UTC. The pattern admits only dates that exist (month "
            "lengths and leap years: `2025-02-30` and `1900-02-29` are errors, `2000-02-29` "
            "is not), hours 00-23 and no leap second 60 (code `invalid_datetime`). No "
            "`format`: the `date-time` format demands an offset." + _not_expressed(Kind.DATETIME),
            "type": "string",
            "pattern": DATETIME_PATTERN,
            "not": NO_NEWLINE,
            "examples": ["2025-08-01T10:00:00Z"],
        },
    ),
    "Duration": (
        Kind.DURATION,
        {
            "title": "Duration",
            "description": "ISO 8601-1 duration in the designator format: `P`, then `nY nM nD` "
            "in that order, then optionally `T` and `nH nM nS`; or `PnW` alone. At least one "
            "component, a decimal fraction (`.` or `,`) only on the last one, upper case, no "
            "sign, no whitespace (codes `invalid_duration`, `negative_duration`). No "
            "`format`: each validator's `duration` format is another grammar (RFC 3339 "
            "Appendix A rejects `PT0.5S`)." + _not_expressed(Kind.DURATION),
            "type": "string",
            "maxLength": DURATION_MAX_LENGTH,
            "pattern": DURATION_PATTERN,
            "not": NO_NEWLINE,
            "examples": ["PT1H15M"],
        },
    ),
    "Int64": (
        Kind.INT64,
        {
            "title": "Int64",
            "description": "A JSON integer within signed 64 bits; not a boolean, a string or "
            "a number with a fraction (codes `wrong_type`, `out_of_range`)."
            + _not_expressed(Kind.INT64),
            **_INT64,
        },
    ),
    "JSONObject": (
        Kind.JSON_OBJECT,
        {
            "title": "JSONObject",
            "description": f"Any JSON object, kept verbatim: finite numbers, integers "
            f"within -2^63 .. 2^64-1, at most {MAX_DEPTH} levels deep."
            + _not_expressed(Kind.JSON_OBJECT),
            "type": "object",
        },
    ),
    "JSONValue": (
        Kind.JSON_VALUE,
        {
            "title": "JSONValue",
            "description": "Any JSON value, with the limits of `JSONObject`.",
        },
    ),
}
_LEAF_OF_KIND: Final = {kind: name for name, (kind, _) in _LEAVES.items()}


def _title(name: str) -> str:
    return name.replace("_", " ").title()


def _doc(cls: Any) -> str:
    """The prose of a class's docstring (up to its first example)."""
    text = inspect.getdoc(cls) or ""
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith(">>>"):
            break
        lines.append(line)
    return "\n".join(lines).strip().replace("``", "`")


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


class _Builder:
    """Collects the ``$defs`` of one schema."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self._names: dict[Any, str] = {}

    def name(self, cls: Any) -> str:
        """The ``$defs`` name of a class (unique within the schema)."""
        name = self._names.get(cls)
        if name is None:
            base = getattr(cls, "__name__", str(cls))
            name, n = base, 1
            while name in self.defs or name in _LEAVES:
                n += 1
                name = f"{base}_{n}"
            self._names[cls] = name
        return name

    def leaf(self, kind: Kind) -> dict[str, Any]:
        name = _LEAF_OF_KIND[kind]
        if name not in self.defs:
            self.defs[name] = dict(_LEAVES[name][1])
        return _ref(name)

    def enum(self, cls: type[OpenEnum]) -> dict[str, Any]:
        name = self.name(cls)
        if name not in self.defs:
            known = [str(m) for m in cls.members()]
            self.defs[name] = {
                "title": cls.__name__,
                "description": f"{_doc(cls)}\n\nAn open enum: any string is a value. Known "
                f"values: {', '.join(f'`{v}`' for v in known)}; any other string is passed "
                "through verbatim.",
                "type": "string",
                "examples": known,
            }
        return _ref(name)

    def model(self, cls: Any) -> dict[str, Any]:
        """A ``$ref`` to the definition of an attrs class (built once; recursion is fine)."""
        name = self.name(cls)
        if name not in self.defs:
            self.defs[name] = {}  # reserve: the models refer to each other
            self.defs[name] = self.object(cls, None)
        return _ref(name)

    def object(self, cls: Any, expand: Expand | None) -> dict[str, Any]:
        """The object schema of a class; ``expand`` applies the request to its relations."""
        fields = fields_of(cls).fields
        properties = {}
        for field in fields:
            expansion: Expansion | bool | None = True  # True: not known
            if expand is not None and field.kind is Kind.RELATION:
                expansion = expand.get(field.name) or False
            properties[field.name] = self.field(field, expansion)
        schema: dict[str, Any] = {
            "title": _class_title(cls),
            "description": _doc(get_origin(cls) or cls),
            "type": "object",
            "properties": properties,
            "required": [f.name for f in fields if f.required],
        }
        if not schema["required"]:
            del schema["required"]
        notes = _not_expressed(
            *(["page"] if is_page(cls) else ["model"]), *(f"field:{f.name}" for f in fields)
        )
        if is_model(cls) or is_page(cls):
            schema["description"] += notes
        if expand is not None:
            schema["description"] += f"\n\nAs returned for `expand={expand}`."
        return schema

    def field(self, field: FieldInfo, expansion: Expansion | bool | None) -> dict[str, Any]:
        """A property's schema. ``expansion``: True when the request is not known, False
        when the relation is not expanded, else its :class:`Expansion`."""
        description = ""
        element: dict[str, Any]
        match field.kind:
            case Kind.RELATION:
                element = self.relation(field, expansion)
                what = (
                    "an expanded object"
                    if field.target is None
                    else (f"an expanded `{self.name(field.target)}` (any subset of its fields)")
                )
                if expansion is True:
                    description = f"A UUID or {what}."
                elif expansion is False:
                    description = "A UUID: the request did not expand this relation."
                else:
                    description = f"{what[0].upper()}{what[1:]}: the request expanded it " + (
                        f"(`{expansion}`)." if expansion is not None else "."
                    )
                description += _not_expressed(Kind.RELATION)
            case (
                Kind.UUID
                | Kind.DATETIME
                | Kind.DURATION
                | Kind.INT64
                | Kind.JSON_OBJECT
                | Kind.JSON_VALUE
            ):
                element = self.leaf(field.kind)
            case Kind.OPEN_ENUM:
                assert field.enum is not None
                element = self.enum(field.enum)
            case Kind.STRING:
                element = {"type": "string"}
            case Kind.STRING_OR_INT:
                element = {"anyOf": [{"type": "string"}, self.leaf(Kind.INT64)]}
            case Kind.OBJECT:
                element = self.model(field.target)
            case _:
                assert_never(field.kind)
        schema = {"type": "array", "items": element} if field.many else element
        if field.nullable:
            if list(schema) == ["anyOf"]:
                schema = {"anyOf": [*schema["anyOf"], _NULL]}
            else:
                schema = {"anyOf": [schema, _NULL]}
        out: dict[str, Any] = {"title": _title(field.name)}
        if description:
            out["description"] = description
        if "$ref" in schema and len(schema) == 1:
            return {**schema, **out}
        return {**out, **schema}

    def relation(self, field: FieldInfo, expansion: Expansion | bool | None) -> dict[str, Any]:
        uuid = self.leaf(Kind.UUID)
        target = self.leaf(Kind.JSON_OBJECT) if field.target is None else self.model(field.target)
        if expansion is True:
            return {"anyOf": [uuid, target]}
        if expansion is False or expansion is None:
            return uuid
        if expansion.fields is not None:
            return {**target, "required": list(expansion.fields)}
        return target


def _class_title(cls: Any) -> str:
    if is_page(cls):
        (item,) = get_args(cls)
        return f"Page[{item.__name__}]"
    return str(cls.__name__)


def json_schema(cls: Any, *, expand: Expand | str | None = None) -> dict[str, Any]:
    """A JSON Schema (Draft 2020-12) of ``cls``: a model, a ``Partial*`` class, ``Page[X]``,
    an error body (``HTTPValidationError``, ``ErrorDetail``, ``ErrorResponse``) or an attrs
    subclass of a model.

    ``expand`` (an :class:`~lms_schema.Expand` or its text) applies a request as
    :func:`lms_schema.validate` does: the relations it names are expanded objects (a bracket
    selection makes those fields required), every other relation a UUID; without it a
    relation is a UUID or an expanded object. Text that does not parse raises
    :class:`~lms_schema.ValidationError`; a class that is no model raises ``TypeError``::

        schema = lms_schema.json_schema(lms_schema.Completion, expand="user[first_name]")
        schema["$schema"]  # 'https://json-schema.org/draft/2020-12/schema'
    """
    fields_of(cls)  # TypeError for anything that is not a model (the bare Page too)
    item = get_args(cls)[0] if is_page(cls) else cls
    if isinstance(expand, str):
        expand = parse_expand(expand, cls)
    elif expand is not None and not isinstance(expand, Expand):
        raise TypeError(f"expand must be an Expand or its text, got {expand!r}")
    builder = _Builder()
    if expand is None:
        root = builder.model(cls) if not is_page(cls) else builder.object(cls, None)
        body = dict(builder.defs[builder.name(cls)]) if not is_page(cls) else root
        if not is_page(cls):
            body = {"title": body["title"], "description": _doc(cls), **root}
    else:
        expanded = builder.object(item, expand)
        if is_page(cls):
            page = builder.object(cls, None)
            page["properties"]["items"] = {
                **page["properties"]["items"],
                "items": expanded,
            }
            page["description"] += f"\n\nAs returned for `expand={expand}`."
            body = page
        else:
            body = expanded
    return {"$schema": DIALECT, **body, "$defs": dict(sorted(builder.defs.items()))}
