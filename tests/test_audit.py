"""Regression tests for the defects an audit found and the decisions it asked for
(docs/conformance.md explains each).

* ``duration_exceeds_interval`` when ``started_at + time_duration`` overflows, and for
  fractional months (read at their shortest: a 28-day month);
* ``duration.alternative_format`` compares the seconds with their fraction to the carry-over
  point, and takes the extended or the basic format, never a mix;
* ``add_to`` adds the exact part as elapsed time, also across a DST change;
* ``normalize()``: naive times in a DST gap are errors, in a fold the first reading under a
  rule of its own; 0 in a date-time that cannot be null stays an error with an epoch unit;
  negative fractional epochs go to the earlier microsecond; ``grade.case`` is letter case
  only (``paß`` is not ``PASS``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import Completion, Fix, NormalizationPolicy, normalize, parse_duration
from lms_schema._values.datetimes import local_time_kind
from lms_schema._values.durations import ends_after

BASE: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
BERLIN = ZoneInfo("Europe/Berlin")


def _warnings(duration: str, started: str, completed: str) -> list[str]:
    payload = {
        **BASE,
        "time_duration": duration,
        "started_at": started,
        "completed_at": completed,
    }
    return [i.code for i in lms_schema.validate(payload, Completion).warnings]


# -- duration_exceeds_interval --------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "started", "completed", "warned"),
    [
        ("P999999999D", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", True),
        ("P9000Y", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", True),
        ("P999999999Y", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", True),
        ("PT2H", "9999-12-31T23:00:00Z", "9999-12-31T23:30:00Z", True),
        ("PT30M", "9999-12-31T23:00:00Z", "9999-12-31T23:30:00Z", False),
        ("P1M", "2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z", False),
        ("P1M", "2025-01-31T00:00:00Z", "2025-02-27T23:59:59Z", True),
        # fractional months: at least the fraction of a 28-day month
        ("P0.5M", "2025-01-01T00:00:00Z", "2025-01-15T00:00:00Z", False),
        ("P0.5M", "2025-01-01T00:00:00Z", "2025-01-14T23:59:59Z", True),
        ("P1.5M", "2025-01-31T00:00:00Z", "2025-03-14T00:00:00Z", False),
        ("P1.5M", "2025-01-31T00:00:00Z", "2025-03-13T23:59:59Z", True),
        ("P1Y0.25M", "2024-02-29T00:00:00Z", "2025-03-07T00:00:00Z", False),
        ("P1Y0.25M", "2024-02-29T00:00:00Z", "2025-03-06T23:59:59Z", True),
        ("PT1H", "2025-01-01T00:00:00+01:00", "2025-01-01T00:00:00Z", False),
    ],
)
def test_duration_exceeds_interval(
    duration: str, started: str, completed: str, warned: bool
) -> None:
    assert ("duration_exceeds_interval" in _warnings(duration, started, completed)) is warned


@given(
    st.integers(0, 12 * 999_999_999),
    st.integers(0, 10**15),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
)
def test_ends_after_agrees_with_add_to(months: int, us: int, start: datetime) -> None:
    start = start.replace(tzinfo=UTC)
    duration = lms_schema.Duration(months=months, microseconds=us)
    end = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    try:
        finish = duration.add_to(start)
    except OverflowError:
        assert ends_after(duration, start, end)
        return
    assert ends_after(duration, start, finish) is False
    if finish > start:
        assert ends_after(duration, start, finish - timedelta(microseconds=1))


# -- the alternative duration format ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("P0000-00-00T00:00:60", "PT1M"),
        ("P0000-00-00T00:00:59.999", "PT59.999S"),
        ("P0000-00-00T00:00:60.0", "PT1M"),
        ("P0000-00-00T00:00:60.5", None),
        ("P0000-00-00T00:00:60,000001", None),
        ("P0000-00-00T00:00:61", None),
        ("P0001-12-30T24:60:60", "P1Y12M30DT24H60M60S"),
        ("P00010203T040506", "P1Y2M3DT4H5M6S"),
        ("P0001-02-03T04:05:06", "P1Y2M3DT4H5M6S"),
        ("P0001-02-03", "P1Y2M3D"),
        ("P00010203", "P1Y2M3D"),
        # a mix of the basic and extended formats is neither
        ("P0001-0203T04:0506", None),
        ("P00010203T04:05:06", None),
        ("P0001-02-03T040506", None),
        ("P000102-03", None),
    ],
)
def test_alternative_format(text: str, after: str | None) -> None:
    result = normalize({**BASE, "time_duration": text}, Completion)
    if after is None:
        assert [i.code for i in result.errors] == ["invalid_duration"]
    else:
        assert result.errors == ()
        expected = str(parse_duration(after))
        assert result.fixes == (
            Fix("$.time_duration", "duration.alternative_format", text, expected),
        )


# -- add_to: months on the calendar, the exact part elapsed ------------------------------------


def test_add_to_across_dst_is_elapsed_time() -> None:
    noon = datetime(2025, 3, 29, 12, tzinfo=BERLIN)  # the clocks go forward that night
    for text in ("PT24H", "P1D", "PT86400S"):
        later = parse_duration(text).add_to(noon)
        assert later.astimezone(UTC) - noon.astimezone(UTC) == timedelta(hours=24)
        assert later == datetime(2025, 3, 30, 13, tzinfo=BERLIN)
        assert later.utcoffset() == timedelta(hours=2)
    autumn = datetime(2025, 10, 25, 12, tzinfo=BERLIN)  # the clocks go back that night
    later = parse_duration("PT24H").add_to(autumn)
    assert later.astimezone(UTC) - autumn.astimezone(UTC) == timedelta(hours=24)
    assert (later.hour, later.utcoffset()) == (11, timedelta(hours=1))
    # into the fold: the second 02:30 is one hour after the first
    first = datetime(2025, 10, 26, 2, 30, tzinfo=BERLIN)
    second = parse_duration("PT1H").add_to(first)
    assert (second.hour, second.minute, second.fold) == (2, 30, 1)
    # months move the calendar date, keeping the wall clock
    assert parse_duration("P1M").add_to(noon) == datetime(2025, 4, 29, 12, tzinfo=BERLIN)
    assert parse_duration("P1MT24H").add_to(noon) == datetime(2025, 4, 30, 12, tzinfo=BERLIN)
    # fixed offsets and naive values: wall clock and elapsed time agree
    fixed = datetime(2025, 3, 29, 12, tzinfo=timezone(timedelta(hours=1)))
    assert parse_duration("PT24H").add_to(fixed) == fixed + timedelta(hours=24)
    assert parse_duration("PT24H").add_to(datetime(2025, 3, 29, 12)) == datetime(2025, 3, 30, 12)


# -- normalize(): DST gaps and folds in naive_timezone ----------------------------------------


def test_local_time_kind() -> None:
    assert local_time_kind(datetime(2025, 3, 30, 2, 30), BERLIN) == "gap"
    assert local_time_kind(datetime(2025, 3, 30, 2, 0), BERLIN) == "gap"
    assert local_time_kind(datetime(2025, 3, 30, 3, 0), BERLIN) == "ok"
    assert local_time_kind(datetime(2025, 3, 30, 1, 59, 59), BERLIN) == "ok"
    assert local_time_kind(datetime(2025, 10, 26, 2, 0), BERLIN) == "fold"
    assert local_time_kind(datetime(2025, 10, 26, 2, 59, 59), BERLIN) == "fold"
    assert local_time_kind(datetime(2025, 10, 26, 3, 0), BERLIN) == "ok"
    assert local_time_kind(datetime(2025, 10, 26, 1, 59), BERLIN) == "ok"
    assert local_time_kind(datetime(2025, 3, 30, 2, 30), UTC) == "ok"
    assert local_time_kind(datetime(9999, 12, 31, 23), ZoneInfo("Pacific/Kiritimati")) == "ok"
    assert local_time_kind(datetime(1, 1, 1), ZoneInfo("America/New_York")) == "ok"


BERLIN_POLICY = NormalizationPolicy(naive_timezone="Europe/Berlin")


@pytest.mark.parametrize("text", ["2025-03-30T02:30:00", "2025-03-30 02:00:00.5"])
def test_a_time_in_a_dst_gap_is_an_error(text: str) -> None:
    result = normalize({**BASE, "started_at": text}, Completion, policy=BERLIN_POLICY)
    assert [(i.path, i.code) for i in result.errors] == [("$.started_at", "invalid_datetime")]
    assert "does not exist in Europe/Berlin: the clocks were put forward over it" in (
        result.errors[0].message
    )


def test_a_time_in_a_dst_fold_is_the_first_reading_under_its_own_rule() -> None:
    text = "2025-10-26T02:30:00"
    result = normalize({**BASE, "started_at": text}, Completion, policy=BERLIN_POLICY)
    assert result.fixes == (
        Fix("$.started_at", "datetime.naive_ambiguous", text, "2025-10-26T02:30:00+02:00"),
    )
    off = NormalizationPolicy(naive_timezone="Europe/Berlin", disabled={"datetime.naive_ambiguous"})
    result = normalize({**BASE, "started_at": text}, Completion, policy=off)
    assert [i.code for i in result.errors] == ["invalid_datetime"]
    assert "happened twice in Europe/Berlin" in result.errors[0].message
    # neighbours are plain naive fixes
    result = normalize({**BASE, "started_at": "2025-10-26T03:00:00"}, Completion, policy=off)
    assert [f.rule for f in result.fixes] == ["datetime.naive"]


# -- normalize(): epochs -------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["s", "ms"])
def test_epoch_zero_in_a_date_time_that_cannot_be_null_stays_an_error(unit: Any) -> None:
    policy = NormalizationPolicy(epoch_unit=unit)
    for zero in (0, 0.0, -0.0):
        result = normalize({**BASE, "modified_at": zero}, Completion, policy=policy)
        assert [(i.path, i.code) for i in result.errors] == [("$.modified_at", "invalid_datetime")]
    result = normalize({**BASE, "started_at": 0}, Completion, policy=policy)
    assert result.fixes == (Fix("$.started_at", "datetime.empty_to_null", 0, None),)
    off = NormalizationPolicy(epoch_unit=unit, disabled={"datetime.empty_to_null"})
    result = normalize({**BASE, "started_at": 0}, Completion, policy=off)
    assert result.payload is not None and result.payload["started_at"] == "1970-01-01T00:00:00Z"
    result = normalize({**BASE, "modified_at": 1}, Completion, policy=policy)
    assert result.errors == ()


@pytest.mark.parametrize(
    ("value", "unit", "after"),
    [
        (-0.0000015, "s", "1969-12-31T23:59:59.999998Z"),
        (-0.0000005, "s", "1969-12-31T23:59:59.999999Z"),
        (-1.5, "s", "1969-12-31T23:59:58.5Z"),
        (-0.0015, "ms", "1969-12-31T23:59:59.999998Z"),
        (0.0000015, "s", "1970-01-01T00:00:00.000001Z"),
        (1754042400.25, "s", "2025-08-01T10:00:00.25Z"),
        (-1e-7, "s", "1969-12-31T23:59:59.999999Z"),
    ],
)
def test_fractional_epochs_go_to_the_earlier_microsecond(
    value: float, unit: Any, after: str
) -> None:
    policy = NormalizationPolicy(epoch_unit=unit)
    result = normalize({**BASE, "started_at": value}, Completion, policy=policy)
    assert result.payload is not None
    assert result.payload["started_at"] == after


# -- normalize(): grade.case is letter case only -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("pass", ("grade.case", "PASS")),
        (" Fail ", ("grade.case", "FAIL")),
        ("no_grade", None),  # the member's value is "-", not its name
        ("paß", None),
        ("PAß", None),
        ("pa\u017f\u017f", None),  # long s
        ("\ufb01", None),  # the fi ligature
        ("a", ("grade.case", "A")),
        ("\u212a", None),  # Kelvin sign
    ],
)
def test_grade_case_is_letter_case_only(value: str, fix: tuple[str, str] | None) -> None:
    result = normalize({**BASE, "grade": value}, Completion)
    assert result.errors == ()
    if fix is None:
        assert result.fixes == ()
        assert result.payload is not None and result.payload["grade"] == value
    else:
        assert result.fixes == (Fix("$.grade", fix[0], value, fix[1]),)


def test_synonyms_ignore_letter_case_only() -> None:
    policy = NormalizationPolicy(grade_synonyms={"Maße": "PASS"})
    assert [
        f.after for f in normalize({**BASE, "grade": "MASSE"}, Completion, policy=policy).fixes
    ] == []
    assert [
        f.after for f in normalize({**BASE, "grade": "maße"}, Completion, policy=policy).fixes
    ] == ["PASS"]
    policy = NormalizationPolicy(grade_synonyms={"paß": "PASS"})  # not a spelling of PASS
    assert [
        f.rule for f in normalize({**BASE, "grade": "PAß"}, Completion, policy=policy).fixes
    ] == ["grade.synonym"]
