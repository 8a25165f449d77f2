"""The fast path of ``normalize()``: a payload that is already strictly valid *and* canonical.

``normalize()`` walks a payload with a lenient reader per leaf, records every repair, then
structures the repaired payload strictly. For a payload that needs no repair and is already
written the canonical way (lower-case ids, date-times as :func:`~lms_schema.unstructure`
writes them, canonical durations, open-enum values that are members), that gives no fixes, a
copy of the payload with the same keys in the same order, and the strict value. The function
generated here, once per model, checks exactly that in one walk of the payload, building the
value (as the strict fast path of :mod:`lms_schema._gen.fast` does) and the copy. At the first
doubt it declines (raises), and ``normalize()`` takes its lenient walk::

    fast = canonicalizer(Completion)
    try:
        value, payload_copy = fast(payload)   # no fixes, no errors
    except Exception:
        ...                                   # the lenient walk decides

Where a reader only re-spells a valid value without a fix (an upper-case id, a date-time
with trailing zeros in its fraction, ``PT90M``), the copy gets the canonical text, as the
reader's output would. It declines on anything a reader would repair or read by the policy
(a date-time without an offset), on expanded objects inside
lists of relations, and everywhere the strict fast path declines. The lenient readers leave a
strictly valid, canonical value unchanged under every policy (they try the strict parser
first; policies only choose among repairs), so the policy does not matter here.
``tests/test_perf_paths.py`` checks that ``normalize()`` gives the same result with and
without this path on valid, messy, invalid and mutated payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._models.fields import FieldInfo, Kind
from .._values.datetimes import is_naive_text
from .fast import StructureBuilder, format_datetime_fast, supported

__all__ = ["canonicalizer"]


class CanonicalBuilder(StructureBuilder):
    """Structure functions returning ``(value, copy of the payload)`` that decline on any
    value a lenient reader would change."""

    def __init__(self) -> None:
        super().__init__(forbid_unknown_keys=False)
        self.prefix = "canonical"
        self.namespace.update(_format_datetime=format_datetime_fast, _str=str, _naive=is_naive_text)

    def prologue(self) -> list[str]:
        return ["out = d.copy()"]  # unknown keys stay, in their place

    def epilogue(self, lines: list[str]) -> list[str]:
        last = lines[-1]
        assert last.startswith("return ")
        return [*lines[:-1], f"{last}, out"]

    def check_value(self, var: str, field: FieldInfo, typed: bool) -> list[str]:
        assert not typed
        kind = field.kind
        if kind is Kind.UUID:  # the reader lower-cases (no fix)
            return [
                *super().check_value(var, field, typed),
                "if u != u.lower():",
                *self.respell("u.lower()"),
            ]
        if kind is Kind.DURATION:  # the reader writes the canonical text (no fix)
            return [
                f"t = {var}",
                *super().check_value(var, field, typed),
                f"c = _str({var})",
                "if c != t:",
                *self.respell("c"),
            ]
        if kind is Kind.OPEN_ENUM:  # a value that is not a member may be a lenient spelling
            assert field.enum is not None
            known = self.const(field.enum._members)
            return [
                f"if type({var}) is not str or {var} not in {known}:",
                *self.decline("not a member"),
                f"{var} = {known}[{var}]",
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
            return [
                f"if type({var}) is str:",
                f"    if {var} != {var}.lower():",
                *("    " + line for line in self.respell(f"{var}.lower()")),
                f"    {var} = _uuid({var})",
                f"elif type({var}) is dict:",
                *by_object,
                "else:",
                *self.decline("neither a UUID string nor an object"),
            ]
        return super().check_value(var, field, typed)

    def datetime_check(self, var: str, is_str: str) -> list[str]:
        """The base class's branches, each with its test for the canonical text: the reader
        writes format_datetime's text (no fix) but reads a date-time without an offset in
        the policy's zone (declined)."""
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


_CANONICALIZERS: dict[Any, Callable[[Any], tuple[Any, dict[str, Any]]] | None] = {}


def canonicalizer(cls: Any) -> Callable[[Any], tuple[Any, dict[str, Any]]] | None:
    """The generated function of a model or ``Page[model]`` (None for other classes): see
    the module docstring. It raises (any exception) instead of explaining."""
    try:
        return _CANONICALIZERS[cls]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    fn = CanonicalBuilder().build(cls) if supported(cls) else None
    _CANONICALIZERS[cls] = fn
    return fn
