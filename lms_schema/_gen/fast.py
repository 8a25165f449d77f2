"""The fast path: generated straight-line structure and unstructure functions per model.

The cattrs path (:mod:`lms_schema._convert.converter`) is the definition of the contract: it
collects every problem with its JSONPath. This module generates, once per class, a plain function
that does the same checks inline (exact JSON types, then the same cached leaf parsers), builds the
attrs instance once and, at the first problem of any kind, raises. :func:`lms_schema.structure`
then runs the cattrs path on the same payload for the detailed errors. So the fast path may
only ever *decline*; the errors, and everything it does not handle, come from one place::

    structure_fast = structurer(Completion, forbid_unknown_keys=False)
    try:
        value = structure_fast(payload)
    except Exception:
        value = converter.structure(payload, Completion)  # the errors, with paths

``tests/test_fast_path.py`` checks that both paths agree on valid and invalid payloads.

The generated unstructure functions give exactly the output of the cattrs unstructure hooks
(:func:`lms_schema._convert.converter._unstructure_value`), to which they fall back for any
value that is not of its field's declared type.
"""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs
import orjson

from .._convert.converter import _unstructure_value
from .._models.models import Page, _PartialBase, field_types, wire_order
from .._values.absent import ABSENT, Absent, JSONObject
from .._values.datetimes import _common as _common_datetime
from .._values.datetimes import format_datetime, parse_datetime
from .._values.durations import Duration, parse_duration
from .._values.enums import OpenEnum
from .._values.ids import _match as _uuid_shape
from .._values.ids import _parse_str as _parse_uuid_text
from .._values.jsonvalue import check_json_object

__all__ = ["DUMP_OPTIONS", "dumper", "structurer", "unstructurer"]

_NONE_TYPE = type(None)
#: Nested expansions the generated functions handle; deeper payloads take the cattrs path.
FAST_MAX_DEPTH = 3
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


class _DeclinedError(Exception):
    """Raised by generated code for any problem: the cattrs path decides (and explains)."""


# -- leaves ---------------------------------------------------------------------------------
# Each accepts exactly what the parser of the cattrs path accepts, with an equal result: it
# handles the common shape itself and hands anything else to that parser.

_new = object.__new__
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_safe = UUID.__dict__["is_safe"].__set__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


def _members(tp: Any) -> tuple[tuple[Any, ...], bool]:
    """(non-null members, nullable) of a field type, without ``Absent``."""
    origin = get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = get_args(tp)
        rest = tuple(a for a in args if a is not Absent and a is not _NONE_TYPE)
        return rest, _NONE_TYPE in args
    return (tp,), False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, _PartialBase)


def _page_item(cls: Any) -> Any:
    if get_origin(cls) is Page:
        (item,) = get_args(cls)
        return item
    return None


class _Builder:
    """Generates the source of the functions of every model reachable from a class."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[Any, str] = {}
        self.pending: list[Any] = []
        self.namespace: dict[str, Any] = {}
        self.constants: dict[int, str] = {}

    def name_of(self, cls: Any) -> str:
        key = self.key(cls)
        name = self.names.get(key)
        if name is None:
            base = get_origin(cls) or cls
            name = f"{self.prefix}_{base.__name__}_{len(self.names)}"
            self.names[key] = name
            self.pending.append(key)
        return name

    def key(self, cls: Any) -> Any:
        """What one generated function is for (``source`` receives it)."""
        return cls

    def const(self, value: Any) -> str:
        """A name for a Python object used by the generated code."""
        key = id(value)
        name = self.constants.get(key)
        if name is None:
            name = f"_k{len(self.constants)}"
            self.constants[key] = name
            self.namespace[name] = value
        return name

    def build(self, root: Any) -> Callable[[Any], Any]:
        return self.compile(self.name_of(root))

    def compile(self, name: str) -> Callable[[Any], Any]:
        """Generate and run the source of every pending function; return function ``name``."""
        sources = []
        while self.pending:
            sources.append(self.source(self.pending.pop()))
        exec("\n\n".join(sources), self.namespace)
        return typing.cast(Callable[[Any], Any], self.namespace[name])

    def function(self, name: str, argument: str, body: list[str]) -> str:
        """The source of ``def name(argument): body``, with every global the body uses bound
        as a default argument (fast local access). Names of generated functions not yet
        defined stay global (models recurse)."""
        text = "\n".join("    " + line for line in body)
        bound = [n for n in self.namespace if not n.startswith("__") and n in text]
        return f"def {name}({', '.join([argument, *(f'{n}={n}' for n in bound)])}):\n{text}"

    def source(self, cls: Any) -> str:  # pragma: no cover - defined by subclasses
        raise NotImplementedError


# -- structuring --------------------------------------------------------------------------


class _StructureBuilder(_Builder):
    def __init__(self, forbid_unknown_keys: bool) -> None:
        super().__init__("structure")
        self.forbid = forbid_unknown_keys
        self.helpers: dict[Any, str] = {}
        self.depth = 0
        self.namespace.update(
            _DeclinedError=_DeclinedError,
            _MISSING=_MISSING,
            ABSENT=ABSENT,
            _uuid=_parse_uuid_text,
            _uuid_shape=_uuid_shape,
            _UUID=UUID,
            _set_uuid_int=_set_uuid_int,
            _set_uuid_safe=_set_uuid_safe,
            _UNKNOWN_SAFETY=_UNKNOWN_SAFETY,
            _common_datetime=_common_datetime,
            _fromisoformat=datetime.fromisoformat,
            _datetime=parse_datetime,
            _duration=parse_duration,
            _json_object=check_json_object,
            _str_new=str.__new__,
            _new=_new,
        )

    def key(self, cls: Any) -> Any:
        """Functions are generated per (class, expansion depth): past
        :data:`FAST_MAX_DEPTH` nested expansions the generated function declines, and the
        cattrs path applies :data:`~lms_schema._convert.converter.MAX_EXPANSION_DEPTH`."""
        return (cls, self.depth)

    def nested(self, cls: Any) -> str:
        """The name of the function for a model expanded one level below the current one."""
        self.depth += 1
        try:
            return self.name_of(cls)
        finally:
            self.depth -= 1

    def source(self, key: Any) -> str:
        cls, self.depth = key
        if self.depth > FAST_MAX_DEPTH:
            return f"def {self.name_of(cls)}(d):\n    raise _DeclinedError"
        item = _page_item(cls)
        if item is not None or cls is Page:
            hints: dict[str, Any] = {
                "cursor": str | None,
                "page_size": int,
                "items": list[item if item is not None else Any],  # type: ignore[misc]
            }
            target, required = Page, {"cursor", "page_size", "items"}
        else:
            hints = field_types(cls)
            target = cls
            required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
        lines = ["if type(d) is not dict:", "    raise _DeclinedError", "get = d.get"]
        if self.forbid:
            lines.append("n = 0")
        for name, tp in hints.items():
            var = f"f_{name}"
            lines.append(f"{var} = get({name!r}, _MISSING)")
            lines.append(f"if {var} is _MISSING:")
            if name in required:
                lines.append("    raise _DeclinedError")
            else:
                lines.append(f"    {var} = ABSENT")
            lines.append("else:")
            if self.forbid:
                lines.append("    n += 1")
            lines.extend("    " + line for line in self.check(var, tp))
        if self.forbid:
            lines += ["if n != len(d):", "    raise _DeclinedError"]
        lines += self.construct(target, list(hints))
        return self.function(self.name_of(cls), "d", lines)

    def construct(self, target: type, names: list[str]) -> list[str]:
        """Build the instance: slot by slot when that is what ``__init__`` would do."""
        builder = _builder_class(target)
        if builder is None or {a.name for a in attrs.fields(target)} != set(names):
            args = ", ".join(f"{name}=f_{name}" for name in names)
            return [f"return {self.const(target)}({args})"]
        lines = [f"o = _new({self.const(builder)})"]
        lines += [f"o.{name} = f_{name}" for name in names]
        return [*lines, f"o.__class__ = {self.const(target)}", "return o"]

    def check(self, var: str, tp: Any, typed: bool = False) -> list[str]:
        """Statements that check ``var`` (of field type ``tp``) and replace it by its value.

        ``typed``: ``var`` is known to have the field's exact JSON type (msgspec decoded it
        into a mirror, :mod:`lms_schema._gen.mirror`), so type tests are left out and expanded
        objects are mirrors; otherwise it is any decoded JSON value."""
        members, nullable = _members(tp)
        body = self.check_members(var, members, typed)
        if nullable and body:
            return [f"if {var} is not None:", *("    " + line for line in body)]
        return body

    def check_members(self, var: str, members: tuple[Any, ...], typed: bool) -> list[str]:
        decline = ["    raise _DeclinedError"]
        if len(members) == 2 and UUID in members:
            target = next(m for m in members if m is not UUID)
            call = f"{var} = {self.object_function(target, typed)}({var})"
            if typed:  # a str or an object: msgspec said so
                return [
                    f"if type({var}) is str:",
                    f"    {var} = _uuid({var})",
                    "else:",
                    f"    {call}",
                ]
            return [
                f"if type({var}) is str:",
                f"    {var} = _uuid({var})",
                f"elif type({var}) is dict:",
                f"    {call}",
                "else:",
                *decline,
            ]
        if len(members) != 1:  # pragma: no cover - the models have no other unions
            raise TypeError(f"no fast path for {members!r}")
        (tp,) = members
        not_str = "" if typed else f"type({var}) is not str or "
        if tp is str:
            return [] if typed else [f"if type({var}) is not str:", *decline]
        if tp is int:  # msgspec decodes integers of any size
            not_int = "" if typed else f"type({var}) is not int or "
            return [f"if {not_int}not {_INT64_MIN} <= {var} <= {_INT64_MAX}:", *decline]
        if tp is UUID:  # ids rarely repeat: _ids._parse_str inline, without its cache
            return [
                f"if {not_str}_uuid_shape({var}) is None:",
                *decline,
                f"u = {var}",
                f"{var} = _new(_UUID)",
                "_set_uuid_int(" + var + ", int(u.replace('-', ''), 16))",
                f"_set_uuid_safe({var}, _UNKNOWN_SAFETY)",
            ]
        if tp is datetime:
            return self.datetime_check(var, "" if typed else f"type({var}) is str and ")
        if tp is Duration:
            return [f"{var} = _duration({var})"]
        if isinstance(tp, type) and issubclass(tp, OpenEnum):
            known, enum = self.const(tp._members), self.const(tp)
            lookup = f"{var} = {known}.get({var}) or _str_new({enum}, {var})"
            return [lookup] if typed else [f"if type({var}) is not str:", *decline, lookup]
        if tp == JSONObject:
            return [f"_json_object({var})"]
        if tp is Any:
            return []
        if _is_model(tp):
            return [f"{var} = {self.object_function(tp, typed)}({var})"]
        if get_origin(tp) is list:
            (element,) = get_args(tp)
            helper = self.element_helper(element, typed)
            if typed:  # a list of its own, from msgspec
                return [f"{var} = [{helper}(x) for x in {var}]"] if helper else []
            return [
                f"if type({var}) is not list:",
                *decline,
                f"{var} = [{helper}(x) for x in {var}]" if helper else f"{var} = list({var})",
            ]
        raise TypeError(f"no fast path for {tp!r}")  # pragma: no cover

    def object_function(self, target: Any, typed: bool) -> str:
        """The function for an expanded object (or a verbatim object) of type ``target``."""
        if target == JSONObject:
            return "_json_object"
        return self.nested(target)

    def datetime_check(self, var: str, is_str: str) -> list[str]:
        """parse_datetime's shortcuts inline, the function for the rest (``is_str``: the test
        that ``var`` is a str, empty when that is known).

        YYYY-MM-DDThh:mm:ssZ and the same with 3 or 6 fraction digits, the commonest shapes
        by far, are told by their length and separators alone: fromisoformat accepts exactly
        ASCII digits everywhere else, which is what RFC 3339 asks (tested exhaustively)."""
        return [
            f"if {is_str}len({var}) == 20 and {var}[4::3] == '--T::Z' or {is_str}"
            f"{var}[4:20:3] == '--T::.' and {var}[-1] == 'Z' and"
            f" (len({var}) == 24 or len({var}) == 27):",
            f"    {var} = _fromisoformat({var})",
            f"elif {is_str}_common_datetime({var}) is not None:",
            f"    {var} = _fromisoformat({var})",
            "else:",
            f"    {var} = _datetime({var})",
        ]

    def element_helper(self, tp: Any, typed: bool) -> str | None:
        """The name of a function checking one list element (None: any value, kept)."""
        if _is_model(tp):
            return self.object_function(tp, typed)
        body = self.check("x", tp, typed)
        if not body:
            return None
        key = (tp, self.depth, typed)
        name = self.helpers.get(key)
        if name is None:
            name = self.helpers[key] = f"element_{len(self.helpers)}"
            exec(self.function(name, "x", [*body, "return x"]), self.namespace)
        return name


_BUILDERS: dict[type, type | None] = {}


def _builder_class(cls: type) -> type | None:
    """A private class with the layout of ``cls``, in which the generated code fills an
    instance before switching its ``__class__`` to ``cls``.

    For a frozen slotted class whose ``__init__`` only assigns its fields (no validators,
    converters or init hooks), that gives the same instance as ``cls(**fields)``
    in a third of the time: the builder keeps the default ``__setattr__``, so the stores are
    the interpreter's fastest. It is a sibling of the class that adds ``cls``'s slots (same
    base, same slots), not a subclass of ``cls``: it never shows among the model's
    subclasses (where, for example, cattrs' ``include_subclasses`` would find it). No
    instance of it is ever returned. None when that does not hold; the generated code then
    calls ``cls``.
    """
    if cls in _BUILDERS:
        return _BUILDERS[cls]
    fields = attrs.fields(cls)
    builder: type | None = None
    # The class whose slots end the instance layout: cls or the nearest base adding some.
    solid = next((k for k in cls.__mro__ if k.__dict__.get("__slots__")), None)
    if (
        solid is not None
        and all(a.validator is None and a.converter is None for a in fields)
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and "__dict__" not in dir(cls)
    ):
        namespace = {
            "__slots__": solid.__dict__["__slots__"],
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": __name__,
            "__qualname__": f"_Building{cls.__name__}",
        }
        try:  # a base that refuses subclasses (Page's is Generic); a layout CPython
            # will not switch: the generated code calls cls
            builder = type(f"_Building{cls.__name__}", solid.__bases__[:1], namespace)
            probe: Any = _new(builder)
            probe.__class__ = cls
        except TypeError:
            builder = None
    _BUILDERS[cls] = builder
    return builder


_MISSING = object()
_STRUCTURERS: dict[tuple[Any, bool], Callable[[Any], Any] | None] = {}


def _supported(cls: Any) -> bool:
    item = _page_item(cls)
    return _is_model(cls) or (item is not None and _is_model(item))


def structurer(cls: Any, forbid_unknown_keys: bool = False) -> Callable[[Any], Any] | None:
    """The generated fast structure function of a model or ``Page[model]`` (None otherwise).

    It raises (any exception) instead of explaining: fall back to the cattrs path then.
    """
    key = (cls, forbid_unknown_keys)
    try:
        return _STRUCTURERS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    fn = _StructureBuilder(forbid_unknown_keys).build(cls) if _supported(cls) else None
    _STRUCTURERS[key] = fn
    return fn


# -- unstructuring ------------------------------------------------------------------------


def format_datetime_fast(value: datetime) -> str:
    """:func:`~lms_schema._values.datetimes.format_datetime`, quicker for UTC values."""
    if value.tzinfo is UTC:
        text = value.isoformat()
        if value.microsecond:
            return text[:-6].rstrip("0") + "Z"
        return text[:-6] + "Z"
    return format_datetime(value)


class _UnstructureBuilder(_Builder):
    """``for_json=True`` leaves UUIDs and open-enum values to orjson (same text)."""

    def __init__(self, for_json: bool) -> None:
        super().__init__("dump" if for_json else "unstructure")
        self.for_json = for_json
        self.namespace.update(
            ABSENT=ABSENT,
            _UUID=UUID,
            _datetime=datetime,
            _Duration=Duration,
            _format_datetime=format_datetime_fast,
            _UTC=UTC,
            _generic=_unstructure_value,
            _str=str,
        )

    def source(self, cls: Any) -> str:
        name = self.name_of(cls)
        if cls is Page:
            return "\n".join(
                [
                    f"def {name}(o):",
                    "    return {",
                    "        'cursor': o.cursor,",
                    "        'page_size': o.page_size,",
                    f"        'items': [{self.value('x', _AnyModel)} for x in o.items],",
                    "    }",
                ]
            )
        hints = field_types(cls)
        order = wire_order(cls)
        lines = [f"def {name}(o):", "    d = {}"]
        for field in order:
            lines += [
                f"    v = o.{field}",
                "    if v is not ABSENT:",
                f"        d[{field!r}] = {self.value('v', hints[field])}",
            ]
        lines.append("    return d")
        return "\n".join(lines)

    def value(self, var: str, tp: Any) -> str:
        """An expression for the JSON-ready form of ``var`` declared as ``tp``."""
        members, nullable = _members(tp)
        # Exact-type tests for the declared member types, the generic function for the rest
        # (None, and anything a user put into a model by hand).
        tests = []
        for member in members:
            if member is datetime and self.for_json:
                # orjson (OPT_UTC_Z) writes whole-second UTC date-times as we do.
                tests.append(
                    (
                        f"type({var}) is _datetime and {var}.tzinfo is _UTC"
                        f" and not {var}.microsecond",
                        var,
                    )
                )
            test = self.member(var, member)
            if test is not None:
                tests.append(test)
        expr = f"_generic({var})"
        for condition, result in reversed(tests):
            expr = f"({result} if {condition} else {expr})"
        if nullable:
            expr = f"(None if {var} is None else {expr})"
        return expr

    def member(self, var: str, tp: Any) -> tuple[str, str] | None:
        if tp is str or tp is int:
            return f"type({var}) is {tp.__name__}", var
        if tp is UUID:
            return f"type({var}) is _UUID", var if self.for_json else f"_str({var})"
        if tp is datetime:
            return f"type({var}) is _datetime", f"_format_datetime({var})"
        if tp is Duration:
            return f"type({var}) is _Duration", f"_str({var})"
        if isinstance(tp, type) and issubclass(tp, OpenEnum):
            enum = self.const(tp)
            return f"type({var}) is {enum}", var if self.for_json else f"_str({var})"
        if tp == JSONObject:
            return f"type({var}) is dict", var
        if _is_model(tp):
            return f"type({var}) is {self.const(tp)}", f"{self.name_of(tp)}({var})"
        if get_origin(tp) is list:
            (element,) = get_args(tp)
            return f"type({var}) is list", f"[{self.value('x', element)} for x in {var}]"
        if tp is _AnyModel:  # Page items: a model of any class, found by its type
            item = self.const(_dump_item if self.for_json else _unstructure_item)
            return "True", f"{item}({var})"
        return None


class _AnyModel:
    """Marker type: a Page item, unstructured by the function of its own class."""


_UNSTRUCTURERS: dict[tuple[type, bool], Callable[[Any], Any] | None] = {}


def _unstructurer(cls: type, for_json: bool) -> Callable[[Any], Any] | None:
    key = (cls, for_json)
    try:
        return _UNSTRUCTURERS[key]
    except KeyError:
        pass
    supported = cls is Page or _is_model(cls)
    fn = _UnstructureBuilder(for_json).build(cls) if supported else None
    _UNSTRUCTURERS[key] = fn
    return fn


def unstructurer(cls: type) -> Callable[[Any], Any] | None:
    """The generated unstructure function of a model class or ``Page`` (None otherwise)."""
    return _unstructurer(cls, for_json=False)


#: The orjson options :func:`dumper` output must be written with.
DUMP_OPTIONS = orjson.OPT_UTC_Z


def dumper(cls: type) -> Callable[[Any], Any] | None:
    """Like :func:`unstructurer`, but UUIDs, enum values and whole-second UTC date-times are
    left for orjson to write (with :data:`DUMP_OPTIONS`: the same text, quicker)."""
    return _unstructurer(cls, for_json=True)


def _unstructure_item(value: Any) -> Any:
    fn = _unstructurer(type(value), for_json=False)
    return fn(value) if fn is not None else _unstructure_value(value)


def _dump_item(value: Any) -> Any:
    fn = _unstructurer(type(value), for_json=True)
    return fn(value) if fn is not None else _unstructure_value(value)
