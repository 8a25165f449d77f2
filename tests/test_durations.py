"""Tests for lms_schema._values.durations: strict ISO 8601 grammar, exact values, canonical text."""

from __future__ import annotations

import copy
import pickle
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import isodate
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lms_schema._values.durations import (
    MAX_MICROSECONDS,
    MAX_MONTHS,
    Duration,
    DurationError,
    _parse_cached,
    format_duration,
    parse_duration,
)

P = parse_duration
US = 1_000_000
DAY_US = 86_400 * US

# -- grammar: rejections -------------------------------------------------------------------------

INVALID = [
    "P",
    "PT",
    "P1DT",
    "P1Y2MT",
    "P4W1D",
    "P1W2D",
    "P1Y2W",
    "P7WT4H",
    "P1WT",
    "PT1.5H30M",
    "P1.5Y2M",
    "P1Y2M3.5DT1H",
    "P1Y2M3DT4H5.1234M6S",
    "P0.5Y0.5M",
    "pt1h",
    "Pt1H",
    "PT1h",
    "P1d",
    "P1H",
    "P1S",
    "PT1D",
    "PT1Y",
    "PT1W",
    "P1DT1D",
    "P1M2Y",
    "P1D2M",
    "PT1M1H",
    "PT1S1M",
    "PT1H1H",
    "P1D1D",
    "P1M1M",
    "PTT1H",
    "P1DTT1H",
    "PT\uff11H",  # fullwidth digit one
    "PT\u0663H",  # Arabic-Indic digit three
    "P\u0661D",  # Arabic-Indic digit one
    "P1.D",
    "P.5D",
    "P1,D",
    "P,5D",
    "P1.5.5D",
    "P1..5D",
    "P1.5,5D",
    "P1e3D",
    "P1E3D",
    "P1_000D",
    "+P1D",
    "P+1D",
    "P-1D",
    "PT-6H",
    "-PT",
    "-P",
    "--P1D",
    "+-P1D",
    "",
    " ",
    "PT1H\n",
    "PT1H ",
    " PT1H",
    "P T1H",
    "P1D T1H",
    "PT1H\t",
    "PT1H\u00a0",
    "\nPT1H",
    "P0001-02-03T04:05:06",
    "P0001-02-03",
    "P00010203T040506",
    "P0001-100T00:00:00",
    "P1",
    "PT1",
    "P1DT1",
    "1D",
    "D",
    "PD",
    "PTH",
    "PW",
    "PT1HM",
    "P1Y\x00",
    "PT1H15M,",
    "PT1H15M.",
    "P1X",
    "P1DX",
    "PP1D",
    "P1DP",
    "T1H",
    "PT1H15",
    "duration",
    "PT1H15Mjunk",
    "P1Y2M3DT4H5M6S7S",
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_duration(text: str) -> None:
    with pytest.raises(DurationError) as info:
        P(text)
    assert info.value.code == "invalid_duration"
    assert info.value.message.startswith(repr(text))
    assert str(info.value) == info.value.message


@pytest.mark.parametrize(
    "text",
    ["-P1D", "-PT0S", "-P1Y2M3DT4H5M6S", "-P2W", "-PT1.5H", "-P" + "9" * 31 + "D", "-P2000000000D"],
)
def test_negative_duration(text: str) -> None:
    with pytest.raises(DurationError) as info:
        P(text)
    assert info.value.code == "negative_duration"
    assert "cannot be negative" in info.value.message


OUT_OF_RANGE = [
    "PT99999999999999999999H",
    "P1000000000D",
    "P142857143W",  # 1,000,000,001 days
    "P999999999DT24H",
    "P999999999DT23H59M60S",
    "PT86400000000000S",
    "P1000000000Y",
    "P999999999Y12M",
    "P11999999989M",
    "P" + "1" * 31 + "D",
    "PT" + "9" * 31 + "S",
    "PT0." + "1" * 31 + "S",
    "PT" + "0" * 31 + "1S",  # digits are counted, not the value
    "PT" + "9" * 10_000 + "H",
    "P" + "9" * 10_000 + "Y",
    "PT0." + "9" * 10_000 + "S",
    "P" + "1" * 100 + "D",
    "P1Y" * 70,  # too long before anything else is looked at
]


@pytest.mark.parametrize("text", OUT_OF_RANGE, ids=lambda text: text[:40])
def test_out_of_range(text: str) -> None:
    with pytest.raises(DurationError) as info:
        P(text)
    assert info.value.code == "duration_out_of_range"
    assert len(info.value.message) < 300


def test_megabyte_string_is_rejected_quickly_and_briefly() -> None:
    for text in ("x" * 1_000_000, "P" + "1" * 1_000_000 + "D", "PT1H" + " " * 1_000_000):
        with pytest.raises(DurationError) as info:
            P(text)
        assert info.value.code == "duration_out_of_range"
        assert "1000" in info.value.message
        assert len(info.value.message) < 300


def test_limits_are_inclusive() -> None:
    assert P("P999999999DT23H59M59.999999S").microseconds == MAX_MICROSECONDS
    assert P("P999999999DT23H59M59.9999999S").microseconds == MAX_MICROSECONDS  # truncated
    assert P("P999999999Y").months == MAX_MONTHS
    assert P("P11999999988M").months == MAX_MONTHS
    assert P("P" + "0" * 29 + "1D") == P("P1D")  # 30 digits are fine
    assert P("PT0." + "0" * 29 + "1S") == P("PT0S")
    zeros = "0" * 30
    longest = f"P{zeros}Y{zeros}M{zeros}DT{zeros[:11]}H{zeros}M{zeros}.{zeros}S"
    assert len(longest) == 200
    assert P(longest) == P("PT0S")  # 200 characters are fine ...
    with pytest.raises(DurationError) as info:
        P(longest.replace("T", "T0"))
    assert info.value.code == "duration_out_of_range"  # ... 201 are not
    assert "201 characters" in info.value.message


@pytest.mark.parametrize("value", [3600, 1.5, None, b"PT1H", ["PT1H"], {"a": 1}, timedelta(1)])
def test_non_string_input(value: object) -> None:
    with pytest.raises(DurationError) as info:
        P(value)
    assert info.value.code == "wrong_type"
    assert info.value.message.startswith("expected a duration string, got ")


def test_str_subclass_is_read_as_its_value() -> None:
    class Text(str):
        __slots__ = ()

    assert P(Text("PT75M")) == P("PT1H15M")
    with pytest.raises(DurationError):
        P(Text("PT"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "PT",
            "'PT' is not an ISO 8601 duration: 'T' must be followed by at least one time component",
        ),
        ("P", "'P' is not an ISO 8601 duration: 'P' must be followed by at least one component"),
        ("P4W1D", "weeks ('W') cannot be combined with other components"),
        ("PT1.5H30M", "only the last component may have a decimal fraction"),
        ("pt1h", "upper-case"),
        ("PT\uff11H", "not an ASCII digit"),
        ("P1H", "'H' (hours) is a time component and must come after 'T'"),
        ("PT1D", "'D' (days) is a date component and must come before 'T'"),
        ("P1M2Y", "'Y' (years) comes after 'M' (months)"),
        ("PT1M1M", "'M' (minutes) appears more than once"),
        ("P1.D", "a decimal sign needs digits on both sides"),
        ("+P1D", "a sign ('+') is not allowed"),
        ("PT1H\n", "whitespace"),
        ("P0001-02-03T04:05:06", "alternative format"),
        ("", "empty"),
        ("-P1D", "'-P1D' is a negative duration; durations here cannot be negative"),
        ("PT99999999999999999999H", "datetime.timedelta.max"),
        ("P1000000000Y", "999999999 years"),
        ("P" + "1" * 31 + "D", "at most 30 digits"),
    ],
)
def test_messages(text: str, message: str) -> None:
    with pytest.raises(DurationError) as info:
        P(text)
    assert message in info.value.message


def test_error_is_a_picklable_value_error() -> None:
    with pytest.raises(ValueError, match="must be followed") as info:
        P("PT")
    error = info.value
    assert isinstance(error, DurationError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.message, str(again)) == (error.code, error.message, str(error))


# -- values and canonical text -------------------------------------------------------------------

CANONICAL = [
    ("PT1H15M", "PT1H15M"),
    ("PT5H30M", "PT5H30M"),
    ("PT45M", "PT45M"),
    ("P1Y2M3DT4H5M6S", "P1Y2M3DT4H5M6S"),
    ("PT75M", "PT1H15M"),
    ("PT4500S", "PT1H15M"),
    ("P2W", "P14D"),
    ("P1W", "P7D"),
    ("P0.5W", "P3DT12H"),
    ("PT36H", "P1DT12H"),
    ("P1DT24H", "P2D"),
    ("PT1.5H", "PT1H30M"),
    ("PT0.5M", "PT30S"),
    ("P0,5D", "PT12H"),
    ("P0.5D", "PT12H"),
    ("PT0S", "PT0S"),
    ("P0D", "PT0S"),
    ("P0Y", "PT0S"),
    ("P0W", "PT0S"),
    ("P0Y0M0DT0H0M0S", "PT0S"),
    ("PT0.000S", "PT0S"),
    ("P1Y", "P1Y"),
    ("P12M", "P1Y"),
    ("P13M", "P1Y1M"),
    ("P1Y13M15DT12H30M", "P2Y1M15DT12H30M"),
    ("P0.5Y", "P6M"),
    ("P1.5Y", "P1Y6M"),
    ("P0.1Y", "P1.2M"),
    ("P1.05Y", "P1Y0.6M"),
    ("P1.5M", "P1.5M"),
    ("P25.5M", "P2Y1.5M"),
    ("P0,25M", "P0.25M"),
    ("P0.000000000000000000000000000001Y", "P0.000000000000000000000000000012M"),
    ("PT1.9999999S", "PT1.999999S"),
    ("PT0.0000001S", "PT0S"),
    ("PT0.000001S", "PT0.000001S"),
    ("PT0,1S", "PT0.1S"),
    ("PT0.10S", "PT0.1S"),
    ("PT16559.14S", "PT4H35M59.14S"),
    ("PT05H", "PT5H"),
    ("PT000005H", "PT5H"),
    ("P1DT1H1M1.5S", "P1DT1H1M1.5S"),
    ("P1DT1S", "P1DT1S"),
    ("P1YT1M", "P1YT1M"),
    ("P1MT1M", "P1MT1M"),
    ("PT1H1S", "PT1H1S"),
    ("PT0.5H", "PT30M"),
    ("PT1.0000001H", "PT1H0.00036S"),
    ("P999999999DT23H59M59.9999999S", "P999999999DT23H59M59.999999S"),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL)
def test_canonical_text(text: str, canonical: str) -> None:
    duration = P(text)
    assert str(duration) == canonical
    assert format_duration(duration) == canonical
    assert repr(duration) == f"Duration({canonical!r})"
    again = P(canonical)
    assert again == duration
    assert hash(again) == hash(duration)
    assert str(again) == canonical


@pytest.mark.parametrize(
    ("text", "months", "microseconds"),
    [
        ("PT1H15M", 0, 75 * 60 * US),
        ("P1Y2M", 14, 0),
        ("P2W", 0, 14 * DAY_US),
        ("PT1.5H", 0, 90 * 60 * US),
        ("P0.5D", 0, 12 * 3600 * US),
        ("P0.5Y", 6, 0),
        ("P0.1Y", Fraction(6, 5), 0),
        ("P1.5M", Fraction(3, 2), 0),
        ("PT1.9999999S", 0, 1_999_999),
        ("PT0.0000001S", 0, 0),
        ("PT0.0000019S", 0, 1),
        ("PT0.1234567S", 0, 123_456),
        ("PT0.0000001M", 0, 6),  # 6 us exactly
        ("PT0.00000001M", 0, 0),  # 0.6 us, truncated
        ("PT0.000000001H", 0, 3),  # 3.6 us, truncated
        ("P0.00000000001D", 0, 0),  # 0.864 us, truncated
        ("P0.0000000001W", 0, 60),  # 60.48 us, truncated
    ],
)
def test_components(text: str, months: int | Fraction, microseconds: int) -> None:
    duration = P(text)
    assert duration.months == months
    assert type(duration.months) is type(months)
    assert duration.microseconds == microseconds
    assert duration.is_exact is (months == 0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PT75M", "PT1H15M"),
        ("P2W", "P14D"),
        ("P1D", "PT24H"),
        ("P1Y", "P12M"),
        ("P0.5Y", "P6M"),
        ("PT1.5H", "PT90M"),
        ("P0,5D", "P0.5D"),
        ("P0.5W", "P3DT12H"),
        ("PT0S", "P0D"),
        ("P0.1Y", "P1.2M"),
        ("PT1.9999999S", "PT1.999999S"),
    ],
)
def test_equal_values_hash_equal(a: str, b: str) -> None:
    assert P(a) == P(b)
    assert not P(a) != P(b)  # noqa: SIM202 - exercise __ne__
    assert hash(P(a)) == hash(P(b))
    assert len({P(a), P(b)}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("P1M", "P30D"), ("P1Y", "P365D"), ("PT1H", "PT61M"), ("P1M", "PT1M"), ("P1D", "P1M")],
)
def test_unequal_values(a: str, b: str) -> None:
    assert P(a) != P(b)


def test_comparison_with_other_types() -> None:
    duration = P("PT1H")
    assert duration.__eq__("PT1H") is NotImplemented
    assert duration != "PT1H"
    assert duration != 3600
    # an exact duration is equal to the equal timedelta (tests/test_api.py has the rest)
    assert duration.__eq__(timedelta(hours=1)) is True
    assert duration == timedelta(hours=1)
    assert P("P1M") != timedelta(days=30)


def test_cache_shares_the_immutable_value() -> None:
    assert P("PT1H15M") is P("PT1H15M")
    _parse_cached.cache_clear()
    first = P("PT2H")
    assert P("PT2H") is first
    assert _parse_cached.cache_info().hits >= 1


def test_errors_are_not_cached() -> None:
    _parse_cached.cache_clear()
    for _ in range(3):
        with pytest.raises(DurationError):
            P("PT")
    info = _parse_cached.cache_info()
    assert (info.hits, info.currsize) == (0, 0)


def test_immutable_and_slotted() -> None:
    duration = P("PT1H")
    with pytest.raises(AttributeError):
        duration._us = 5
    with pytest.raises(AttributeError):
        duration.months = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del duration._months
    with pytest.raises(AttributeError):
        duration.__dict__  # noqa: B018
    assert duration == P("PT1H")


def test_pickle_and_copy() -> None:
    for text in ("PT1H15M", "P1Y2M3DT4H5M6.5S", "P1.5M", "PT0S"):
        duration = P(text)
        again = pickle.loads(pickle.dumps(duration))
        assert again == duration
        assert str(again) == str(duration)
        assert copy.copy(duration) is duration
        assert copy.deepcopy(duration) is duration


# -- construction --------------------------------------------------------------------------------


def test_constructor() -> None:
    assert Duration() == P("PT0S")
    assert Duration(months=14, microseconds=DAY_US) == P("P1Y2M1D")
    assert Duration(months=Fraction(3, 2)) == P("P1.5M")
    assert Duration(months=Decimal("1.50")) == P("P1.5M")
    assert Duration(months=Decimal("12.0")).months == 12
    assert type(Duration(months=Fraction(24, 2)).months) is int
    assert Duration(months=MAX_MONTHS, microseconds=MAX_MICROSECONDS) == P(
        "P999999999Y999999999DT23H59M59.999999S"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"months": -1}, "negative_duration"),
        ({"microseconds": -1}, "negative_duration"),
        ({"months": Fraction(-1, 2)}, "negative_duration"),
        ({"months": MAX_MONTHS + 1}, "duration_out_of_range"),
        ({"microseconds": MAX_MICROSECONDS + 1}, "duration_out_of_range"),
        ({"months": Decimal("Infinity")}, "invalid_duration"),
        ({"months": Decimal("NaN")}, "invalid_duration"),
        ({"months": Fraction(1, 3)}, "invalid_duration"),  # no finite decimal expansion
        ({"months": Fraction(1, 2**31)}, "invalid_duration"),  # more than 30 places
        ({"months": Decimal("1E-31")}, "invalid_duration"),
        ({"months": Fraction(3, 2), "microseconds": 1}, "invalid_duration"),  # P1.5MT... no text
    ],
)
def test_constructor_rejects(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(DurationError) as info:
        Duration(**kwargs)  # type: ignore[arg-type]
    assert info.value.code == code


@pytest.mark.parametrize(
    "kwargs",
    [
        {"months": 1.5},
        {"months": True},
        {"months": "1"},
        {"microseconds": 1.0},
        {"microseconds": False},
    ],
)
def test_constructor_type_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Duration(**kwargs)  # type: ignore[arg-type]


def test_constructor_parts_are_keyword_only() -> None:
    # the one positional argument is the ISO text (tests/test_api.py)
    with pytest.raises(TypeError):
        Duration(1)  # type: ignore[arg-type]


def test_from_timedelta() -> None:
    assert Duration.from_timedelta(timedelta(hours=1, minutes=15)) == P("PT1H15M")
    assert Duration.from_timedelta(timedelta(0)) == P("PT0S")
    assert Duration.from_timedelta(timedelta(microseconds=1)) == P("PT0.000001S")
    assert str(Duration.from_timedelta(timedelta.max)) == "P999999999DT23H59M59.999999S"
    for negative in (timedelta(microseconds=-1), timedelta(days=-1, hours=23)):
        with pytest.raises(DurationError) as info:
            Duration.from_timedelta(negative)
        assert info.value.code == "negative_duration"
    with pytest.raises(TypeError):
        Duration.from_timedelta(3600)  # type: ignore[arg-type]


def test_format_duration_type_check() -> None:
    with pytest.raises(TypeError):
        format_duration("PT1H")  # type: ignore[arg-type]


# -- conversions ---------------------------------------------------------------------------------


def test_total_seconds_and_timedelta_are_exact() -> None:
    assert P("PT1H15M").total_seconds() == 4500.0
    assert P("PT0.000001S").total_seconds() == 1e-6
    assert P("P1D").total_seconds() == 86400.0
    assert P("PT16559.14S").total_seconds() == 16559.14
    assert P("PT1H15M").to_timedelta() == timedelta(hours=1, minutes=15)
    assert P("PT1.9999999S").to_timedelta() == timedelta(microseconds=1_999_999)
    assert P("P999999999DT23H59M59.999999S").to_timedelta() == timedelta.max
    biggest = P("P999999999DT23H59M59.999999S")
    assert biggest.total_seconds() == timedelta.max.total_seconds()
    assert P("PT0S").to_timedelta() == timedelta(0)


@pytest.mark.parametrize("text", ["P1M", "P1Y", "P1Y2DT3H", "P0.5M"])
def test_total_seconds_of_nominal_durations_raise(text: str) -> None:
    duration = P(text)
    assert not duration.is_exact
    with pytest.raises(
        ValueError, match=r"has a nominal part \(years/months\) and no fixed length"
    ):
        duration.total_seconds()
    with pytest.raises(ValueError, match="no fixed length in seconds"):
        duration.to_timedelta()


def test_nominal_error_message() -> None:
    with pytest.raises(ValueError) as info:
        P("P1M").total_seconds()
    assert str(info.value) == "P1M has a nominal part (years/months) and no fixed length in seconds"


def test_to_isodate() -> None:
    assert P("PT1H15M").to_isodate() == timedelta(hours=1, minutes=15)
    for text in ("P1Y2M3DT4H", "P14M", "P1Y", "P1MT0.5S"):
        assert P(text).to_isodate() == isodate.parse_duration(text)
    fractional = P("P1.5M").to_isodate()
    assert isinstance(fractional, isodate.Duration)
    assert fractional.months == Decimal("1.5")
    assert fractional.years == 0
    converted = P("P25.5M").to_isodate()
    assert isinstance(converted, isodate.Duration)
    assert (converted.years, converted.months) == (Decimal(2), Decimal("1.5"))


def test_add_to() -> None:
    start = datetime(2000, 1, 31, 12, 0, tzinfo=UTC)
    assert P("P1M").add_to(start) == datetime(2000, 2, 29, 12, 0, tzinfo=UTC)
    assert P("P1Y1M").add_to(start) == datetime(2001, 2, 28, 12, 0, tzinfo=UTC)
    assert P("P1MT1H").add_to(start) == datetime(2000, 2, 29, 13, 0, tzinfo=UTC)
    assert P("PT1H15M").add_to(start) == datetime(2000, 1, 31, 13, 15, tzinfo=UTC)
    assert P("P2W").add_to(start) == datetime(2000, 2, 14, 12, 0, tzinfo=UTC)
    leap = datetime(2000, 2, 29)
    assert P("P1Y").add_to(leap) == datetime(2001, 2, 28)
    assert P("P12M").add_to(leap) == datetime(2001, 2, 28)
    assert P("P4Y").add_to(leap) == datetime(2004, 2, 29)
    assert P("PT0S").add_to(start) == start


def test_add_to_errors() -> None:
    start = datetime(2000, 1, 31)
    with pytest.raises(ValueError, match="fractional number of months"):
        P("P1.5M").add_to(start)
    with pytest.raises(OverflowError):
        P("P999999999D").add_to(start)
    with pytest.raises(OverflowError):
        P("P8000Y").add_to(start)
    with pytest.raises(OverflowError):
        P("P7999YT999999999H").add_to(start)
    with pytest.raises(TypeError):
        P("P1D").add_to(start.date())  # type: ignore[arg-type]


def test_isodate_disagreements_are_documented() -> None:
    """Cases where isodate 0.7.2 and this module part ways (we are stricter or exact)."""
    # isodate accepts texts we reject (grammar too lenient; trailing newline via `$`).
    for text in ("PT", "P1DT", "P4W1D", "PT1.5H30M", "+P1D", "PT1H\n"):
        isodate.parse_duration(text)
        with pytest.raises(DurationError):
            P(text)
    # isodate rounds through float; we truncate to the microsecond.
    assert isodate.parse_duration("PT1.9999999S") == timedelta(seconds=2)
    assert P("PT1.9999999S").to_timedelta() == timedelta(microseconds=1_999_999)
    # ... so at the very top of the range isodate overflows on a text we accept.
    with pytest.raises(OverflowError):
        isodate.parse_duration("P999999999DT23H59M59.9999999S")
    assert P("P999999999DT23H59M59.9999999S").to_timedelta() == timedelta.max
    # isodate's total_seconds ignores months; ours refuses.
    assert isodate.parse_duration("P1M").total_seconds() == 0.0
    # isodate hashes P1Y and P12M differently; ours are one value.
    assert hash(P("P1Y")) == hash(P("P12M"))


# -- properties ----------------------------------------------------------------------------------

_DATE_LIMITS = {"Y": 8, "M": 8, "D": 8}  # digits per component: keeps values inside the range
_TIME_LIMITS = {"H": 9, "M": 10, "S": 12}


@st.composite
def _number(draw: st.DrawFn, max_digits: int, fraction: bool) -> str:
    whole = draw(st.from_regex(rf"[0-9]{{1,{max_digits}}}", fullmatch=True))
    if not fraction:
        return whole
    sign = draw(st.sampled_from(".,"))
    return whole + sign + draw(st.from_regex(r"[0-9]{1,30}", fullmatch=True))


@st.composite
def valid_texts(draw: st.DrawFn) -> str:
    """Texts of the strict grammar, with values inside the representable range."""
    fraction = draw(st.booleans())
    if draw(st.integers(0, 9)) == 0:
        return "P" + draw(_number(7, fraction)) + "W"
    date = draw(st.lists(st.sampled_from("YMD"), unique=True))
    time = draw(st.lists(st.sampled_from("HMS"), unique=True, min_size=0 if date else 1))
    date.sort(key="YMD".index)
    time.sort(key="HMS".index)
    last = len(date) + len(time) - 1
    parts = ["P"]
    index = 0
    for designator in date:
        parts += (draw(_number(_DATE_LIMITS[designator], fraction and index == last)), designator)
        index += 1
    if time:
        parts.append("T")
    for designator in time:
        parts += (draw(_number(_TIME_LIMITS[designator], fraction and index == last)), designator)
        index += 1
    return "".join(parts)


durations = st.builds(
    lambda months, microseconds: Duration(months=months, microseconds=microseconds),
    st.integers(0, MAX_MONTHS),
    st.integers(0, MAX_MICROSECONDS),
)


@st.composite
def fractional_month_durations(draw: st.DrawFn) -> Duration:
    places = draw(st.integers(1, 30))
    numerator = draw(st.integers(0, MAX_MONTHS * 10**places))
    return Duration(months=Fraction(numerator, 10**places))


@given(valid_texts())
def test_valid_texts_parse_and_canonicalize(text: str) -> None:
    duration = P(text)
    canonical = str(duration)
    again = P(canonical)
    assert again == duration
    assert hash(again) == hash(duration)
    assert str(again) == canonical
    assert len(canonical) <= 200


@given(valid_texts())
def test_valid_texts_agree_with_isodate(text: str) -> None:
    duration = P(text)
    theirs = isodate.parse_duration(text, as_timedelta_if_possible=False)
    assert Fraction(theirs.years) * 12 + Fraction(theirs.months) == duration.months
    # isodate goes through float and rounds; we are exact and truncate.
    exact_us = theirs.tdelta // timedelta(microseconds=1)
    assert abs(exact_us - duration.microseconds) <= 1 + duration.microseconds * 2**-48


@given(st.one_of(durations, fractional_month_durations()))
def test_durations_round_trip_through_text(duration: Duration) -> None:
    text = str(duration)
    again = P(text)
    assert again == duration
    assert hash(again) == hash(duration)
    assert str(again) == text
    assert format_duration(again) == text


@given(durations)
def test_other_spellings_of_the_same_value_are_equal(duration: Duration) -> None:
    """P{months}MT{seconds}S spells the same value as the canonical text."""
    months, us = duration.months, duration.microseconds
    seconds, frac = divmod(us, US)
    parts = ["P"]
    if months:
        parts.append(f"{months}M")
    if us or not months:
        parts.append(f"T{seconds}.{frac:06d}S")
    other = P("".join(parts))
    assert other == duration
    assert hash(other) == hash(duration)
    assert str(other) == str(duration)


@given(st.integers(0, MAX_MICROSECONDS))
def test_timedelta_round_trip(us: int) -> None:
    delta = timedelta(microseconds=us)
    duration = Duration.from_timedelta(delta)
    assert duration.to_timedelta() == delta
    assert duration.total_seconds() == delta.total_seconds()
    assert P(str(duration)).to_timedelta() == delta


_REFERENCE_N = r"[0-9]+(?:[.,][0-9]+)?"
_REFERENCE = re.compile(  # standards.md 1.6, iso8601_1_designator
    rf"P(?:({_REFERENCE_N})W|(?=[0-9]|T[0-9])(?:({_REFERENCE_N})Y)?(?:({_REFERENCE_N})M)?"
    rf"(?:({_REFERENCE_N})D)?(?:T(?=[0-9])(?:({_REFERENCE_N})H)?(?:({_REFERENCE_N})M)?"
    rf"(?:({_REFERENCE_N})S)?)?)"
)


def _reference_accepts(text: str) -> bool:
    match = _REFERENCE.fullmatch(text)
    if match is None:
        return False
    present = [group for group in match.groups() if group is not None]
    return all("." not in group and "," not in group for group in present[:-1])


_ALPHABET = "PTYMWDHS0123456789.,-+ \n\uff11pt"
texts = st.one_of(
    st.text(),
    st.text(alphabet=_ALPHABET, max_size=20),
    valid_texts(),
    valid_texts().map(lambda text: text[:-1]),
    st.tuples(valid_texts(), st.text(alphabet=_ALPHABET, max_size=3), st.integers(0, 40)).map(
        lambda args: args[0][: args[2]] + args[1] + args[0][args[2] :]
    ),
)


@given(texts)
def test_any_text_parses_or_raises_duration_error(text: str) -> None:
    try:
        duration = P(text)
    except DurationError as exc:
        assert exc.code in {"invalid_duration", "negative_duration", "duration_out_of_range"}
        assert "does not follow the grammar" not in exc.message  # the diagnosis found the cause
        assert len(exc.message) < 400
        if exc.code == "invalid_duration":
            assert not _reference_accepts(text)
        return
    assert isinstance(duration, Duration)
    assert _reference_accepts(text)
    # Our grammar is a subset of isodate's designator grammar.
    assert isodate.isoduration.ISO8601_PERIOD_REGEX.match(text)
    try:
        isodate.parse_duration(text)
    except OverflowError:
        # isodate rounds through float: only a value within a second of timedelta.max may overflow
        assert duration.microseconds > MAX_MICROSECONDS - US
    assert P(str(duration)) == duration


@given(st.text(alphabet="PTYMWDHS0123456789.,-x ", max_size=14).map(lambda s: "P" + s))
@example("PT1H")
@example("P" + "9" * 31 + "D")
@example("P2000000000D")
@example("PT")
@example("P1.5DT1H")
@example("P1,5Y2M")
def test_a_sign_before_a_duration_is_negative_exactly_when_the_rest_is_one(rest: str) -> None:
    """``_diagnose`` reads the text after ``-`` by the grammar's pattern first (the common
    case: no walk for a reason); the walk decides the rest, as it decided all before."""
    from lms_schema._values.durations import _OUT_OF_RANGE, MAX_TEXT_LENGTH, _diagnose, _reason

    reason = _reason(rest)
    negative = reason is None or reason[0] == _OUT_OF_RANGE
    text = "-" + rest
    if len(text) > MAX_TEXT_LENGTH:
        return
    assert (_diagnose(text).code == "negative_duration") is negative
