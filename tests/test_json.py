"""The check that a verbatim object (``raw_data``, ``custom_fields``) is JSON.

``check_json_object`` answers most objects with a quick recursive scan and hands anything it
does not accept to the iterative walk, which decides and explains. Both are compared here with
an independently written reference over hostile Python values: NaN and infinities, integers
just past 64 bits, tuples, sets, bytes, dict and str subclasses, non-string keys, and nesting
around the scan's depth and around MAX_DEPTH.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms_schema._values.jsonvalue import (
    _SCAN_LEVELS,
    MAX_DEPTH,
    _check_tree,
    _scan_dict,
    _scan_list,
    check_json_object,
    check_json_value,
)
from lms_schema._values.leaf import FieldError


class _Str(str):
    pass


class _Dict(dict):  # type: ignore[type-arg]
    pass


def _reference(value: Any, depth: int = 1) -> set[str]:
    """The codes of every problem in ``value`` at nesting ``depth`` (empty: it is JSON).

    The check stops at the first problem it meets, so it reports one of these."""
    if type(value) is dict or type(value) is list:
        if depth > MAX_DEPTH:
            return {"too_deep"}
        codes: set[str] = set()
        items = value.items() if type(value) is dict else enumerate(value)
        for key, item in items:
            if type(value) is dict and type(key) is not str:
                codes.add("not_json")
            codes |= _reference(item, depth + 1)
        return codes
    if value is None or type(value) is str or type(value) is bool:
        return set()
    if type(value) is int:
        return set() if -(2**63) <= value <= 2**64 - 1 else {"out_of_range"}
    if type(value) is float:
        return set() if math.isfinite(value) else {"not_json"}
    return {"not_json"}


def _agrees(code: str | None, expected: set[str]) -> bool:
    return code is None if not expected else code in expected


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=3),
    st.integers(min_value=-(2**63) - 2, max_value=2**64 + 1),
    st.sampled_from([-(2**63) - 1, -(2**63), 2**64 - 1, 2**64, 0, -1]),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308]),
)
_hostile = st.sampled_from([(), (1,), {1}, b"x", _Str("s"), _Dict(), object(), 1j])
_keys = st.one_of(st.text(max_size=2), st.sampled_from([1, None, (), _Str("k")]))
_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(_scalars, _hostile),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_keys, inner, max_size=3),
    ),
    max_leaves=12,
)


def _nest(value: Any, levels: int, as_list: bool) -> Any:
    for _ in range(levels):
        value = [value] if as_list else {"a": value}
    return value


def _code(fn: Any, value: Any) -> str | None:
    try:
        fn(value)
    except FieldError as exc:
        return exc.code
    return None


@given(st.dictionaries(_keys, _values, max_size=4))
def test_check_json_object_agrees_with_the_reference(value: dict[Any, Any]) -> None:
    expected = _reference(value)
    assert _agrees(_code(check_json_object, value), expected)
    if not expected:
        assert check_json_object(value) is value
    # The quick scan never accepts what the walk rejects.
    if _scan_dict(value, _SCAN_LEVELS):
        assert not expected


@given(_values)
def test_check_json_value_agrees_with_the_reference(value: Any) -> None:
    assert _agrees(_code(check_json_value, value), _reference(value))
    if type(value) is list and _scan_list(value, _SCAN_LEVELS):
        assert not _reference(value)


@pytest.mark.parametrize("as_list", [False, True])
@pytest.mark.parametrize(
    "levels",
    [_SCAN_LEVELS, _SCAN_LEVELS + 1, _SCAN_LEVELS + 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1],
)
@pytest.mark.parametrize("leaf", [1, math.nan, 2**64, "x"])
def test_depth_boundaries(levels: int, as_list: bool, leaf: Any) -> None:
    # {"a": <levels - 1 containers> leaf}: the outer object is level 1.
    value = {"a": _nest(leaf, levels - 1, as_list)}
    expected = _reference(value)
    assert _agrees(_code(check_json_object, value), expected)
    if levels > MAX_DEPTH:
        assert _code(check_json_object, value) == "too_deep"
    elif type(leaf) is str:
        assert expected == set()


def test_exact_codes() -> None:
    assert _code(check_json_object, {"a": [1, {"b": math.inf}]}) == "not_json"
    assert _code(check_json_object, {"a": [[[2**64]]]}) == "out_of_range"
    assert _code(check_json_object, {"a": {1: "x"}}) == "not_json"
    assert _code(check_json_object, {"a": (1,)}) == "not_json"
    assert _code(check_json_object, _nest("x", MAX_DEPTH, as_list=False)) is None
    assert _code(check_json_object, _nest("x", MAX_DEPTH + 1, as_list=False)) == "too_deep"
    assert _code(check_json_object, [1]) == "wrong_type"
    nested = {"tags": ["a", "b"], "meta": {"region": "EU", "n": 2**64 - 1, "f": -0.5}}
    assert check_json_object(nested) is nested
    assert _check_tree(nested) is nested
