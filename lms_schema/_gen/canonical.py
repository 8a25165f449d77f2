"""The fast path of ``normalize()``: a payload that is canonical but for values of its root fields.

``normalize()`` walks a payload with a lenient reader per leaf, records every repair, then
structures the repaired payload strictly. For a payload that needs no repair and is already
written the canonical way (lower-case ids, date-times as :func:`~lms_schema.unstructure`
writes them, canonical durations, open-enum values that are members), that gives no fixes, a
copy of the payload with the same keys in the same order, and the strict value. The function
generated here, once per model, checks exactly that in one walk of the payload, building the
value (as the strict fast path of :mod:`lms_schema._gen.fast` does) and the copy.

A value of a field of the root model (not in a list, not in an expanded object) that is not
canonical goes to that field's lenient reader for the policy, ``readers[i]``, which returns
the canonical wire value and the rule that repaired it; the function records the fix exactly
as the lenient walk does (the same reader, the same path); the copy gets that value and the
function checks it strictly, as ``structure()`` checks the lenient walk's output. A reader
that cannot repair raises.
Everywhere else, at the first doubt, it declines (raises), and ``normalize()`` takes its
lenient walk::

    fast = canonicalizer(Completion)
    try:
        value, payload_copy, fixes = fast.function(payload, readers)
    except Exception:
        ...                                   # the lenient walk decides

Where a reader only re-spells a valid value without a fix (an upper-case id, a date-time
with trailing zeros in its fraction, ``PT90M``), the copy gets the canonical text, as the
reader's output would. Below the root it declines on anything a reader would repair or read
by the policy (a date-time without an offset), on expanded objects inside lists of
relations, and everywhere the strict fast path declines; a missing required key and a
single value for a list are left to the lenient walk too. The lenient readers leave a
strictly valid, canonical value unchanged under every policy (they try the strict parser
first; policies only choose among repairs), so the policy matters only in the repairs.
The fixes come in the fields' order; ``normalize()`` puts them in the payload's.
``tests/test_fast_path.py`` checks that ``normalize()`` gives the same result with and
without this path on valid, messy, invalid and mutated payloads under four policies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import attrs

from .._lenient.fixes import new_fix
from .._lenient.readers import Reader
from .._models.fields import FieldInfo, Kind, item_of
from .._values.datetimes import is_naive_text
from .._values.issues import format_path
from .._values.leaf import FieldError
from . import native as _native
from .fast import StructureBuilder, format_datetime_fast, supported

__all__ = ["Canonical", "CanonicalFunction", "canonicalizer"]


class CanonicalBuilder(StructureBuilder):
    """Structure functions returning ``(value, copy of the payload)`` that decline on any
    value a lenient reader would change."""

    def __init__(self, native: bool | None = None, readers: dict[str, int] | None = None) -> None:
        # native builders in their canonical mode (``_native.c``) read the field with the
        # reader of index ``readers[name]``, as the Python numbers them (see canonicalizer)
        super().__init__(forbid_unknown_keys=False, native=native if readers is not None else False)
        self.readers = readers or {}
        self.prefix = "canonical"
        self.namespace.update(
            _format_datetime=format_datetime_fast,
            _str=str,
            _naive=is_naive_text,
            _FieldError=FieldError,
            _fix=new_fix,
        )
        #: the root model's fields with a repair, by their index in the repairs argument
        self.repaired: list[FieldInfo] = []
        #: generating the strict checks of a repaired (canonical) wire value
        self.plain = False

    def parameters(self, argument: str) -> str:
        """The root model's function (depth 0) also takes the repairs."""
        return f"{argument}, r" if argument == "d" and self.depth == 0 else argument

    def prologue(self) -> list[str]:
        lines = ["out = d.copy()"]  # unknown keys stay, in their place
        return [*lines, "fx = []"] if self.depth == 0 else lines

    def epilogue(self, lines: list[str]) -> list[str]:
        last = lines[-1]
        assert last.startswith("return ")
        return [*lines[:-1], f"{last}, out, fx" if self.depth == 0 else f"{last}, out"]

    def native_mode(self) -> int:
        made = _native.module()
        return int(made.B_CANONICAL | (made.B_REPAIR if self.depth == 0 else 0))

    def native_recovery(self, cls: Any) -> tuple[Any, ...] | None:
        return (new_fix,) if self.depth == 0 else None

    def native_rescue(self, cls: Any, field: FieldInfo) -> Any:
        index = self.readers.get(field.name) if self.depth == 0 else None
        return None if index is None else (index, format_path((field.name,)))

    def native_row(
        self, field: FieldInfo, typed: bool, slot: Any
    ) -> tuple[str, str, int, int, Any, Any, Any, Any] | None:
        row = super().native_row(field, typed, slot)
        value = field.element if field.many else field
        if row is None or value is None or value.kind is not Kind.DATETIME:
            return row
        name, where, op, flags, fn, _, extra2, slot = row  # what writes the canonical text
        return (name, where, op, flags, fn, format_datetime_fast, extra2, slot)

    def repairing(self) -> bool:
        """True while generating the checks of a field of the root model (not in a list)."""
        return self.depth == 0 and self.slot is not None and not self.plain

    def repair(self, var: str, field: FieldInfo, strict: list[str] | None = None) -> list[str]:
        """Statements (indented for a branch) reading ``var`` with the field's lenient reader
        (``r[i]``; it raises what it cannot repair), recording its fix as the lenient walk
        does, writing its canonical wire value into the copy and checking that strictly, as
        structure() checks the lenient walk's output (``strict``: those checks, when not
        the field kind's)."""
        index = len(self.repaired)
        self.repaired.append(field)
        path = format_path((field.name,))  # the lenient walk's path of a root field
        if strict is None:
            self.plain = True
            try:
                strict = self.check_value(var, field, False)
            finally:
                self.plain = False
        if field.nullable and strict:  # a reader may make a value null (empty_to_null)
            strict = [f"if {var} is not None:", *_indent(strict)]
        return _indent(
            [
                f"wire, rule = r[{index}]({var})",
                "if rule is not None:",
                f"    fx.append(_fix({path!r}, rule, {var}, wire))",
                f"{var} = out[{self.slot!r}] = wire",
                *strict,
            ]
        )

    def check_value(self, var: str, field: FieldInfo, typed: bool) -> list[str]:
        assert not typed
        if self.plain:
            return super().check_value(var, field, typed)
        kind = field.kind
        repairing = self.repairing()
        if kind is Kind.UUID:  # the reader lower-cases (no fix)
            test, decline, *build = super().check_value(var, field, typed)
            canonical = [*build, "if u != u.lower():", *self.respell("u.lower()")]
            if not repairing:
                return [test, decline, *canonical]
            return [test, *self.repair(var, field), "else:", *_indent(canonical)]
        if kind is Kind.INT64:
            test, decline = super().check_value(var, field, typed)
            return [test, *(self.repair(var, field) if repairing else [decline])]
        if kind is Kind.DURATION:  # the reader writes the canonical text (no fix)
            canonical = [f"c = _str({var})", "if c != t:", *self.respell("c")]
            if not repairing:
                return [f"t = {var}", *super().check_value(var, field, typed), *canonical]
            return [
                f"t = {var}",
                "try:",
                f"    {var} = _duration({var})",
                "except _FieldError:",
                *self.repair(var, field),
                "else:",
                *_indent(canonical),
            ]
        if kind is Kind.OPEN_ENUM:  # a value that is not a member may be a lenient spelling
            assert field.enum is not None
            known = self.const(field.enum._members)
            return [
                f"if type({var}) is not str or {var} not in {known}:",
                *(self.repair(var, field) if repairing else self.decline("not a member")),
                "else:",
                f"    {var} = {known}[{var}]",
            ]
        if kind is Kind.OBJECT or kind is Kind.RELATION:
            function = self.object_function(field.target, typed)
            if function == "_json_object":  # a verbatim object: kept as it is
                by_object = [f"    _json_object({var})"]
            elif self.slot is None:  # inside a list: the lists of pairs are not built
                by_object = self.decline("an expanded object in a list")
            else:
                by_object = [f"    {var}, out[{self.slot!r}] = {function}({var})"]
            if kind is Kind.OBJECT:
                return [
                    f"if type({var}) is not dict:",
                    *self.decline("not an object"),
                    *(line[4:] for line in by_object),
                ]
            by_id = [
                f"if {var} != {var}.lower():",
                *self.respell(f"{var}.lower()"),
                f"{var} = _uuid({var})",
            ]
            if repairing:  # the repaired id is canonical text; try costs nothing (3.11)
                by_id = [
                    "try:",
                    f"    u = _uuid({var})",
                    "except _FieldError:",
                    *self.repair(var, field, strict=[f"{var} = _uuid({var})"]),
                    "else:",
                    *_indent([*by_id[:-1], f"{var} = u"]),
                ]
            return [
                f"if type({var}) is str:",
                *_indent(by_id),
                f"elif type({var}) is dict:",
                *by_object,
                "else:",
                *self.decline("neither a UUID string nor an object"),
            ]
        if kind is Kind.DATETIME and repairing:  # what is not canonical: the reader decides
            branches = self.datetime_check(var, f"type({var}) is str and ")
            last = branches.index("else:")
            return [*branches[: last + 1], *self.repair(var, field)]
        return super().check_value(var, field, typed)

    def datetime_check(self, var: str, is_str: str) -> list[str]:
        """The base class's branches, each with its test for the canonical text: the reader
        writes format_datetime's text (no fix) but reads a date-time without an offset in
        the policy's zone (declined)."""
        if self.plain:
            return super().datetime_check(var, is_str)
        changed = [
            f"    c = _format_datetime({var})",
            "    if c != t:",
            "        if _naive(t):",
            f"        {self.decline('no offset')[0]}",
            *("    " + line for line in self.respell("c")),
        ]
        return [
            f"if {is_str}len({var}) == 20 and {var}[4::3] == '--T::Z':",  # canonical
            f"    {var} = _fromisoformat({var})",
            f"elif {is_str}{var}[4:20:3] == '--T::.' and {var}[-1] == 'Z' and"
            f" (len({var}) == 24 or len({var}) == 27):",
            f"    t = {var}",
            f"    {var} = _fromisoformat({var})",
            "    if t[-2] == '0':",  # trailing zeros in the fraction
            *("    " + line for line in self.respell(f"_format_datetime({var})")),
            f"elif {is_str}_common_datetime({var}) is not None:",
            f"    t = {var}",
            f"    {var} = _fromisoformat({var})",
            *changed,
            "else:",
            f"    t = {var}",
            f"    {var} = _datetime({var})",
            *changed,
        ]

    def respell(self, text: str) -> list[str]:
        """Statements writing the canonical ``text`` into the copy (for a value in a list:
        a decline; the list's copy is made before its elements are checked)."""
        if self.slot is None:
            return self.decline("not canonical")
        return [f"    out[{self.slot!r}] = {text}"]

    def check_list(self, var: str, field: FieldInfo, typed: bool) -> list[str]:
        element = field.element
        assert element is not None and not typed
        slot, self.slot = self.slot, None
        try:
            head = [f"if type({var}) is not list:", *self.decline("not an array")]
            if element.kind is Kind.OBJECT and element.target is not None:
                function = self.object_function(element.target, typed)
                return [
                    *head,
                    f"pairs = [{function}(x) for x in {var}]",
                    f"{var} = [p[0] for p in pairs]",
                    f"out[{slot!r}] = [p[1] for p in pairs]",
                ]
            helper = self.element_helper(element, typed)
            return [
                *head,
                f"out[{slot!r}] = list({var})",
                f"{var} = [{helper}(x) for x in {var}]" if helper else f"{var} = list({var})",
            ]
        finally:
            self.slot = slot


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


#: ``function(payload, readers) -> (value, copy of the payload, fixes)``: see the module
#: docstring.
CanonicalFunction = Callable[[Any, Sequence[Reader]], tuple[Any, dict[str, Any], list[Any]]]


@attrs.frozen(eq=False)
class Canonical:
    """The generated function of a class and the root fields whose values it hands to their
    readers (``readers[i]`` reads ``repaired[i]``)."""

    function: CanonicalFunction
    repaired: tuple[FieldInfo, ...]
    #: the generated Python, when ``function`` is the native builder: what it declines may
    #: still be canonical but for re-spellings (an upper-case id in an expanded object)
    fallback: CanonicalFunction | None = None
    #: the field of each fix path, and its place among the repaired fields
    names: dict[str, str] = attrs.field(init=False)
    ranks: dict[str, int] = attrs.field(init=False)
    #: key sequences of payloads seen with the repaired fields in their order (at most 64)
    ordered: set[tuple[Any, ...]] = attrs.field(init=False, factory=set)

    @names.default
    def _names(self) -> dict[str, str]:
        return {format_path((f.name,)): f.name for f in self.repaired}

    @ranks.default
    def _ranks(self) -> dict[str, int]:
        return {f.name: i for i, f in enumerate(self.repaired)}

    def in_payload_order(self, payload: dict[Any, Any], fixes: list[Any]) -> None:
        """Sort ``fixes``, which the function makes in the order of the fields, in the order
        of the payload's keys, as the lenient walk records them."""
        shape = tuple(payload)
        if shape in self.ordered:
            return
        ranks = self.ranks
        seen = [ranks[key] for key in shape if key in ranks]
        if seen == sorted(seen):
            if len(self.ordered) < 64:
                self.ordered.add(shape)
            return
        keys, names = list(shape), self.names
        fixes.sort(key=lambda fix: keys.index(names[fix.path]))


_CANONICALIZERS: dict[Any, Canonical | None] = {}


def canonicalizer(cls: Any) -> Canonical | None:
    """The generated function of a model or ``Page[model]`` (None for other classes): see
    the module docstring. It raises (any exception) instead of explaining."""
    try:
        return _CANONICALIZERS[cls]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    found = None
    if supported(cls):
        builder = CanonicalBuilder()
        function = cast(CanonicalFunction, builder.build(cls))
        repaired = tuple(builder.repaired)
        fallback = None
        if _native.AVAILABLE and item_of(cls) is None:
            readers = {field.name: i for i, field in enumerate(repaired)}
            made: Any = CanonicalBuilder(native=True, readers=readers).build(cls)
            if type(made) is not type(function):  # a native builder, not a function
                function, fallback = made, function
        found = Canonical(function, repaired, fallback)
    _CANONICALIZERS[cls] = found
    return found
