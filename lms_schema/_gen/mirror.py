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
from datetime import datetime
from types import ModuleType
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs

from .._models.models import Page, field_types
from .._values.absent import ABSENT, JSONObject
from .._values.durations import Duration
from .._values.enums import OpenEnum
from .fast import (
    FAST_MAX_DEPTH,
    _DeclinedError,
    _is_model,
    _members,
    _page_item,
    _StructureBuilder,
    _supported,
)

__all__ = ["bytes_structurer"]

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


class _MirrorBuilder(_StructureBuilder):
    """Generates mirror functions (reading Struct attributes) for the root, its ``Page``
    items and the expanded objects below them, down to :data:`FAST_MAX_DEPTH` nested
    expansions; below that, expanded objects are decoded as dicts and get the dict functions
    of the base class (which decline them)."""

    def __init__(self, forbid_unknown_keys: bool, msgspec: ModuleType) -> None:
        super().__init__(forbid_unknown_keys)
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
        if typed and target != JSONObject and self.depth + 1 <= FAST_MAX_DEPTH:
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
        item = _page_item(cls)
        if item is not None:
            hints: dict[str, Any] = {"cursor": str | None, "page_size": int}
            target, required = Page, {"cursor", "page_size", "items"}
        else:
            hints = field_types(cls)
            target = cls
            required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
        lines = []
        names = list(hints)
        for name, tp in hints.items():
            # Absent keys are ABSENT already (the Struct's default); missing required ones
            # made msgspec refuse the document.
            var = f"f_{name}"
            lines.append(f"{var} = s.{name}")
            body = self.check(var, tp, typed=True)
            if body and name not in required:
                lines.append(f"if {var} is not ABSENT:")
                lines.extend("    " + line for line in body)
            else:
                lines.extend(body)
        if item is not None:
            lines.append(f"f_items = [{self.object_function(item, True)}(x) for x in s.items]")
            names.append("items")
        lines += self.construct(target, names)
        return self.function(self.mirror_name(cls), "s", lines)

    def struct(self, cls: Any, depth: int = 0) -> Any:
        """The msgspec Struct mirroring ``cls`` (a model or ``Page[model]``) at ``depth``
        nested expansions."""
        msgspec = self.msgspec
        struct = self.structs.get((cls, depth))
        if struct is not None:
            return struct
        item = _page_item(cls)
        if item is not None:
            hints: dict[str, Any] = {
                "cursor": str | None,
                "page_size": int,
                "items": list[self.struct(item, depth + 1)],  # type: ignore[misc]
            }
            required = set(hints)
        else:
            hints = {name: self.wire_type(tp, depth) for name, tp in field_types(cls).items()}
            required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
        fields = [
            (name, tp) if name in required else (name, tp, ABSENT) for name, tp in hints.items()
        ]
        base = get_origin(cls) or cls
        struct = msgspec.defstruct(
            f"{base.__name__}Wire{depth}", fields, kw_only=True, forbid_unknown_fields=True
        )
        self.structs[cls, depth] = struct
        return struct

    def wire_type(self, tp: Any, depth: int) -> Any:
        """The exact JSON type of a field: what msgspec decodes without interpreting (an
        expanded object within :data:`FAST_MAX_DEPTH`: its mirror Struct)."""
        members, nullable = _members(tp)
        wire: list[Any] = []
        for member in members:
            if member is str or member is int:
                kind: Any = member
            elif member in (UUID, datetime, Duration) or (
                isinstance(member, type) and issubclass(member, OpenEnum)
            ):
                kind = str
            elif _is_model(member) and depth + 1 <= FAST_MAX_DEPTH:
                kind = self.struct(member, depth + 1)
            elif member == JSONObject or _is_model(member):
                kind = dict
            elif get_origin(member) is list:
                kind = list[self.wire_type(get_args(member)[0], depth)]  # type: ignore[misc]
            else:  # pragma: no cover - the models have no other field types
                return Any
            if kind not in wire:
                wire.append(kind)
        if nullable:
            wire.append(type(None))
        return typing.Union[tuple(wire)]  # noqa: UP007 - built from a tuple


_BYTES_STRUCTURERS: dict[tuple[Any, bool], Callable[[Any], Any] | None] = {}


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
    if msgspec is not None and _supported(cls) and FAST_MAX_DEPTH >= 1:
        builder = _MirrorBuilder(forbid_unknown_keys, msgspec)
        build = builder.build_mirror(cls)
        decode = msgspec.json.Decoder(builder.struct(cls)).decode
        limit = sys.getrecursionlimit

        def fn(data: Any) -> Any:
            if limit() > _ORJSON_MAX_DEPTH and _may_nest_too_deep(data):
                raise _DeclinedError
            return build(decode(data))

    _BYTES_STRUCTURERS[key] = fn
    return fn
