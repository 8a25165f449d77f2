"""normalize(): the invariants of issue 6, over generated clean and messy payloads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any, get_args, get_origin

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import (
    ABSENT,
    CODES,
    RULES,
    Completion,
    Duration,
    NormalizationPolicy,
    Normalized,
    Page,
    normalize,
    structure,
    unstructure,
)
from lms_schema._models.fields import is_model as _is_model
from lms_schema._models.fields import is_page as _is_page
from lms_schema._models.fields import union_args as _union_args
from lms_schema._models.models import MODELS, field_types
from lms_schema._values.absent import Absent, JSONObject
from lms_schema._values.datetimes import local_time_kind, parse_datetime
from lms_schema.strategies import messy_payloads, payloads

CLASSES: tuple[Any, ...] = (*MODELS, *(Page[m] for m in MODELS))  # type: ignore[valid-type]
ENUM_RULES = frozenset(name for name in RULES if name.startswith(("grade.", "status.")))
NO_ENUM_RULES = NormalizationPolicy(disabled=ENUM_RULES)
BASE: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}

_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


def _steps(path: str) -> list[str | int]:
    assert path.startswith("$")
    steps: list[str | int] = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        assert m is not None, path
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    return steps


def _get(node: Any, path: str) -> Any:
    for step in _steps(path):
        if isinstance(step, str) and step not in node:
            return ABSENT
        node = node[step]
    return node


def _set(node: Any, path: str, value: Any) -> None:
    *parents, last = _steps(path)
    for step in parents:
        node = node[step]
    node[last] = value


def _copy(value: Any) -> Any:
    """A structural copy of dicts and lists (the model positions of a payload)."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def _hints(cls: Any) -> dict[str, Any]:
    hints = field_types(get_origin(cls) or cls)
    if _is_page(cls):
        hints["items"] = list[get_args(cls)[0]]  # type: ignore[misc]
    return hints


def _members(tp: Any) -> tuple[Any, ...]:
    args = _union_args(tp) or (tp,)
    return tuple(a for a in args if a is not Absent and a is not type(None))


def _verbatim_pairs(before: Any, after: Any, cls: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(input value, output value, where) of every unknown key and verbatim JSON object."""
    stack = [(before, after, cls)]
    while stack:
        node, out, model = stack.pop()
        hints = _hints(model)
        # unknown keys keep their position: the output lists the input's keys in input order
        assert [k for k in out if k in node] == list(node)
        for key, value in node.items():
            tp = hints.get(key)
            if tp is None:
                yield value, out[key], key
                continue
            members = _members(tp)
            is_list = any(get_origin(m) is list for m in members)
            if is_list:
                members = _members(get_args(members[0])[0])
            targets = [m for m in members if _is_model(m)]
            verbatim = JSONObject in members
            items = zip(value, out[key], strict=True) if is_list and type(value) is list else []
            pairs = list(items) if is_list else [(value, out[key])]
            for a, b in pairs:
                if type(a) is dict and verbatim:
                    yield a, b, key
                elif type(a) is dict and targets:
                    stack.append((a, b, targets[0]))


def _check_invariants(
    payload: Any, cls: Any, result: Normalized[Any], policy: NormalizationPolicy | None = None
) -> None:
    assert result.errors == (), result.errors
    assert result.payload is not None
    # structure(result.payload, cls) == result.value
    assert structure(result.payload, cls) == result.value
    # every fix: a documented rule, before = input at its path, after = output at its path
    patched = _copy(payload)
    for fix in result.fixes:
        assert fix.rule in RULES
        assert _get(payload, fix.path) == fix.before or fix.before is ABSENT
        if fix.before is ABSENT:
            assert _get(payload, fix.path) is ABSENT
        assert _get(result.payload, fix.path) == fix.after
        _set(patched, fix.path, fix.after)
    # no value differs without a fix, canonical re-spelling aside: the input with the fixes
    # applied structures (strictly) to exactly the result
    assert structure(patched, cls) == result.value
    # unknown keys and custom_fields/raw_data contents are carried through untouched
    # (the very object, or an equal one: a float NaN is equal to nothing, itself included)
    for before, after, where in _verbatim_pairs(payload, result.payload, cls):
        assert after is before or after == before, where
    # idempotence: the canonical form, and the output payload itself, are fixed points
    again = normalize(unstructure(result.value), cls, policy=policy)
    assert again.fixes == ()
    assert again.value == result.value
    same = normalize(result.payload, cls, policy=policy)
    assert same.fixes == ()
    assert same.payload == result.payload


@pytest.mark.parametrize("cls", CLASSES, ids=str)
@given(data=st.data())
def test_strictly_valid_payloads_need_no_fixes(cls: Any, data: st.DataObject) -> None:
    payload = data.draw(payloads(cls))
    result = normalize(payload, cls, policy=NO_ENUM_RULES)
    assert result.fixes == ()
    assert result.value == structure(payload, cls)
    _check_invariants(payload, cls, result, NO_ENUM_RULES)
    # with the default policy, only open-enum values that spell a member leniently change
    default = normalize(payload, cls)
    assert {fix.rule for fix in default.fixes} <= ENUM_RULES
    _check_invariants(payload, cls, default)


@pytest.mark.parametrize("cls", CLASSES, ids=str)
@given(data=st.data())
def test_messy_payloads_normalize_with_a_fix_for_every_change(
    cls: Any, data: st.DataObject
) -> None:
    payload = data.draw(messy_payloads(cls))
    snapshot = _copy(payload)
    result = normalize(payload, cls)
    assert payload == snapshot  # the input is not modified
    _check_invariants(payload, cls, result)


# -- policy decisions, value by value ------------------------------------------------------------


def _one(field: str, value: Any, policy: NormalizationPolicy) -> Normalized[Completion]:
    return normalize({**BASE, field: value}, Completion, policy=policy)


@given(st.integers(0, 10**9), st.sampled_from(["ms", "s", "min", "h"]))
def test_bare_number_durations_use_the_policy_unit(number: int, unit: str) -> None:
    policy = NormalizationPolicy(duration_unit=unit)  # type: ignore[arg-type]
    result = _one("time_duration", number, policy)
    scale = {"ms": 10**3, "s": 10**6, "min": 60 * 10**6, "h": 3600 * 10**6}[unit]
    assert result.value is not None
    assert result.value.time_duration == Duration(microseconds=number * scale)
    assert [f.rule for f in result.fixes] == ["duration.number"]
    assert _one("time_duration", -number - 1, policy).errors[0].code == "negative_duration"


@given(st.integers(-(10**10), 2 * 10**11), st.sampled_from(["s", "ms"]))
def test_epoch_numbers_use_the_policy_unit(number: int, unit: str) -> None:
    policy = NormalizationPolicy(epoch_unit=unit)  # type: ignore[arg-type]
    result = _one("modified_at", number, policy)
    if number == 0:  # not nullable: 0 means "no date" and stays an error (docs/conformance.md)
        assert [(i.path, i.code) for i in result.errors] == [("$.modified_at", "invalid_datetime")]
        result = _one("started_at", number, policy)  # nullable: null
        assert [(f.rule, f.after) for f in result.fixes] == [("datetime.empty_to_null", None)]
        return
    expected = datetime(1970, 1, 1, tzinfo=UTC) + (
        timedelta(seconds=number) if unit == "s" else timedelta(milliseconds=number)
    )
    assert result.value is not None
    assert result.value.modified_at == expected
    assert [f.rule for f in result.fixes] == [f"datetime.epoch_{unit}"]


@given(
    st.floats(-(10**15), 10**15, allow_nan=False).filter(lambda x: not x.is_integer()),
    st.sampled_from(["half_even", "floor"]),
)
def test_rounding_follows_the_policy(number: float, rounding: str) -> None:
    policy = NormalizationPolicy(rounding=rounding)  # type: ignore[arg-type]
    result = _one("score", number, policy)
    mode = ROUND_HALF_EVEN if rounding == "half_even" else ROUND_FLOOR
    assert result.value is not None
    assert result.value.score == int(Decimal(repr(number)).to_integral_value(rounding=mode))
    rule = {"half_even": "integer.round_half_even", "floor": "integer.floor"}[rounding]
    assert [f.rule for f in result.fixes] == [rule]
    assert _one("score", number, NormalizationPolicy()).errors[0].code == "non_integral"


@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London"]),
)
def test_naive_times_are_read_in_the_policy_zone(naive: datetime, zone: str) -> None:
    policy = NormalizationPolicy(naive_timezone=zone)
    text = naive.isoformat()
    result = _one("started_at", text, policy)
    kind = local_time_kind(naive, policy.naive_timezone)
    if kind == "gap":  # a wall-clock time that never happened there: not repaired
        assert [i.code for i in result.errors] == ["invalid_datetime"]
        assert "the clocks were put forward over it" in result.errors[0].message
        return
    assert result.value is not None
    # compare in UTC: aware datetimes in a DST gap or fold never equal those of other zones
    expected = naive.replace(tzinfo=policy.naive_timezone).astimezone(UTC)
    assert isinstance(result.value.started_at, datetime)
    assert result.value.started_at.astimezone(UTC) == expected
    assert result.payload is not None
    assert parse_datetime(result.payload["started_at"]).astimezone(UTC) == expected
    if result.fixes:
        # a time that happened twice: the first of the two (fold=0), with its own rule
        rule = "datetime.naive_ambiguous" if kind == "fold" else "datetime.naive"
        assert [f.rule for f in result.fixes] == [rule]
    else:
        assert expected.utcoffset() == timedelta(0)


def test_properties_cover_every_model() -> None:
    assert len(CLASSES) == 14
    assert all(attrs.has(get_origin(c) or c) for c in CLASSES)


# -- never a crash: any JSON anywhere, under a policy that lets every rule run ----------------

PERMISSIVE = NormalizationPolicy(
    duration_unit="min",
    epoch_unit="ms",
    naive_timezone="Asia/Kolkata",  # +05:21:10 before 1942: offsets with seconds too
    rounding="half_even",
)
NEAR_MISSES = (
    "",
    " ",
    "Passed",
    " pass ",
    "95%",
    " 95.5 ",
    "0.85",
    "-3",
    "01:15:00",
    "0001:15:00.00",
    "P1W2D",
    "pt1h",
    "+P1D",
    "-PT1H",
    "P0001-02-03T04:05:06",
    "2025-08-01",
    "2025-08-01 10:00:00",
    "0001-01-01T00:00:00",
    "9999-12-31 23:59:59",
    "{3C90C3CC-0D44-4B50-8888-8DD25736052A}",
    "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc0d444b5088888dd25736052a",
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(NEAR_MISSES),
    st.text(max_size=20),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("cls", MODELS, ids=str)
@given(data=st.data())
def test_any_json_in_any_field_never_crashes(cls: Any, data: st.DataObject) -> None:
    names = sorted(_hints(cls))
    fields = data.draw(st.dictionaries(st.sampled_from(names), _json, max_size=4))
    payload = {**BASE, **fields}
    result = normalize(payload, cls, policy=PERMISSIVE)
    if result.ok:
        _check_invariants(payload, cls, result, PERMISSIVE)
    else:
        assert result.value is None
        assert result.payload is None
        assert all(e.code in CODES and e.path.startswith("$") for e in result.errors)


def test_an_unknown_key_holding_nan_is_carried_through_as_the_same_object() -> None:
    # Found by the default profile: a float NaN is equal to nothing, so the verbatim check
    # compares identity first; the value must be the very object read.
    nan = float("nan")
    payload = {**BASE, "completion": {"": nan}, "note": nan}
    result = normalize(payload, lms_schema.Enrollment, policy=PERMISSIVE)
    assert result.ok and result.fixes == ()
    assert result.payload is not None
    assert result.payload["completion"][""] is nan
    assert result.payload["note"] is nan
