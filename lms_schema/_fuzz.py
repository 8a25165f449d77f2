"""Fuzz harness: random bytes and mutated payloads into loads(), validate() and normalize().

Run it for as long as you like (needs the ``hypothesis`` extra)::

    python3 -m lms_schema._fuzz --seconds 600             # Hypothesis generates the inputs
    python3 -m lms_schema._fuzz --seconds 600 --atheris   # coverage-guided, pip install atheris

The test suite runs a bounded number of inputs (``tests/test_fuzz.py``, with the ``ci``
profile). Every input is checked against these oracles; a violation is a bug:

* ``loads()`` and ``structure()`` raise nothing but :class:`~lms_schema.ValidationError`;
  ``validate()`` raises nothing at all;
* ``validate(p).errors`` are exactly the issues ``structure(p)`` raises (none when it
  succeeds), and ``loads(bytes)`` agrees with ``validate(decode(bytes))``;
* whatever structures also dumps, and loads back to an equal model;
* ``normalize()`` raises nothing; when it repairs a payload, its ``.payload`` structures to
  its ``.value`` and normalizing ``.payload`` again changes nothing.

Inputs, one per run, for a model drawn from the seven models, their ``Partial*`` forms and
``Page[X]``: random bytes; the JSON bytes of a valid payload with bytes flipped, inserted or
cut; a valid payload with one to three values replaced by hostile Python values (NaN,
huge integers, bytes, sets, non-string keys, deep nesting, wrong types), keys deleted or
added; the payloads of :func:`~lms_schema.strategies.invalid_payloads` and
:func:`~lms_schema.strategies.messy_payloads`. A failure ends the run: without atheris it
is shrunk and printed by Hypothesis; with ``--atheris`` libFuzzer writes the input to a
``crash-*`` file (``-artifact_prefix=DIR/`` to choose where), which
``fuzz_one.hypothesis.fuzz_one_input(open(path, "rb").read())`` replays.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any, get_args

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from . import strategies
from ._api import dumps, loads, structure, unstructure
from ._models.fields import fields_of
from ._models.models import MODELS, Page
from ._normalize import normalize
from ._validate import validate
from ._values.issues import ValidationError
from ._values.jsonvalue import decode
from ._values.leaf import FieldError

__all__ = ["TARGETS", "check_bytes", "check_payload", "fuzz_body", "fuzz_one", "main"]

TARGETS: tuple[Any, ...] = (
    *MODELS,
    *strategies.PARTIAL_MODELS,
    *(Page[cls] for cls in MODELS),  # type: ignore[valid-type]
)

#: Inputs run since the process started (for the report of ``main``).
COUNT = {"inputs": 0}


# -- oracles ------------------------------------------------------------------------------------


def check_payload(payload: Any, cls: Any) -> None:
    """Every oracle for one decoded payload; an AssertionError or any stray exception is a bug."""
    _check_normalize(payload, cls)
    report = validate(payload, cls)
    try:
        value = structure(payload, cls)
    except ValidationError as exc:
        assert exc.issues == report.errors, (exc.issues, report.errors)
        assert exc.issues, "a ValidationError without issues"
        return
    assert report.errors == (), report.errors
    _check_value(value, cls)


def check_bytes(data: bytes, cls: Any) -> None:
    """The oracles for raw bytes: ``loads`` agrees with ``validate`` of the decoded JSON."""
    try:
        value = loads(data, cls)
    except ValidationError as exc:
        assert exc.issues
        value = None
    try:
        payload = decode(data)
    except FieldError:
        assert value is None
        return
    report = validate(payload, cls)
    assert (value is None) == bool(report.errors), report.errors
    _check_normalize(payload, cls)
    if value is not None:
        _check_value(value, cls)


def _check_normalize(payload: Any, cls: Any) -> None:
    """``normalize()`` never raises; what it returns is strictly valid and a fixed point."""
    result = normalize(payload, cls)
    if result.errors:
        assert result.value is None and result.payload is None
        return
    assert structure(result.payload, cls) == result.value
    again = normalize(result.payload, cls)
    assert again.fixes == () and again.value == result.value


def _check_value(value: Any, cls: Any) -> None:
    data = dumps(value)
    again = loads(data, cls)
    assert again == value
    assert unstructure(again) == unstructure(value)


# -- inputs -------------------------------------------------------------------------------------

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


def _deep(levels: int, leaf: Any) -> Any:
    node = leaf
    for index in range(levels):
        node = {"k": node} if index % 2 else [node]
    return node


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if type(node) is dict:
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif type(node) is list:
        for index, value in enumerate(node):
            out += _paths(value, (*path, index))
    return out


def _set(node: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy: Any = list(node) if type(node) is list else dict(node)
    if delete and not rest:
        del copy[head]
    else:
        copy[head] = _set(copy[head], rest, value, delete)
    return copy


_values = st.one_of(
    st.sampled_from(_HOSTILE),
    st.builds(_deep, st.integers(1, 1200), st.sampled_from((1, "x", None, {}))),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=6,
    ),
)


@st.composite
def _mutated_payload(draw: st.DrawFn, cls: Any) -> Any:
    payload: Any = draw(strategies.payloads(cls))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(payload)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(("replace", "delete", "add", "wrap", "stringify")))
        if action == "delete" and path:
            payload = _set(payload, path, None, delete=True)
        elif action == "add":
            target = _get(payload, path)
            if type(target) is dict:
                key = draw(st.one_of(st.sampled_from(_field_names(cls)), st.text(max_size=5)))
                payload = _add(payload, path, key, draw(_values))
            else:
                payload = _set(payload, path, draw(_values))
        elif action == "wrap":
            payload = _set(payload, path, [_get(payload, path)])
        elif action == "stringify":
            payload = _set(payload, path, str(_get(payload, path)))
        else:
            payload = _set(payload, path, draw(_values))
    return payload


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _add(node: Any, path: tuple[Any, ...], key: str, value: Any) -> Any:
    target = dict(_get(node, path))
    target[key] = value
    return _set(node, path, target)


def _field_names(cls: Any) -> list[str]:
    item = get_args(cls)[0] if get_args(cls) else cls
    return ["cursor", "page_size", "items", *(f.name for f in fields_of(item).declared)]


@st.composite
def _mutated_bytes(draw: st.DrawFn, cls: Any) -> bytes:
    data = bytearray(orjson.dumps(draw(strategies.payloads(cls))))
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


def fuzz_body(data: st.DataObject) -> None:
    """One fuzz input: a target class and an input of one of the kinds, checked by the oracles.

    Wrap it with ``given(st.data())`` to run it (:data:`fuzz_one` is that, without a
    database, for fuzzers).
    """
    COUNT["inputs"] += 1
    cls = data.draw(st.sampled_from(TARGETS), label="cls")
    kind = data.draw(
        st.sampled_from(("mutated-payload", "mutated-bytes", "bytes", "invalid", "messy")),
        label="kind",
    )
    if kind == "bytes":
        check_bytes(data.draw(st.binary(max_size=512), label="bytes"), cls)
    elif kind == "mutated-bytes":
        check_bytes(data.draw(_mutated_bytes(cls), label="bytes"), cls)
    elif kind == "invalid":
        payload, _ = data.draw(strategies.invalid_payloads(cls), label="payload")
        check_payload(payload, cls)
    elif kind == "messy":
        check_payload(data.draw(strategies.messy_payloads(cls), label="payload"), cls)
    else:
        check_payload(data.draw(_mutated_payload(cls), label="payload"), cls)


#: The harness as a Hypothesis test; ``fuzz_one.hypothesis.fuzz_one_input(buffer)`` for fuzzers.
fuzz_one = settings(database=None, deadline=None)(given(st.data())(fuzz_body))


# -- command line -------------------------------------------------------------------------------


_LIBFUZZER_DEFAULTS = ("-max_len=8192", "-len_control=0")


def _instrument_core(atheris: Any) -> None:
    """Coverage instrumentation for the library's own functions only (instrumenting all of
    Hypothesis too takes minutes and guides the fuzzer towards the generator)."""
    import gc
    import types

    skip = {"lms_schema.strategies", "lms_schema._fuzz", "lms_schema._hypothesis"}
    for obj in gc.get_objects():
        if (
            isinstance(obj, types.FunctionType)
            and (obj.__module__ or "").startswith("lms_schema")
            and obj.__module__ not in skip
        ):
            atheris.instrument_func(obj)


def main(argv: list[str] | None = None) -> int:
    """``python3 -m lms_schema._fuzz [--seconds N] [--atheris]``; exit 1 on a finding."""
    parser = argparse.ArgumentParser(prog="python3 -m lms_schema._fuzz", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument(
        "--atheris", action="store_true", help="coverage-guided with atheris (must be installed)"
    )
    args, rest = parser.parse_known_args(argv)
    start = time.monotonic()
    before = COUNT["inputs"]
    if args.atheris:
        import atheris  # type: ignore[import-untyped]

        _instrument_core(atheris)
        atheris.Setup(
            # long inputs from the start: Hypothesis needs a few hundred bytes per payload
            [sys.argv[0], f"-max_total_time={int(args.seconds)}", *_LIBFUZZER_DEFAULTS, *rest],
            fuzz_one.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
        )
        atheris.Fuzz()  # exits the process when the time is up or on a finding
        return 0  # pragma: no cover
    runner = settings(database=None, deadline=None, max_examples=100)(given(st.data())(fuzz_body))
    runner()  # at least one batch, however short the time (or busy the machine)
    while time.monotonic() - start < args.seconds:
        runner()
    elapsed = time.monotonic() - start
    print(f"{COUNT['inputs'] - before} inputs in {elapsed:.0f} s, no findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
