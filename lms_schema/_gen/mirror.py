"""The bytes fast path: JSON decoded by msgspec into generated wire mirrors of the models.

Optional: used by :func:`lms_schema.loads` only when msgspec is installed (the ``fast``
extra). For a model or ``Page[model]`` it generates, once, msgspec Structs whose fields have
exact JSON types only (``str`` for ids, date-times, durations and enum values, which our own
leaf code parses; ``dict`` for verbatim objects; the mirror of the model for expanded objects,
down to :data:`~lms_schema._gen.fast.FAST_MAX_DEPTH` nested expansions), and functions building
the attrs instances from their attributes with the checks of the dict fast path. Every mirror
forbids unknown fields, so msgspec decodes (and checks) every byte of the document; a
document with unknown keys anywhere takes the orjson path.

Like the dict fast path it may only *decline*: anything msgspec refuses (unknown keys, lone
surrogates, integers past 64 bits, any wrong type) and any doubt of the generated code raise,
and :func:`lms_schema.loads` then takes the orjson path, which gives the value or the errors::

    fast = bytes_structurer(Completion, forbid_unknown_keys=False)
    try:
        value = fast(data)
    except Exception:
        value = structure(decode(data), Completion)  # the orjson path: value or errors

``tests/test_mirror.py`` checks that both paths agree on valid, invalid and mutated bytes.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any, assert_never

from .._models.fields import FieldInfo, Kind, fields_of, item_of
from .._models.models import Page
from .._values.absent import ABSENT
from .fast import FAST_MAX_DEPTH, Declined, StructureBuilder, supported

__all__ = ["BYTES_STRUCTURERS", "MirrorCheck", "bytes_structurer", "mirror_checker"]

#: orjson refuses documents nested deeper than this; msgspec stops at the interpreter's
#: recursion limit (less the frames in use). Past such a limit, a document that might nest
#: deeper (unknown keys of expanded objects are skipped by the dict functions) is declined.
_ORJSON_MAX_DEPTH = 1024


def _may_nest_too_deep(data: object) -> bool:
    """Whether ``data`` could nest deeper than orjson allows (a count of its brackets)."""
    if type(data) is str:
        return data.count("[") + data.count("{") > _ORJSON_MAX_DEPTH
    if type(data) is bytes or type(data) is bytearray:
        return data.count(b"[") + data.count(b"{") > _ORJSON_MAX_DEPTH
    return True


def _msgspec() -> ModuleType | None:
    try:
        import msgspec
    except ImportError:  # pragma: no cover - the ``fast`` extra is not installed
        return None
    return msgspec


class _MirrorBuilder(StructureBuilder):
    """Generates mirror functions (reading Struct attributes) for the root, its ``Page``
    items and the expanded objects below them, down to :data:`FAST_MAX_DEPTH` nested
    expansions; below that, expanded objects are decoded as dicts and get the dict functions
    of the base class (which decline them)."""

    def __init__(
        self,
        forbid_unknown_keys: bool,
        msgspec: ModuleType,
        track_warnings: bool = False,
        native: bool | None = None,
    ) -> None:
        super().__init__(forbid_unknown_keys, track_warnings, native)
        self.msgspec = msgspec
        self.mirror = False
        self.structs: dict[tuple[Any, int], Any] = {}

    def key(self, cls: Any) -> Any:
        return (cls, self.depth, "mirror") if self.mirror else (cls, self.depth)

    def mirror_name(self, cls: Any) -> str:
        self.mirror = True
        try:
            return self.name_of(cls)
        finally:
            self.mirror = False

    def build_mirror(self, root: Any) -> Callable[[Any], Any]:
        """The function for ``root``'s mirror (the base class builds the rest the same way)."""
        return self.compile(self.mirror_name(root))

    def object_function(self, target: Any, typed: bool) -> str:
        if typed and target is not None and self.depth + 1 <= FAST_MAX_DEPTH:
            self.depth += 1  # the mirror of a model expanded one level below
            try:
                return self.mirror_name(target)
            finally:
                self.depth -= 1
        return super().object_function(target, typed)  # below: a dict, declined

    def source(self, key: Any) -> str:
        if len(key) == 2:
            return super().source(key)
        cls, self.depth, _ = key
        title = f"mirror of {getattr(cls, '__name__', cls)}"
        made = self.native_builder(cls, self.mirror_name(cls), title, title, typed=True)
        if made is not None:
            return made
        target = Page if item_of(cls) is not None else cls
        lines = []
        names = []
        for field in fields_of(cls).declared:
            # Absent keys are ABSENT already (the Struct's default); missing required ones
            # made msgspec refuse the document.
            var = f"f_{field.name}"
            names.append(field.name)
            lines.append(f"{var} = s.{field.name}")
            self.where = f"{title}.{field.name}"
            body = self.check(var, field, typed=True)
            if body and not field.required:
                lines.append(f"if {var} is not ABSENT:")
                lines.extend("    " + line for line in body)
            else:
                lines.extend(body)
        lines += self.construct(target, names)
        return self.function(self.mirror_name(cls), self.parameters("s"), lines)

    def native_values(self, cls: Any, names: list[str], typed: bool) -> Any:
        if not typed:
            return None
        struct = self.struct(cls, self.depth)
        if tuple(struct.__struct_fields__) != tuple(names):  # pragma: no cover - same order
            return None
        return self.msgspec.structs.astuple

    def struct(self, cls: Any, depth: int = 0) -> Any:
        """The msgspec Struct mirroring ``cls`` (a model or ``Page[model]``) at ``depth``
        nested expansions."""
        msgspec = self.msgspec
        struct = self.structs.get((cls, depth))
        if struct is not None:
            return struct
        item = item_of(cls)
        fields: list[tuple[Any, ...]] = []
        for f in fields_of(cls).declared:
            if item is not None and f.name == "items":  # the page's items: one level below
                tp: Any = list[self.struct(item, depth + 1)]  # type: ignore[misc]
            else:
                tp = self.wire_type(f, depth)
            fields.append((f.name, tp) if f.required else (f.name, tp, ABSENT))
        base = getattr(cls, "__origin__", cls)
        struct = msgspec.defstruct(  # omit_defaults: absent keys stay absent when encoded
            f"{base.__name__}Wire{depth}",
            fields,
            kw_only=True,
            forbid_unknown_fields=True,
            omit_defaults=True,
        )
        self.structs[cls, depth] = struct
        return struct

    def wire_type(self, field: FieldInfo, depth: int) -> Any:
        """The exact JSON type of a field: what msgspec decodes without interpreting (an
        expanded object within :data:`FAST_MAX_DEPTH`: its mirror Struct)."""
        wire = self.element_types(field, depth)
        if field.many:
            wire = [list[typing.Union[tuple(wire)]]]  # type: ignore[misc]  # noqa: UP007
        if field.nullable:
            wire.append(type(None))
        return typing.Union[tuple(wire)]  # noqa: UP007 - built from a tuple

    def element_types(self, field: FieldInfo, depth: int) -> list[Any]:
        """The JSON types of one non-null, non-list value of ``field``."""
        kind = field.kind
        if kind is Kind.STRING or kind is Kind.UUID or kind is Kind.DATETIME:
            return [str]
        if kind is Kind.DURATION or kind is Kind.OPEN_ENUM:
            return [str]
        if kind is Kind.INT64:
            return [int]
        if kind is Kind.STRING_OR_INT:
            return [str, int]
        if kind is Kind.JSON_OBJECT:
            return [dict]
        if kind is Kind.JSON_VALUE:
            return [Any]
        if kind is Kind.RELATION or kind is Kind.OBJECT:
            if field.target is None:
                expanded: Any = dict
            elif depth + 1 <= FAST_MAX_DEPTH:
                expanded = self.struct(field.target, depth + 1)
            else:
                expanded = dict
            return [str, expanded] if kind is Kind.RELATION else [expanded]
        assert_never(kind)


class MirrorCheck(typing.NamedTuple):
    """The parts of the mirror path for ``validate``-like callers (:func:`mirror_checker`)."""

    #: JSON text -> the document as mirror Structs; raises when msgspec refuses it (unknown
    #: keys, a wrong JSON type, ...) or it may nest deeper than orjson reads.
    decode: Callable[[Any], Any]
    #: (mirror, found) -> the value, appending to ``found`` what ``validate()`` would warn
    #: about, as ``validate()``'s generated function does; raises instead of explaining.
    check: Callable[[Any, list[str]], Any]
    #: mirror -> compact JSON of the keys and values it holds (absent keys left out).
    encode: Callable[[Any], bytes]
    #: ``decode`` without its depth test: the same while ``sys.getrecursionlimit()`` is at
    #: most ``max_depth`` (msgspec then stops before orjson would).
    unguarded: Callable[[Any], Any]
    #: The deepest nesting orjson reads.
    max_depth: int


_MIRROR_CHECKERS: dict[tuple[Any, bool], MirrorCheck | None] = {}


def mirror_checker(cls: Any, forbid_unknown_keys: bool = False) -> MirrorCheck | None:
    """The mirror path split in its parts, with warnings tracked (None when msgspec is not
    installed or ``cls`` is not supported)::

        parts = mirror_checker(Completion)
        found: list[str] = []
        value = parts.check(parts.decode(data), found)   # raises: take the orjson path
    """
    key = (cls, forbid_unknown_keys)
    try:
        return _MIRROR_CHECKERS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    msgspec = _msgspec()
    parts = None
    if msgspec is not None and supported(cls) and FAST_MAX_DEPTH >= 1:
        builder = _MirrorBuilder(forbid_unknown_keys, msgspec, track_warnings=True)
        check = typing.cast(Callable[[Any, list[str]], Any], builder.build_mirror(cls))
        decode = msgspec.json.Decoder(builder.struct(cls)).decode
        parts = MirrorCheck(
            _guarded(decode), check, msgspec.json.Encoder().encode, decode, _ORJSON_MAX_DEPTH
        )
    _MIRROR_CHECKERS[key] = parts
    return parts


def _guarded(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``decode``, declining documents that may nest deeper than orjson reads (when the
    interpreter's recursion limit would let msgspec read them)."""
    limit = sys.getrecursionlimit

    def guarded(data: Any) -> Any:
        if limit() > _ORJSON_MAX_DEPTH and _may_nest_too_deep(data):
            raise Declined("the document may nest deeper than orjson reads")
        return decode(data)

    return guarded


_BYTES_STRUCTURERS: dict[tuple[Any, bool], Callable[[Any], Any] | None] = {}
#: The functions :func:`bytes_structurer` built, by (class, forbid_unknown_keys): looked up
#: by :func:`lms_schema.loads` without a call (None: none for that class).
BYTES_STRUCTURERS = _BYTES_STRUCTURERS


def bytes_structurer(cls: Any, forbid_unknown_keys: bool = False) -> Callable[[Any], Any] | None:
    """A function turning JSON bytes (or str) straight into a model or ``Page[model]``.

    None when msgspec is not installed or ``cls`` is not supported. The function raises
    (any exception) instead of explaining: take the orjson path then.
    """
    key = (cls, forbid_unknown_keys)
    try:
        return _BYTES_STRUCTURERS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    msgspec = _msgspec()
    fn = None
    if msgspec is not None and supported(cls) and FAST_MAX_DEPTH >= 1:
        builder = _MirrorBuilder(forbid_unknown_keys, msgspec)
        build = builder.build_mirror(cls)
        decode = msgspec.json.Decoder(builder.struct(cls)).decode
        limit = sys.getrecursionlimit

        def fn(data: Any) -> Any:  # _guarded inline: loads() of one record is this call
            if limit() > _ORJSON_MAX_DEPTH and _may_nest_too_deep(data):
                raise Declined("the document may nest deeper than orjson reads")
            return build(decode(data))

    _BYTES_STRUCTURERS[key] = fn
    return fn
