"""The bytes fast path: JSON decoded by msgspec into generated wire mirrors of the models.

Optional: used by :func:`lms_schema.loads` only when msgspec is installed (the ``fast``
extra). For a model or ``Page[model]`` it generates, once, msgspec Structs whose fields have
exact JSON types only (``str`` for ids, date-times, durations and enum values, which our own
leaf code parses; ``dict`` for verbatim objects; the mirror of the model for expanded objects,
down to :data:`~lms_schema._fast.FAST_MAX_DEPTH` nested expansions), and functions building
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

from ._absent import ABSENT, JSONObject
from ._durations import Duration
from ._enums import OpenEnum
from ._fast import (
    _INT64_MAX,
    _INT64_MIN,
    FAST_MAX_DEPTH,
    _DeclinedError,
    _is_model,
    _members,
    _page_item,
    _StructureBuilder,
    _supported,
)
from ._models import Page, field_types

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
        self.mirror_helpers: dict[tuple[Any, int], str] = {}

    def key(self, cls: Any) -> Any:
        return (cls, self.depth, "mirror") if self.mirror else (cls, self.depth)

    def mirror_name(self, cls: Any) -> str:
        self.mirror = True
        try:
            return self.name_of(cls)
        finally:
            self.mirror = False

    def nested_mirror(self, cls: Any) -> str:
        """The mirror function of a model expanded one level below the current one."""
        self.depth += 1
        try:
            return self.mirror_name(cls)
        finally:
            self.depth -= 1

    def build_mirror(self, root: Any) -> Callable[[Any], Any]:
        """The function for ``root``'s mirror (the base class builds the rest the same way)."""
        name = self.mirror_name(root)
        sources = []
        while self.pending:
            sources.append(self.source(self.pending.pop()))
        exec("\n\n".join(sources), self.namespace)
        return typing.cast(Callable[[Any], Any], self.namespace[name])

    def source(self, key: Any) -> str:
        if len(key) == 2:
            return super().source(key)
        cls, self.depth, _ = key
        fname = self.mirror_name(cls)
        item = _page_item(cls)
        if item is not None:
            hints: dict[str, Any] = {"cursor": str | None, "page_size": int}
            target, required = Page, {"cursor", "page_size", "items"}
        else:
            hints = field_types(cls)
            target = cls
            required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
        lines = [f"def {fname}(s):"]
        names = list(hints)
        for name, tp in hints.items():
            # Absent keys are ABSENT already (the Struct's default); missing required ones
            # made msgspec refuse the document.
            var = f"f_{name}"
            lines.append(f"    {var} = s.{name}")
            body = self.mirror_check(var, tp)
            if body and name not in required:
                lines.append(f"    if {var} is not ABSENT:")
                lines.extend("        " + line for line in body)
            else:
                lines.extend("    " + line for line in body)
        if item is not None:
            element = self.nested_mirror(item)
            lines += [
                "    f_items = s.items",
                f"    f_items = [{element}(x) for x in f_items]",
            ]
            names.append("items")
        lines += self.construct(target, names)
        body_text = "\n".join(lines[1:])
        bound = [n for n in self.namespace if not n.startswith("__") and n in body_text]
        lines[0] = f"def {fname}(s, {', '.join(f'{n}={n}' for n in bound)}):"
        return "\n".join(lines)

    def mirror_check(self, var: str, tp: Any) -> list[str]:
        """Like ``check``, for a value of the field's wire type (what msgspec checked)."""
        members, nullable = _members(tp)
        body = self.mirror_members(var, members)
        if nullable and body:
            return [f"if {var} is not None:", *("    " + line for line in body)]
        return body

    def object_function(self, target: Any) -> str:
        """The function for an expanded object or verbatim object of wire type ``target``."""
        if target == JSONObject:
            return "_json_object"
        if self.depth + 1 <= FAST_MAX_DEPTH:
            return self.nested_mirror(target)
        return self.nested(target)  # a dict: its function declines

    def mirror_members(self, var: str, members: tuple[Any, ...]) -> list[str]:
        if len(members) == 2 and UUID in members:  # a str or an object: msgspec said so
            target = next(m for m in members if m is not UUID)
            return [
                f"if type({var}) is str:",
                f"    {var} = _uuid({var})",
                "else:",
                f"    {var} = {self.object_function(target)}({var})",
            ]
        (tp,) = members
        if tp is str:
            return []
        if tp is int:  # msgspec decodes integers of any size
            return [f"if not {_INT64_MIN} <= {var} <= {_INT64_MAX}:", "    raise _DeclinedError"]
        if tp is UUID:
            return [
                f"if _uuid_shape({var}) is None:",
                "    raise _DeclinedError",
                f"u = {var}",
                f"{var} = _new(_UUID)",
                "_set_uuid_int(" + var + ", int(u.replace('-', ''), 16))",
                f"_set_uuid_safe({var}, _UNKNOWN_SAFETY)",
            ]
        if tp is datetime:
            return self.datetime_check(var, "")
        if isinstance(tp, type) and issubclass(tp, OpenEnum):
            known, enum = self.const(tp._members), self.const(tp)
            return [f"{var} = {known}.get({var}) or _str_new({enum}, {var})"]
        if _is_model(tp) or tp == JSONObject:
            return [f"{var} = {self.object_function(tp)}({var})"]
        if get_origin(tp) is list:
            (element,) = get_args(tp)
            helper = self.mirror_element(element)
            return [f"{var} = [{helper}(x) for x in {var}]"] if helper else []
        return self.check_members(var, members)  # durations

    def mirror_element(self, tp: Any) -> str | None:
        """The name of a function for one list element of wire type (None: kept as is)."""
        body = self.mirror_check("x", tp)
        if not body:
            return None
        key = (tp, self.depth)
        name = self.mirror_helpers.get(key)
        if name is None:
            name = self.mirror_helpers[key] = f"mirror_element_{len(self.mirror_helpers)}"
            lines = [f"def {name}(x):", *("    " + line for line in body), "    return x"]
            body_text = "\n".join(lines[1:])
            bound = [n for n in self.namespace if not n.startswith("__") and n in body_text]
            lines[0] = f"def {name}(x, {', '.join(f'{n}={n}' for n in bound)}):"
            exec("\n".join(lines), self.namespace)
        return name

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
