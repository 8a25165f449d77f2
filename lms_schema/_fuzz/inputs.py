"""The fuzz inputs: one Hypothesis strategy per input kind, and the body of one fuzz run.

Every kind draws an input for a target class and names the oracle function that checks it::

    >>> sorted(KINDS)[:3]
    ['bytes', 'invalid', 'messy']
    >>> KINDS["bytes"].check is check_text
    True

:func:`fuzz_body` draws a target, a kind and an input, counts them in :data:`COUNTS`, and
runs the checks. A failure while drawing or in the oracle code (outside the calls into
lms-schema) is a :class:`HarnessError`, never a finding.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

import attrs
import orjson
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from .. import strategies
from .._models.models import MODELS, Page
from .oracles import Finding, HarnessError, check_payload, check_text
from .walk import count_nodes, get_at, nth_path, set_at, stringify

__all__ = [
    "COUNTS",
    "EXTRA_ORACLES",
    "KINDS",
    "TARGETS",
    "Counts",
    "Kind",
    "fuzz_body",
    "run_checks",
    "target_name",
]

TARGETS: tuple[Any, ...] = (
    *MODELS,
    *strategies.PARTIAL_MODELS,
    *(Page[cls] for cls in MODELS),  # type: ignore[valid-type]
)


def target_name(cls: Any) -> str:
    """``Completion``, ``PartialUser``, ``Page[Course]``."""
    args = get_args(cls)
    return f"Page[{args[0].__name__}]" if args else str(cls.__name__)


TARGET_BY_NAME: dict[str, Any] = {target_name(cls): cls for cls in TARGETS}


@attrs.define
class Counts:
    """What one process tried: inputs, per kind and per target class, and findings."""

    inputs: int = 0
    kinds: Counter[str] = attrs.field(factory=Counter)
    targets: Counter[str] = attrs.field(factory=Counter)
    findings: int = 0
    started: float = attrs.field(factory=time.monotonic)
    cpu_started: float = attrs.field(factory=time.process_time)

    def add(self, kind: str, cls: Any) -> None:
        """Count one input."""
        self.inputs += 1
        self.kinds[kind] += 1
        self.targets[target_name(cls)] += 1

    def reset(self) -> None:
        """Start counting from zero, now."""
        self.inputs = self.findings = 0
        self.kinds.clear()
        self.targets.clear()
        self.started = time.monotonic()
        self.cpu_started = time.process_time()

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "inputs": self.inputs,
            "kinds": dict(self.kinds),
            "targets": dict(self.targets),
            "findings": self.findings,
            "seconds": time.monotonic() - self.started,
            "cpu_seconds": time.process_time() - self.cpu_started,
        }


#: The counts of this process (the harness reports them).
COUNTS = Counts()

#: Oracles added for a run (``--oracle module:function``): each is called as
#: ``oracle(kind, cls, value)`` after the built-in checks; an AssertionError is a finding.
EXTRA_ORACLES: list[Callable[[str, Any, Any], None]] = []

#: Called with :data:`COUNTS` after every input (the campaign reports progress with it).
PROGRESS: list[Callable[[Counts], None]] = []


# -- hostile values and mutations -----------------------------------------------------------------

_HOSTILE: tuple[Any, ...] = (
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


_values = st.one_of(
    st.sampled_from(_HOSTILE),
    st.builds(deep, st.integers(1, 1200), st.sampled_from((1, "x", None, {}))),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=6,
    ),
)


#: Strategies are built once per target class: building one costs more than drawing from it.
_payloads = cache(strategies.payloads)


def _field_names(cls: Any) -> list[str]:
    item = get_args(cls)[0] if get_args(cls) else cls
    return ["cursor", "page_size", "items", *(f.name for f in strategies._fields(item))]


@st.composite
def mutated_payload(draw: st.DrawFn, cls: Any) -> Any:
    """A valid payload with one to three values replaced, deleted, added, wrapped in a list
    or turned into their ``str()``. Every walk is iterative: mutations may nest values
    thousands of levels deep."""
    payload: Any = draw(_payloads(cls))
    for _ in range(draw(st.integers(1, 3))):
        path = nth_path(payload, draw(st.integers(0, count_nodes(payload) - 1)))
        action = draw(st.sampled_from(("replace", "delete", "add", "wrap", "stringify")))
        if action == "delete" and path:
            payload = set_at(payload, path, None, delete=True)
        elif action == "add":
            target = get_at(payload, path)
            if type(target) is dict:
                key = draw(st.one_of(st.sampled_from(_field_names(cls)), st.text(max_size=5)))
                added = dict(target)
                added[key] = draw(_values)
                payload = set_at(payload, path, added)
            else:
                payload = set_at(payload, path, draw(_values))
        elif action == "wrap":
            payload = set_at(payload, path, [get_at(payload, path)])
        elif action == "stringify":
            payload = set_at(payload, path, stringify(get_at(payload, path)))
        else:
            payload = set_at(payload, path, draw(_values))
    return payload


@st.composite
def mutated_bytes(draw: st.DrawFn, cls: Any) -> bytes:
    """The JSON bytes of a valid payload with bytes flipped, inserted or cut."""
    data = bytearray(orjson.dumps(draw(_payloads(cls))))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("flip", "insert", "cut")))
        if action == "insert":
            data[pos:pos] = draw(st.sampled_from((b"0", b"-", b"9" * 400, b"[", b"{", b'"', b"\\")))
        elif action == "cut":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif pos < len(data):
            data[pos] = draw(st.integers(0, 255))
    return bytes(data)


def _invalid(cls: Any) -> st.SearchStrategy[Any]:
    return strategies.invalid_payloads(cls).map(lambda case: case[0])


# -- the kinds ------------------------------------------------------------------------------------


@attrs.frozen
class Kind:
    """One kind of input: how to draw it for a target class, and the oracle that checks it."""

    draw: Callable[[Any], st.SearchStrategy[Any]]
    check: Callable[[Any, Any], None]


KINDS: dict[str, Kind] = {
    "bytes": Kind(lambda cls: st.binary(max_size=512), check_text),
    "mutated-bytes": Kind(mutated_bytes, check_text),
    "mutated-payload": Kind(mutated_payload, check_payload),
    "invalid": Kind(_invalid, check_payload),
    "messy": Kind(strategies.messy_payloads, check_payload),
}


#: The kinds a run draws from (``--kinds``); empty means all of them.
CHOSEN_KINDS: list[str] = []


@attrs.frozen(repr=False)
class _Boxed:
    """An input in a box whose repr is short: Hypothesis prints the draws of a failing run,
    and its printer recurses over the depth of a value."""

    value: Any

    def __repr__(self) -> str:
        return f"<{type(self.value).__name__} input>"


@cache
def _boxed(kind: str, cls: Any) -> st.SearchStrategy[_Boxed]:
    return KINDS[kind].draw(cls).map(_Boxed)


#: The last input that failed an oracle, ``(kind, cls, value, finding)``; after Hypothesis
#: shrinks a failure it runs the smallest failing input last, so that is what is left here.
LAST_FAILURE: list[Any] = []


def fuzz_body(data: st.DataObject) -> None:
    """One fuzz input: a target class, a kind and an input of that kind, checked.

    Wrap it with ``given(st.data())`` to run it (``fuzz_one`` is that, without a database,
    for fuzzers).
    """
    kind = "?"
    try:
        cls = data.draw(st.sampled_from(TARGETS), label="cls")
        kind = data.draw(st.sampled_from(CHOSEN_KINDS or tuple(KINDS)), label="kind")
        value = data.draw(_boxed(kind, cls), label="input").value
    except HypothesisException:
        raise
    except Exception as exc:
        raise HarnessError(f"drawing a {kind!r} input failed: {exc!r}") from exc
    COUNTS.add(kind, cls)
    for progress in PROGRESS:
        progress(COUNTS)
    run_checks(kind, cls, value)


def run_checks(kind: str, cls: Any, value: Any) -> None:
    """The oracles of ``kind`` and the extra ones; remembers a failing input."""
    try:
        KINDS[kind].check(value, cls)
        for oracle in EXTRA_ORACLES:
            try:
                oracle(kind, cls, value)
            except Finding:
                raise
            except AssertionError as exc:
                name = f"{oracle.__module__}.{oracle.__qualname__}"
                raise Finding(name, str(exc)) from exc
    except Finding as finding:
        LAST_FAILURE[:] = [kind, cls, value, finding]
        raise
    except HypothesisException:
        raise
    except Exception as exc:
        raise HarnessError(f"checking a {kind!r} input failed: {exc!r}") from exc
