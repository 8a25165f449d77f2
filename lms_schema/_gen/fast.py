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

Where the C module ``_native`` is built, a model's function is a native builder instead of
Python source (:mod:`lms_schema._gen.native`: the same statements as rows of a C
interpreter, derived from the same field analysis); ``native=False`` generates the Python.

The generated unstructure functions give exactly the output of the cattrs unstructure hooks
(:func:`lms_schema._convert.converter.unstructure_value`), to which they fall back for any
value that is not of its field's declared type.
"""

from __future__ import annotations

import itertools
import linecache
import typing
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, assert_never
from uuid import UUID

import attrs
import orjson

from .._convert.converter import unstructure_value
from .._models.fields import FieldInfo, Kind, ModelBase, fields_of, is_model, item_of
from .._models.models import Page
from .._values import match_common_datetime as _common_datetime
from .._values import match_uuid_text as _uuid_shape
from .._values import parse_uuid_text as _parse_uuid_text
from .._values.absent import ABSENT
from .._values.datetimes import format_datetime, is_naive_text, parse_datetime
from .._values.durations import Duration, parse_duration
from .._values.jsonvalue import check_json_object, check_json_value
from .._values.locales import LANGUAGE_FIELDS, LOCALES
from . import native as _native

__all__ = [
    "DUMP_OPTIONS",
    "FAST_MAX_DEPTH",
    "STRUCTURERS",
    "Declined",
    "DepthBuilder",
    "StructureBuilder",
    "compile_source",
    "dumper",
    "structurer",
    "supported",
    "unstructurer",
]

#: Nested expansions the generated functions handle; deeper payloads take the cattrs path.
FAST_MAX_DEPTH = 3
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


class Declined(Exception):  # noqa: N818 - a signal, not an error of the caller
    """Raised by generated code for any problem: the cattrs path decides (and explains).
    Its argument says where and why (``"Completion.score: not an integer"``)."""


_DeclinedError = Declined
_SOURCES = itertools.count()


def compile_source(source: str, label: str, namespace: dict[str, Any]) -> None:
    """Run generated ``source`` in ``namespace``, compiled under the file name
    ``<lms_schema generated LABEL>`` and registered in :mod:`linecache` (as attrs does), so
    that tracebacks show the generated lines and ``inspect.getsource`` works."""
    filename = f"<lms_schema generated {label} #{next(_SOURCES)}>"
    code = compile(source, filename, "exec")
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    exec(code, namespace)


# -- leaves ---------------------------------------------------------------------------------
# Each accepts exactly what the parser of the cattrs path accepts, with an equal result: it
# handles the common shape itself and hands anything else to that parser.

_new = object.__new__
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_safe = UUID.__dict__["is_safe"].__set__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown
# Ids, with msgspec (the ``fast`` extra): its UUID parser, in C, takes the 36-character
# 8-4-4-4-12 form in either case and 32 bare hex digits; a test of the length first leaves
# exactly the first, what match_uuid_text matches: 0.26 us, against 0.63 for the pattern and
# the object built in Python (tests/test_fast_path.py: every character at every position).
_convert: Callable[[Any, type], Any] | None
try:
    from msgspec import convert as _convert
except ImportError:  # pragma: no cover - the ``fast`` extra is not installed
    _convert = None


class _Builder:
    """Generates the source of the functions of every model reachable from a class."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.label = prefix
        self.names: dict[Any, str] = {}
        self.pending: list[Any] = []
        self.namespace: dict[str, Any] = {}
        self.constants: dict[int, str] = {}
        #: native builders made for this compile, to resolve (see StructureBuilder)
        self.natives: list[Any] = []

    def name_of(self, cls: Any) -> str:
        key = self.key(cls)
        name = self.names.get(key)
        if name is None:
            base = getattr(cls, "__origin__", cls)
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
        base = getattr(root, "__origin__", root)
        self.label = f"{self.prefix} {base.__name__}"
        item = item_of(root)
        if item is not None:
            self.label += f"[{item.__name__}]"
        return self.compile(self.name_of(root))

    def compile(self, name: str) -> Callable[[Any], Any]:
        """Generate and run the source of every pending function; return function ``name``."""
        sources = []
        while self.pending:
            sources.append(self.source(self.pending.pop()))
        compile_source("\n\n".join(sources), self.label, self.namespace)
        for made in self.natives:  # native builders call functions generated after them
            made.resolve(self.namespace)
        self.natives.clear()
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


class DepthBuilder(_Builder):
    """A builder whose functions are per (class, expansion depth): past
    :data:`FAST_MAX_DEPTH` nested expansions the generated function declines, and the cattrs
    path applies :data:`~lms_schema._convert.converter.MAX_EXPANSION_DEPTH`."""

    def __init__(self, prefix: str) -> None:
        super().__init__(prefix)
        self.depth = 0

    def key(self, cls: Any) -> Any:
        return (cls, self.depth)

    def nested(self, cls: Any) -> str:
        """The name of the function for a model expanded one level below the current one."""
        self.depth += 1
        try:
            return self.name_of(cls)
        finally:
            self.depth -= 1


# -- structuring --------------------------------------------------------------------------


class StructureBuilder(DepthBuilder):
    """Generates the structure functions of a model and the models it expands.

    ``track_warnings``: the functions take a second argument, a list, and append to it when
    the payload holds something ``validate()`` warns about as it walks it (an unknown key, a
    date-time without an offset, an unknown language code), the checker of ``validate()``
    (:mod:`lms_schema._gen.validator`)."""

    def __init__(
        self, forbid_unknown_keys: bool, track_warnings: bool = False, native: bool | None = None
    ) -> None:
        super().__init__("validate" if track_warnings else "structure")
        self.forbid = forbid_unknown_keys
        self.track = track_warnings
        #: model functions become native builders (:mod:`lms_schema._gen.native`) where they
        #: can; None: when the compiled module is available and not turned off
        self.native = (
            _native.AVAILABLE if native is None else native and _native.module() is not None
        )
        #: the wire name of the field whose checks are being generated (None in a list)
        self.slot: str | None = None
        self.helpers: dict[Any, str] = {}
        self.where = ""
        self.namespace.update(
            _DeclinedError=_DeclinedError,
            _MISSING=_MISSING,
            ABSENT=ABSENT,
            _uuid=_parse_uuid_text,
            _uuid_shape=_uuid_shape,
            _UUID=UUID,
            _convert=_convert,
            _set_uuid_int=_set_uuid_int,
            _set_uuid_safe=_set_uuid_safe,
            _UNKNOWN_SAFETY=_UNKNOWN_SAFETY,
            _common_datetime=_common_datetime,
            _fromisoformat=datetime.fromisoformat,
            _datetime=parse_datetime,
            _duration=parse_duration,
            _json_object=check_json_object,
            _json_value=check_json_value,
            _str_new=str.__new__,
            _new=_new,
            _datetime_tracked=_datetime_tracked,
        )
        if track_warnings:
            self.namespace.update(_naive=is_naive_text, _locales=LOCALES)

    def source(self, key: Any) -> str:
        cls, self.depth = key
        if self.depth > FAST_MAX_DEPTH:
            reason = f"expanded objects nest deeper than {FAST_MAX_DEPTH} levels"
            name, params = self.name_of(cls), self.parameters("d")
            return f"def {name}({params}):\n    raise _DeclinedError({reason!r})"
        analysed = fields_of(cls)
        title = _title(cls)
        made = self.native_builder(cls, self.name_of(cls), title, title, typed=False)
        if made is not None:
            return made
        target = Page if item_of(cls) is not None else cls
        lines = [
            "if type(d) is not dict:",
            f"    raise _DeclinedError({title + ': not an object'!r})",
            "get = d.get",
            *self.prologue(),
        ]
        # Unknown keys: the dict has more keys than the fields it holds. Those are counted
        # down from all fields, in the branch of a missing one (the rarer case).
        count = self.forbid or self.track
        if count:
            lines.append(f"n = {len(analysed.declared)}")
        for field in analysed.declared:
            var = f"f_{field.name}"
            lines.append(f"{var} = get({field.name!r}, _MISSING)")
            lines.append(f"if {var} is _MISSING:")
            lines += ("    " + line for line in self.missing(var, field, title, count))
            self.where = f"{title}.{field.name}"
            self.slot = field.name
            body = self.check(var, field)
            self.slot = None
            if body:
                lines += ["else:", *("    " + line for line in self.present(cls, field, body))]
        lines += self.after_fields(analysed.names, title)
        lines += self.construct(target, [f.name for f in analysed.declared])
        return self.function(self.name_of(cls), self.parameters("d"), self.epilogue(lines))

    def prologue(self) -> list[str]:
        """Statements after a model function's first checks (for subclasses)."""
        return []

    def native_allowed(self) -> bool:
        """Whether the function being generated may be a native builder (subclasses that
        change the generated statements say no)."""
        return self.native

    def native_builder(
        self, cls: Any, name: str, title: str, where: str, typed: bool
    ) -> str | None:
        """Make the function ``name`` of ``cls`` a native builder (:mod:`.native`) when the
        C module is there and the model is built slot by slot: its source is then a comment
        (None: generate the Python)."""
        if not self.native_allowed() or item_of(cls) is not None:
            return None
        declared = fields_of(cls).declared
        names = [f.name for f in declared]
        if _builder_class(cls) is None or {a.name for a in attrs.fields(cls)} != set(names):
            return None
        slots = [_native.descriptor(cls, n) for n in names]
        if any(slot is None for slot in slots):
            return None
        rows: list[_native.Row] = []
        for field, slot in zip(declared, slots, strict=True):
            self.where = f"{where}.{field.name}"
            self.slot = field.name
            row = self.native_row(field, typed, slot)
            self.slot = None
            if row is None:
                return None
            rows.append((*row, self.native_rescue(cls, field)))
        recovery, values = self.native_recovery(cls), self.native_values(cls, names, typed)
        made = _native.builder(
            cls, rows, typed, self.forbid, self.track, title, recovery, self.native_mode(), values
        )
        self.namespace[name] = made
        self.natives.append(made)
        return f"# {name}: {made!r}"

    def native_values(self, cls: Any, names: list[str], typed: bool) -> Any:
        """For a mirror's builder (``typed``): what gives the mirror's values of the fields
        ``names`` as a tuple (None: read them one by one; :mod:`.mirror`)."""
        return None

    def native_mode(self) -> int:
        """Flags of the native builder beyond those of the builder's options (for
        subclasses: normalize()'s, :mod:`.canonical`)."""
        return 0

    def native_recovery(self, cls: Any) -> tuple[Any, ...] | None:
        """What a builder that explains its fields instead of declining needs (validate()'s
        top level, :mod:`.validator`); None for the others."""
        return None

    def native_rescue(self, cls: Any, field: FieldInfo) -> Any:
        """What the recover callable of :meth:`native_recovery` is given for ``field``."""
        return None

    def native_row(
        self, field: FieldInfo, typed: bool, slot: Any
    ) -> tuple[str, str, int, int, Any, Any, Any, Any] | None:
        """The row of ``field`` in a native builder (None: it has none; generate Python).
        Callables are given by their names in the namespace, resolved once all are there."""
        value = field.element if field.many else field
        assert value is not None
        kind = value.kind
        fn: Any = None
        extra1: Any = None
        extra2: Any = None
        tracks = False
        if kind is Kind.DATETIME:
            fn = "_datetime_tracked" if self.track else "_datetime"  # the other shapes
            tracks = self.track
        elif kind is Kind.DURATION:
            fn = "_duration"
        elif kind is Kind.OPEN_ENUM:
            assert value.enum is not None
            extra1, extra2 = value.enum._members, value.enum
        elif kind is Kind.JSON_OBJECT:
            fn = "_json_object"
        elif kind is Kind.JSON_VALUE:
            fn = "_json_value"
        elif kind is Kind.RELATION or kind is Kind.OBJECT:
            fn = self.object_function(value.target, typed)
            tracks = self.track and fn != "_json_object"
            extra1 = _parse_uuid_text if kind is Kind.RELATION else None
        if field.many and self.track and field.name in LANGUAGE_FIELDS:
            if extra2 is not None:
                return None
            extra2 = LOCALES
        flags = _native.flags(field, tracks, verbatim=fn == "_json_object")
        return (field.name, self.where, _native.operation(kind), flags, fn, extra1, extra2, slot)

    def missing(self, var: str, field: FieldInfo, title: str, count: bool) -> list[str]:
        """The statements for a key that is not there (``count``: unknown keys are counted
        down from all fields)."""
        if field.required:
            return [f"raise _DeclinedError({title + '.' + field.name + ': missing'!r})"]
        return [f"{var} = ABSENT", *(["n -= 1"] if count else [])]

    def present(self, cls: Any, field: FieldInfo, body: list[str]) -> list[str]:
        """The statements for a key that is there: ``body``, its checks (for subclasses)."""
        return body

    def after_fields(self, names: frozenset[str], title: str) -> list[str]:
        """The statements after every field's checks, before the instance is built: the
        dict has more keys than the fields it holds (``names``) when some are unknown."""
        if self.forbid:
            return ["if n != len(d):", f"    raise _DeclinedError({title + ': unknown keys'!r})"]
        if self.track:
            return ["if n != len(d):", "    w.append('unknown key')"]
        return []

    def epilogue(self, lines: list[str]) -> list[str]:
        """A model function's body, given the chance to change its end (for subclasses)."""
        return lines

    def parameters(self, argument: str) -> str:
        """The parameters of a generated function taking ``argument`` (and the list of
        warnings found when tracking them)."""
        return f"{argument}, w" if self.track else argument

    def call(self, function: str, argument: str) -> str:
        """A call of a generated function (or of ``_json_object``) on ``argument``."""
        if self.track and function != "_json_object":
            return f"{function}({argument}, w)"
        return f"{function}({argument})"

    def construct(self, target: type, names: list[str]) -> list[str]:
        """Build the instance: slot by slot when that is what ``__init__`` would do."""
        builder = _builder_class(target)
        if builder is None or {a.name for a in attrs.fields(target)} != set(names):
            args = ", ".join(f"{name}=f_{name}" for name in names)
            return [f"return {self.const(target)}({args})"]
        lines = [f"o = _new({self.const(builder)})"]
        lines += [f"o.{name} = f_{name}" for name in names]
        return [*lines, f"o.__class__ = {self.const(target)}", "return o"]

    def decline(self, why: str) -> list[str]:
        return [f"    raise _DeclinedError({self.where + ': ' + why!r})"]

    def check(self, var: str, field: FieldInfo, typed: bool = False) -> list[str]:
        """Statements that check ``var`` (a value of ``field``) and replace it by its value.

        ``typed``: ``var`` is known to have the field's exact JSON type (msgspec decoded it
        into a mirror, :mod:`lms_schema._gen.mirror`), so type tests are left out and expanded
        objects are mirrors; otherwise it is any decoded JSON value."""
        if field.many:
            body = self.check_list(var, field, typed)
            if self.track and field.name in LANGUAGE_FIELDS:
                body += [f"if not _locales.issuperset({var}):", "    w.append('language')"]
        else:
            body = self.check_value(var, field, typed)
        if field.nullable and body:
            return [f"if {var} is not None:", *("    " + line for line in body)]
        return body

    def check_list(self, var: str, field: FieldInfo, typed: bool) -> list[str]:
        assert field.element is not None
        helper = self.element_helper(field.element, typed)
        each = f"{var} = [{self.call(helper, 'x')} for x in {var}]" if helper else None
        if typed:  # a list of its own, from msgspec
            return [each] if each else []
        return [
            f"if type({var}) is not list:",
            *self.decline("not an array"),
            each or f"{var} = list({var})",
        ]

    def check_value(self, var: str, field: FieldInfo, typed: bool) -> list[str]:
        """The checks of one non-null value of ``field`` (an element of a list field)."""
        kind = field.kind
        not_str = "" if typed else f"type({var}) is not str or "
        if kind is Kind.STRING:
            return [] if typed else [f"if type({var}) is not str:", *self.decline("not a string")]
        if kind is Kind.INT64:  # msgspec decodes integers of any size
            not_int = "" if typed else f"type({var}) is not int or "
            return [
                f"if {not_int}not {_INT64_MIN} <= {var} <= {_INT64_MAX}:",
                *self.decline("not a 64-bit integer"),
            ]
        if kind is Kind.UUID and _convert is not None:  # see "leaves" above
            return [
                f"if {not_str}len({var}) != 36:",
                *self.decline("not a UUID in the 8-4-4-4-12 form"),
                f"u = {var}",
                f"{var} = _convert(u, _UUID)",
            ]
        if kind is Kind.UUID:  # ids rarely repeat: _ids._parse_str inline, without its cache
            return [
                f"if {not_str}_uuid_shape({var}) is None:",
                *self.decline("not a UUID in the 8-4-4-4-12 form"),
                f"u = {var}",
                f"{var} = _new(_UUID)",
                "_set_uuid_int(" + var + ", int(u.replace('-', ''), 16))",
                f"_set_uuid_safe({var}, _UNKNOWN_SAFETY)",
            ]
        if kind is Kind.DATETIME:
            return self.datetime_check(var, "" if typed else f"type({var}) is str and ")
        if kind is Kind.DURATION:
            return [f"{var} = _duration({var})"]
        if kind is Kind.OPEN_ENUM:
            assert field.enum is not None
            known, enum = self.const(field.enum._members), self.const(field.enum)
            lookup = f"{var} = {known}.get({var}) or _str_new({enum}, {var})"
            if typed:
                return [lookup]
            return [f"if type({var}) is not str:", *self.decline("not a string"), lookup]
        if kind is Kind.JSON_OBJECT:
            return [f"_json_object({var})"]
        if kind is Kind.JSON_VALUE:
            return [f"_json_value({var})"]
        if kind is Kind.OBJECT:
            return [f"{var} = {self.call(self.object_function(field.target, typed), var)}"]
        if kind is Kind.RELATION:
            call = f"{var} = {self.call(self.object_function(field.target, typed), var)}"
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
                *self.decline("neither a UUID string nor an object"),
            ]
        if kind is Kind.STRING_OR_INT:
            if typed:
                return []
            return [
                f"if type({var}) is not str and (type({var}) is not int"
                f" or not {_INT64_MIN} <= {var} <= {_INT64_MAX}):",
                *self.decline("neither a string nor a 64-bit integer"),
            ]
        assert_never(kind)

    def object_function(self, target: Any, typed: bool) -> str:
        """The function for an expanded object of model ``target`` (None: a verbatim JSON
        object)."""
        if target is None:
            return "_json_object"
        return self.nested(target)

    def datetime_check(self, var: str, is_str: str) -> list[str]:
        """parse_datetime's shortcuts inline, the function for the rest (``is_str``: the test
        that ``var`` is a str, empty when that is known).

        YYYY-MM-DDThh:mm:ssZ and the same with 3 or 6 fraction digits, the commonest shapes
        by far, are told by their length and separators alone: fromisoformat accepts exactly
        ASCII digits everywhere else, which is what RFC 3339 asks (tested exhaustively).
        When tracking warnings, the other shapes are tested for a missing offset."""
        naive = []
        if self.track:
            naive = [
                f"    if type({var}) is str and {var}[-1:] not in ('Z', 'z') and _naive({var}):",
                "        w.append('naive date-time')",
            ]
        return [
            f"if {is_str}len({var}) == 20 and {var}[4::3] == '--T::Z' or {is_str}"
            f"{var}[4:20:3] == '--T::.' and {var}[-1] == 'Z' and"
            f" (len({var}) == 24 or len({var}) == 27):",
            f"    {var} = _fromisoformat({var})",
            f"elif {is_str}_common_datetime({var}) is not None:",
            *naive,
            f"    {var} = _fromisoformat({var})",
            "else:",
            *naive,
            f"    {var} = _datetime({var})",
        ]

    def element_helper(self, element: FieldInfo, typed: bool) -> str | None:
        """The name of a function checking one list element (None: any value, kept)."""
        if element.kind is Kind.OBJECT:
            return self.object_function(element.target, typed)
        body = self.check("x", element, typed)
        if not body:
            return None
        key = (element.kind, element.target, element.enum, self.depth, typed, self.where)
        name = self.helpers.get(key)
        if name is None:
            name = self.helpers[key] = f"element_{len(self.helpers)}"
            source = self.function(name, self.parameters("x"), [*body, "return x"])
            compile_source(source, f"{self.label} {self.where}[*]", self.namespace)
        return name


def _title(cls: Any) -> str:
    """``Completion``, ``Page[Completion]``: how a decline names the class."""
    item = item_of(cls)
    return f"Page[{item.__name__}]" if item is not None else str(cls.__name__)


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
        # CPython switches __class__ only between siblings (the same direct base): for a
        # user's subclass that adds slots to a model, that base is the model, and the builder
        # would show among the model's subclasses (cattrs' include_subclasses would find it).
        # Such classes are built by cls(**fields) instead.
        and (solid.__bases__[:1] == (ModelBase,) or not is_model(solid.__bases__[0]))
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


def _datetime_tracked(v: Any, w: list[Any]) -> datetime:
    """A date-time of a shape the native builders do not read themselves (they read every
    shape ``match_common_datetime`` matches, as the generated Python's ``fromisoformat``
    branches do): the general parser, flagging one without an offset as validate() does."""
    if type(v) is str and v[-1:] not in ("Z", "z") and is_naive_text(v):
        w.append("naive date-time")
    return parse_datetime(v)


_native.configure(Declined, ABSENT)

_MISSING = object()
_STRUCTURERS: dict[tuple[Any, bool], Callable[[Any], Any] | None] = {}
#: The functions :func:`structurer` built, by (class, forbid_unknown_keys): the entry points
#: look them up without a call (None: the class has none).
STRUCTURERS = _STRUCTURERS


def supported(cls: Any) -> bool:
    """True for the classes with generated functions: models and ``Page[model]``."""
    return is_model(cls) or is_model(item_of(cls))


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
    fn = StructureBuilder(forbid_unknown_keys).build(cls) if supported(cls) else None
    _STRUCTURERS[key] = fn
    return fn


# -- unstructuring ------------------------------------------------------------------------


#: What the generated code formats date-times with (orjson's text, the same as
#: ``format_datetime`` wrote with ``isoformat``; kept as a name for the generated code).
format_datetime_fast = format_datetime


class _UnstructureBuilder(_Builder):
    """``for_json=True`` leaves UUIDs and open-enum values to orjson (same text)."""

    def __init__(self, for_json: bool, native: bool | None = None) -> None:
        super().__init__("dump" if for_json else "unstructure")
        self.for_json = for_json
        #: model functions become native writers (:mod:`lms_schema._gen.native`)
        self.native = (
            _native.AVAILABLE if native is None else native and _native.module() is not None
        )
        self.namespace.update(
            ABSENT=ABSENT,
            _UUID=UUID,
            _datetime=datetime,
            _Duration=Duration,
            _format_datetime=format_datetime_fast,
            _UTC=UTC,
            _generic=unstructure_value,
            _str=str,
            _dumps=orjson.dumps,
        )

    def source(self, cls: Any) -> str:
        name = self.name_of(cls)
        if cls is Page:  # items: a model of any class, unstructured by its own function,
            # looked up once for the class of the first item (and per item for any other)
            item = self.const(_dump_item if self.for_json else _unstructure_item)
            first = self.const(_dump_function if self.for_json else _unstructure_function)
            return "\n".join(
                [
                    f"def {name}(o):",
                    "    items = o.items",
                    "    t = type(items[0]) if items else None",
                    f"    f = {first}(t)",
                    "    return {",
                    "        'cursor': o.cursor,",
                    "        'page_size': o.page_size,",
                    f"        'items': [f(x) if type(x) is t else {item}(x) for x in items],",
                    "    }",
                ]
            )
        made = self.native_writer(cls, name)
        if made is not None:
            return made
        lines = [f"def {name}(o):", "    d = {}"]
        for field in fields_of(cls).fields:
            lines += [
                f"    v = o.{field.name}",
                "    if v is not ABSENT:",
                f"        d[{field.name!r}] = {self.value('v', field)}",
            ]
        lines.append("    return d")
        return "\n".join(lines)

    def native_writer(self, cls: Any, name: str) -> str | None:
        """Make the function ``name`` of model ``cls`` a native writer (:mod:`.native`) when
        the C module is there: its source is then a comment (None: generate the Python)."""
        if not self.native:
            return None
        columns = []
        for field in fields_of(cls).fields:
            value = field.element if field.many else field
            assert value is not None
            kind, fn = value.kind, None
            extra: Any = None
            if kind is Kind.DATETIME:
                extra = format_datetime_fast
            elif kind is Kind.DURATION:
                extra = Duration
            elif kind is Kind.OPEN_ENUM:
                extra = value.enum
            elif kind is Kind.JSON_OBJECT:
                extra = dict  # a dict is kept as it is; JSON_VALUE (None): the generic function
            elif kind is Kind.RELATION or kind is Kind.OBJECT:
                if value.target is not None and is_model(value.target):
                    fn, extra = self.name_of(value.target), value.target
                elif kind is Kind.OBJECT:  # not a model: the generic function
                    kind = Kind.JSON_VALUE
            flags = _native.flags(field, False)
            columns.append((field.name, _native.operation(kind), flags, fn, extra))
        title = f"{self.prefix} {cls.__name__}"
        made = _native.writer(cls, columns, self.for_json, title, unstructure_value)
        self.namespace[name] = made
        self.natives.append(made)
        return f"# {name}: {made!r}"

    def value(self, var: str, field: FieldInfo) -> str:
        """An expression for the JSON-ready form of ``var``, a value of ``field``."""
        # Exact-type tests for the declared types, the generic function for the rest (None,
        # and anything a user put into a model by hand).
        if field.many:
            assert field.element is not None
            element = self.value("x", field.element)
            tests = [(f"type({var}) is list", f"[{element} for x in {var}]")]
        else:
            tests = self.tests(var, field)
        expr = f"_generic({var})"
        for condition, result in reversed(tests):
            expr = f"({result} if {condition} else {expr})"
        if field.nullable:
            expr = f"(None if {var} is None else {expr})"
        return expr

    def tests(self, var: str, field: FieldInfo) -> list[tuple[str, str]]:
        """(condition, result) pairs for one non-null, non-list value of ``field``."""
        kind = field.kind
        if kind is Kind.STRING:
            return [(f"type({var}) is str", var)]
        if kind is Kind.INT64:
            return [(f"type({var}) is int", var)]
        if kind is Kind.STRING_OR_INT:
            return [(f"type({var}) is str", var), (f"type({var}) is int", var)]
        if kind is Kind.UUID:
            return [self.uuid_test(var)]
        if kind is Kind.DATETIME:
            tests = []
            if self.for_json:  # orjson (OPT_UTC_Z) writes whole-second UTC date-times as we do
                tests.append(
                    (
                        f"type({var}) is _datetime and {var}.tzinfo is _UTC"
                        f" and not {var}.microsecond",
                        var,
                    )
                )
            return [*tests, (f"type({var}) is _datetime", f"_format_datetime({var})")]
        if kind is Kind.DURATION:
            return [(f"type({var}) is _Duration", f"_str({var})")]
        if kind is Kind.OPEN_ENUM:
            enum = self.const(field.enum)
            return [(f"type({var}) is {enum}", var if self.for_json else f"_str({var})")]
        if kind is Kind.JSON_OBJECT:
            return [(f"type({var}) is dict", var)]
        if kind is Kind.JSON_VALUE:
            return []
        if kind is Kind.RELATION:
            if field.target is None:
                return [self.uuid_test(var), (f"type({var}) is dict", var)]
            return [self.uuid_test(var), self.model_test(var, field.target)]
        if kind is Kind.OBJECT:
            return [self.model_test(var, field.target)] if is_model(field.target) else []
        assert_never(kind)

    def uuid_test(self, var: str) -> tuple[str, str]:
        # orjson writes str(uuid) in a third of its time
        return f"type({var}) is _UUID", var if self.for_json else f"_dumps({var})[1:-1].decode()"

    def model_test(self, var: str, target: type) -> tuple[str, str]:
        return f"type({var}) is {self.const(target)}", f"{self.name_of(target)}({var})"


_UNSTRUCTURERS: dict[tuple[type, bool], Callable[[Any], Any] | None] = {}


def _unstructurer(cls: type, for_json: bool) -> Callable[[Any], Any] | None:
    key = (cls, for_json)
    try:
        return _UNSTRUCTURERS[key]
    except KeyError:
        pass
    fn = _UnstructureBuilder(for_json).build(cls) if cls is Page or is_model(cls) else None
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


def _unstructure_function(cls: type) -> Callable[[Any], Any]:
    """What unstructures an instance of ``cls``: its generated function or the generic one."""
    return _unstructurer(cls, for_json=False) or unstructure_value


def _dump_function(cls: type) -> Callable[[Any], Any]:
    """What prepares an instance of ``cls`` for orjson: its generated function or the generic
    one."""
    return _unstructurer(cls, for_json=True) or unstructure_value


def _unstructure_item(value: Any) -> Any:
    fn = _unstructurer(type(value), for_json=False)
    return fn(value) if fn is not None else unstructure_value(value)


def _dump_item(value: Any) -> Any:
    fn = _unstructurer(type(value), for_json=True)
    return fn(value) if fn is not None else unstructure_value(value)
