"""Where the harness's mutations get their choices: from Hypothesis, or from a seeded RNG.

Every mutation operator (:mod:`lms_schema._fuzz.inputs`) asks a :class:`Choices` for its
numbers, list items, hostile values and keys, so the same operators serve both stages of a
campaign: the Hypothesis kinds (:class:`DrawChoices`, choices Hypothesis records, replays and
shrinks) and the seeded kinds (:class:`RandomChoices` over ``random.Random(seed)``: about a
hundred times cheaper per choice, and the same seed gives the same choices)::

    >>> import random
    >>> a = RandomChoices(random.Random(7))
    >>> b = RandomChoices(random.Random(7))
    >>> [a.integer(0, 9) for _ in range(5)] == [b.integer(0, 9) for _ in range(5)]
    True
    >>> a.choice(("x",))
    'x'
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

__all__ = ["HOSTILE", "Choices", "DrawChoices", "RandomChoices", "deep", "hostile_values"]

T = TypeVar("T")

#: Values that break naive code: NaN, huge integers, bytes, sets, lone surrogates, texts at
#: the edges of the leaf grammars, and the empty containers.
HOSTILE: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -0.0,
    10**4000,
    -(10**30),
    2**63,
    2**64,
    b"\xff\xfe",
    bytearray(b"x"),
    {1, 2},
    (1, 2),
    frozenset(),
    {1: "non-string key"},
    {"x": {"y": math.nan}},
    object(),
    "",
    " ",
    "\x00",
    "\ud800",
    "9" * 5000,
    "P" + "1" * 40 + "Y",
    "PT" + "9" * 29 + "S",
    "P99999999999999999999W",
    "P999999999Y12M",
    "PT0." + "9" * 40 + "S",
    "9999-12-31T23:59:59.999999-23:59",
    "0001-01-01T00:00:00+23:59",
    "2024-02-29T24:00:00Z",
    "3C90C3CC-0D44-4B50-8888-8DD25736052A",
    True,
    None,
    [],
    {},
)


def deep(levels: int, leaf: Any) -> Any:
    """``levels`` of alternating ``[...]`` and ``{"k": ...}`` around ``leaf`` (iterative)."""
    node = leaf
    for index in range(levels):
        node = {"k": node} if index % 2 else [node]
    return node


_DEEP_LEAVES: tuple[Any, ...] = (1, "x", None, {})

#: Hostile values for Hypothesis: a listed one, deep nesting, or a small random JSON value.
hostile_values: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(HOSTILE),
    st.builds(deep, st.integers(1, 1200), st.sampled_from(_DEEP_LEAVES)),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=6,
    ),
)


class Choices(Protocol):
    """What a mutation operator may ask for."""

    def integer(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high``, both included."""

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (not empty)."""

    def boolean(self) -> bool:
        """True or False."""

    def value(self) -> Any:
        """A hostile value (:data:`HOSTILE`, deep nesting, a small random JSON value)."""

    def key(self, names: Sequence[str]) -> str:
        """An object key: one of ``names`` (field names) or a short random text."""


class DrawChoices:
    """Choices drawn from Hypothesis (``draw`` of an ``@st.composite`` or ``st.data()``)."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high``."""
        return int(self.draw(st.integers(low, high)))

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return self.draw(st.sampled_from(options))  # type: ignore[no-any-return]

    def boolean(self) -> bool:
        """True or False."""
        return bool(self.draw(st.booleans()))

    def value(self) -> Any:
        """A hostile value."""
        return self.draw(hostile_values)

    def key(self, names: Sequence[str]) -> str:
        """A field name or a short random text."""
        return str(self.draw(st.one_of(st.sampled_from(names), st.text(max_size=5))))


#: Characters random texts are made of: JSON's specials, digits and signs of the leaf
#: grammars, letters of durations and date-times, non-ASCII and a lone surrogate.
_ALPHABET = '"\\/{}[],:-+.0123456789eEPTWYMDHSZtz xé\u00a0\u2028\ud800\U0001f600\x00\x7f'


class RandomChoices:
    """Choices from a seeded :class:`random.Random` (the seeded stage of a campaign)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high``."""
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return options[self.rng.randrange(len(options))]

    def boolean(self) -> bool:
        """True or False."""
        return self.rng.random() < 0.5

    def text(self, size: int) -> str:
        """Up to ``size`` characters of :data:`_ALPHABET`."""
        return "".join(self.rng.choices(_ALPHABET, k=self.rng.randint(0, size)))

    def value(self) -> Any:
        """A hostile value: mostly a listed one, else deep nesting or a small random value."""
        roll = self.rng.random()
        if roll < 0.6:
            return self.choice(HOSTILE)
        if roll < 0.7:
            return deep(self.rng.randint(1, 1200), self.choice(_DEEP_LEAVES))
        return self._small()

    def _small(self) -> Any:
        """A random JSON-like value of at most a few levels (iterative: a bounded loop)."""
        scalars: tuple[Any, ...] = (
            None,
            True,
            False,
            self.rng.randint(-(2**70), 2**70),
            self.rng.uniform(-1e308, 1e308),
            self.text(12),
        )
        value: Any = self.choice(scalars)
        for _ in range(self.rng.randint(0, 3)):
            value = [value] if self.boolean() else {self.text(3): value}
        return value

    def key(self, names: Sequence[str]) -> str:
        """A field name (three times in four) or a short random text."""
        return self.choice(names) if self.rng.random() < 0.75 else self.text(5)
