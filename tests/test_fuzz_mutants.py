"""Tests written to kill the mutants that survived mutation testing of the leaf parsers.

``docs/fuzzing.md`` has the run (mutmut over ``_values/ids.py``, ``datetimes.py``,
``durations.py``, ``enums.py``, ``jsonvalue.py``), its score, and the survivors judged
equivalent. Each test here pins an exact message or a contract a mutant broke unnoticed.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from lms_schema._values import jsonvalue
from lms_schema._values.datetimes import format_datetime, parse_datetime
from lms_schema._values.durations import (
    MAX_MICROSECONDS,
    MAX_MONTHS,
    Duration,
    DurationError,
    format_duration,
    parse_duration,
)
from lms_schema._values.enums import Grade, OpenEnum, Status
from lms_schema._values.ids import parse_uuid
from lms_schema._values.leaf import FieldError

LONG = "x" * 61


def _field_error(function: Any, value: Any) -> tuple[str, str]:
    with pytest.raises(FieldError) as info:
        function(value)
    return info.value.code, info.value.message


# -- ids and date-times: messages, the general date-time path ------------------------------------


def test_long_texts_are_cut_in_messages() -> None:
    sixty = "y" * 60
    assert _field_error(parse_uuid, sixty) == (
        "invalid_uuid",
        f"'{sixty}' is not a UUID (expected 8-4-4-4-12 hex)",
    )
    assert _field_error(parse_uuid, LONG) == (
        "invalid_uuid",
        f"'{'x' * 57}...' is not a UUID (expected 8-4-4-4-12 hex)",
    )
    assert _field_error(parse_datetime, sixty)[1] == (
        f"'{sixty}' is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)"
    )
    assert _field_error(parse_datetime, LONG)[1].startswith(f"'{'x' * 57}...' is not an RFC")


def test_wrong_types_are_named() -> None:
    assert _field_error(parse_uuid, 5) == ("wrong_type", "expected a UUID string, got integer")
    assert _field_error(parse_datetime, None) == (
        "wrong_type",
        "expected a date-time string, got null",
    )
    assert _field_error(Grade.parse, 1.5) == ("wrong_type", "expected a string or null, got number")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-01t10:00:00Z", datetime(2025, 8, 1, 10, tzinfo=UTC)),
        ("2025-08-01T10:00:00z", datetime(2025, 8, 1, 10, tzinfo=UTC)),
        ("2025-08-01t10:00:00z", datetime(2025, 8, 1, 10, tzinfo=UTC)),
        ("2025-08-01t10:00:00+02:00", datetime(2025, 8, 1, 10, tzinfo=timezone(
            timedelta(hours=2)))),
        ("2025-08-01T10:00:00.5", datetime(2025, 8, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2025-08-01t10:00:00.25", datetime(2025, 8, 1, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2025-08-01T10:00:00.1234567Z", datetime(2025, 8, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2025-08-01T10:00:00.9999999z", datetime(2025, 8, 1, 10, 0, 0, 999999, tzinfo=UTC)),
        ("2025-08-01T10:00:00.1+01:00", datetime(2025, 8, 1, 10, 0, 0, 100000, timezone(
            timedelta(hours=1)))),
    ],
)  # fmt: skip
def test_the_general_date_time_path(text: str, expected: datetime) -> None:
    value = parse_datetime(text)
    assert value == expected and value.utcoffset() == expected.utcoffset()


def test_a_fraction_is_written_without_trailing_zeros() -> None:
    value = datetime(2025, 8, 1, 10, 0, 0, 500000, tzinfo=UTC)
    assert format_datetime(value) == "2025-08-01T10:00:00.5Z"
    assert format_datetime(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00Z"
    minus = timezone(-timedelta(hours=3, minutes=30))
    assert format_datetime(datetime(2025, 1, 1, tzinfo=minus)) == "2025-01-01T00:00:00-03:30"


# -- open enums ------------------------------------------------------------------------------------


def test_define_builds_members_names_and_attributes() -> None:
    class Colour(OpenEnum):
        __slots__ = ()
        RED = "red"
        DARK = "-"

    assert Colour.members() == (Colour("red"), Colour("-"))
    assert type(Colour.RED) is Colour and str(Colour.RED) == "red"
    assert Colour("red") is Colour.RED and Colour.parse("-") is Colour.DARK
    assert Colour.DARK.name == "DARK" and Colour.RED.is_known
    assert Colour._names == {"red": "RED", "-": "DARK"}
    assert repr(Colour.RED) == "Colour.RED" and repr(Colour("blue")) == "Colour('blue')"


def test_parse_passes_unknown_values_through() -> None:
    value = Grade.parse("Passed")
    assert type(value) is Grade and value == "Passed" and not value.is_known
    assert value.name is None
    assert Status.parse("ACTIVE") is Status.ACTIVE


# -- durations: exact messages and the one-fraction rule -----------------------------------------


def _duration_error(function: Any) -> tuple[str, str]:
    with pytest.raises(DurationError) as info:
        function()
    return info.value.code, info.value.message


def test_duration_construction_messages() -> None:
    with pytest.raises(TypeError, match=r"^microseconds must be an int, not float$"):
        Duration(microseconds=1.5)  # type: ignore[arg-type]
    assert _duration_error(lambda: Duration(microseconds=-1)) == (
        "negative_duration",
        "microseconds=-1: durations here cannot be negative",
    )
    assert _duration_error(lambda: Duration(microseconds=MAX_MICROSECONDS + 1)) == (
        "duration_out_of_range",
        f"microseconds={MAX_MICROSECONDS + 1} is out of range: the exact part may be at most "
        f"{MAX_MICROSECONDS} (datetime.timedelta.max)",
    )
    assert _duration_error(lambda: Duration(months=Fraction(1, 2), microseconds=1)) == (
        "invalid_duration",
        "months=0.5 with microseconds=1 has no ISO 8601 text: only the last component may "
        "have a fraction, so fractional months cannot be combined with days, hours, minutes "
        "or seconds",
    )
    assert _duration_error(lambda: Duration(months=Decimal("NaN"))) == (
        "invalid_duration",
        "months=NaN is not a finite number",
    )
    with pytest.raises(TypeError, match=r"^months must be an int, Fraction or Decimal, not float$"):
        Duration(months=1.5)  # type: ignore[arg-type]
    assert _duration_error(lambda: Duration(months=-1)) == (
        "negative_duration",
        "months=-1: durations here cannot be negative",
    )
    assert _duration_error(lambda: Duration(months=MAX_MONTHS + 1)) == (
        "duration_out_of_range",
        f"months={MAX_MONTHS + 1} is out of range: at most {MAX_MONTHS} (999999999 years)",
    )
    assert _duration_error(lambda: Duration(months=Fraction(1, 3))) == (
        "invalid_duration",
        "months=1/3 has no decimal expansion of at most 30 places",
    )


def test_duration_method_messages() -> None:
    with pytest.raises(TypeError, match=r"^expected a datetime.timedelta, not int$"):
        Duration.from_timedelta(5)  # type: ignore[arg-type]
    assert _duration_error(lambda: Duration.from_timedelta(timedelta(days=-1))) == (
        "negative_duration",
        "datetime.timedelta(days=-1) is negative; durations here cannot be negative",
    )
    with pytest.raises(TypeError, match=r"^expected a datetime.datetime, not int$"):
        Duration(months=1).add_to(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"in calendar arithmetic$"):
        Duration(months=Fraction(1, 2)).add_to(datetime(2020, 1, 1))
    late = datetime(9999, 12, 1, tzinfo=UTC)
    with pytest.raises(OverflowError, match=r"^9999-12-01T00:00:00\+00:00 \+ P1Y is out of"):
        Duration(months=12).add_to(late)
    with pytest.raises(AttributeError, match=r"^Duration is immutable; cannot delete 'months'$"):
        del Duration(months=1).months
    with pytest.raises(TypeError, match=r"^expected a Duration, not str$"):
        format_duration("P1D")  # type: ignore[arg-type]


def test_range_messages() -> None:
    assert _duration_error(lambda: parse_duration("P999999999999Y")) == (
        "duration_out_of_range",
        "'P999999999999Y' is out of range: years and months may add up to at most 999999999 years",
    )
    assert _duration_error(lambda: parse_duration("P999999999999D"))[1] == (
        "'P999999999999D' is out of range: weeks, days, hours, minutes and seconds may add up "
        "to at most 999999999 days 23:59:59.999999 (datetime.timedelta.max)"
    )


@pytest.mark.parametrize("text", ["PT1.5H2M", "PT1.5H1,5M", "PT1.5H2.5M", "PT1,5H2,5M", "P1.5DT1H"])
def test_only_the_last_component_has_a_fraction(text: str) -> None:
    code, message = _duration_error(lambda: parse_duration(text))
    assert code == "invalid_duration"
    assert re.search(r"only the last component may have a decimal fraction", message)


# -- JSON values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": "s", "b": None, "c": True, "d": 1, "e": 1.5, "f": [], "g": {}}, True),
        ({"a": [1, "s", None, False, 2.5, [], {}]}, True),
        ({"a": -(2**63), "b": 2**64 - 1}, True),
        ({"a": [-(2**63), 2**64 - 1]}, True),
        ({"a": -(2**63) - 1}, False),
        ({"a": [2**64]}, False),
        ({"a": [-(2**63) - 1]}, False),
        ({1: "x"}, False),
        ({"a": math.nan}, False),
        ({"a": [math.inf]}, False),
        ({"a": [0.0, -0.0, 1e308]}, True),
        ({"a": [{1: 2}]}, False),
        ({"a": [[set()]]}, False),
        ({"a": [b"x"]}, False),
        ({"a": (1,)}, False),
    ],
)
def test_scan(value: dict[Any, Any], expected: bool) -> None:
    assert jsonvalue._scan_dict(value, 6) is expected
    assert jsonvalue._scan_list([value], 6) is expected
    if 1 not in value:
        assert jsonvalue._scan_list(list(value.values()), 6) is expected


def test_scan_levels() -> None:
    nested: Any = "leaf"
    for _ in range(3):
        nested = {"k": [nested]}
    assert jsonvalue._scan_dict(nested, 5) is True  # 6 containers below the top
    assert jsonvalue._scan_dict(nested, 4) is False
    assert jsonvalue._scan_list([nested], 6) is True
    assert jsonvalue._scan_list([nested], 5) is False
    assert jsonvalue._scan_list([[[]]], 2) is True and jsonvalue._scan_list([[[]]], 1) is False


def test_shallow_json_is_accepted_by_the_scan_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick scan decides shallow values; the iterative walk only runs for the rest."""

    def walk(value: object) -> object:
        raise AssertionError("the walk ran")

    monkeypatch.setattr(jsonvalue, "_check_tree", walk)
    value = {"a": [1, {"b": [2, {"c": None}]}]}
    assert jsonvalue.check_json_object(value) is value
    assert jsonvalue.check_json_value(value) is value
    assert jsonvalue.check_json_value(value["a"]) is value["a"]


def test_json_messages() -> None:
    assert _field_error(jsonvalue.check_json_object, [1]) == (
        "wrong_type",
        "expected an object or null, got array",
    )
    deep: Any = {}
    for _ in range(jsonvalue.MAX_DEPTH):
        deep = {"k": deep}
    assert _field_error(jsonvalue.check_json_object, deep) == (
        "too_deep",
        f"nested more than {jsonvalue.MAX_DEPTH} levels deep",
    )
    assert _field_error(jsonvalue.decode, 12)[0] == "invalid_json"  # orjson's own message


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "\\ud800", "b": NaN}',
        '{"a": "\\ud800", "b": -Infinity}',
        b'["\\ud800", "\xff"]',
        b'["\\ud800",',
    ],
)
def test_the_surrogate_fallback_rejects_what_is_not_json(data: bytes | str) -> None:
    code, message = _field_error(jsonvalue.decode, data)
    assert code == "invalid_json" and message.startswith("not valid JSON: ")


def test_the_surrogate_fallback_reads_str_and_bytes() -> None:
    assert jsonvalue.decode('["\\ud800", 1]') == ["\ud800", 1]
    assert jsonvalue.decode(bytearray(b'{"\\udfff": "\xc3\xa9"}')) == {"\udfff": "é"}


def test_encode_falls_back_for_lone_surrogates() -> None:
    assert jsonvalue.encode({"a": "\ud800é"}) == b'{"a":"\\ud800\xc3\xa9"}'
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        jsonvalue.encode({"a": "\ud800", "b": math.nan})


# -- the duplicate-key detector ------------------------------------------------------------------


def test_the_pre_check_skips_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the decoded value at hand and no more key ends than keys, nothing is scanned."""
    calls: list[str] = []
    scan = jsonvalue._scan_duplicates

    def spy(text: str) -> Any:
        calls.append(text)
        return scan(text)

    monkeypatch.setattr(jsonvalue, "_scan_duplicates", spy)
    for text in ('{"a": 1, "b": [{"c": 2}]}', '[{"a": 1}]', "{}", '"x"'):
        assert jsonvalue.duplicate_keys(text, jsonvalue.decode(text)) == []
        _, issues = jsonvalue.decode_with_issues(text.encode())
        assert issues == ()
    assert calls == []
    assert jsonvalue.duplicate_keys('{"a": 1}') == []  # no decoded value: scanned
    assert calls == ['{"a": 1}']
    assert jsonvalue.duplicate_keys('{"a": "\\":"}', {"a": '":'}) == []  # one key end too many
    assert len(calls) == 2


def test_count_keys_of_a_top_level_array() -> None:
    assert jsonvalue._count_keys([{"a": 1, "b": {"c": 2}}]) == 3
    assert jsonvalue._count_keys({"a": [{"b": 1}]}) == 2


@pytest.mark.parametrize(
    "text", ['["a", "a"]', '[{}, "a", "a"]', '[[], "a", "a"]', '{"x": [{}, "a", "a"], "y": 1}']
)
def test_strings_in_arrays_are_not_keys(text: str) -> None:
    assert jsonvalue.duplicate_keys(text) == []


def test_format_uuid_is_lower_case_canonical_text() -> None:
    from uuid import UUID

    from lms_schema._values.ids import format_uuid

    text = "3C90C3CC-0D44-4B50-8888-8DD25736052A"
    assert format_uuid(UUID(text)) == text.lower()


def test_nan_and_infinity_are_named_in_the_fallback() -> None:
    assert _field_error(jsonvalue.decode, b'["\\ud800", NaN]')[1] == (
        "not valid JSON: NaN is not a JSON number"
    )
    assert _field_error(jsonvalue.decode, '["\\ud800", -Infinity]')[1] == (
        "not valid JSON: -Infinity is not a JSON number"
    )


def test_the_surrogate_fallback_reads_a_memoryview() -> None:
    assert jsonvalue.decode(memoryview(b'["\\ud800", "\xc3\xa9"]')) == ["\ud800", "é"]


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("", "invalid_duration", "the string is empty"),
        ("+PT1H", "invalid_duration", "a sign ('+') is not allowed"),
        ("P\u0661D", "invalid_duration", "'\u0661' is not an ASCII digit; only 0-9 are allowed"),
        ("pT1H", "invalid_duration", "designators must be upper-case ('P', not 'p')"),
        ("X1D", "invalid_duration", "it must start with 'P'"),
        ("PT1h", "invalid_duration", "designators must be upper-case ('h' is lower-case)"),
        ("P1y", "invalid_duration", "designators must be upper-case ('y' is lower-case)"),
        (
            "P0001-02-03T04:05:06",
            "invalid_duration",
            "the alternative format (PYYYY-MM-DDThh:mm:ss) is not accepted; write designators, "
            "e.g. P1Y2M3DT4H5M6S",
        ),
    ],
)
def test_duration_reasons(text: str, code: str, reason: str) -> None:
    assert _duration_error(lambda: parse_duration(text)) == (
        code,
        f"{text!r} is not an ISO 8601 duration: {reason}",
    )


def test_the_wrong_type_of_a_date_time_is_named() -> None:
    assert _field_error(parse_datetime, 5) == (
        "wrong_type",
        "expected a date-time string, got integer",
    )


def test_too_deep_arrays_are_named() -> None:
    deep: Any = []
    for _ in range(jsonvalue.MAX_DEPTH):
        deep = [deep]
    assert _field_error(jsonvalue.check_json_value, deep) == (
        "too_deep",
        f"nested more than {jsonvalue.MAX_DEPTH} levels deep",
    )


# -- durations.py, the rest of the file (second run) -----------------------------------------------


def test_duration_constructor_type_errors() -> None:
    with pytest.raises(TypeError) as info:
        Duration(timedelta(hours=1))  # type: ignore[arg-type]
    assert str(info.value) == (
        "Duration() takes ISO 8601 text such as 'PT1H15M', not timedelta (use "
        "Duration.from_timedelta() for a timedelta, or the keywords months= and microseconds=)"
    )
    for kwargs in ({"months": 1}, {"microseconds": 1}, {"microseconds": 0.0}, {"months": 0.5}):
        with pytest.raises(TypeError) as info:
            Duration("PT1H", **kwargs)
        assert str(info.value) == "Duration() takes either the text or months=/microseconds="


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_messages_and_foreign_types(op: str) -> None:
    import operator

    compare: Any = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}[op]
    tail = (
        f"with {op!r}: years and months have no fixed length in days, so a duration with "
        "years or months orders only against whole months (compare exact durations, or the "
        "datetimes that .add_to() gives)"
    )
    with pytest.raises(TypeError) as info:
        compare(Duration("P1M"), Duration("PT1H"))
    assert str(info.value) == f"cannot order P1M and PT1H {tail}"
    with pytest.raises(TypeError) as info:
        compare(Duration("P1M"), timedelta(hours=1))
    assert str(info.value) == f"cannot order P1M and datetime.timedelta(seconds=3600) {tail}"
    with pytest.raises(TypeError) as info:  # a foreign type: NotImplemented, then Python's own
        compare(Duration("PT1H"), 5)
    assert str(info.value) == (f"'{op}' not supported between instances of 'Duration' and 'int'")


def test_elapsed_time_in_a_zone_with_changing_offsets() -> None:
    """One hour after 01:30 on the night Berlin moves to summer time is 03:30 CEST (elapsed
    time, through UTC), in the same zone; a fixed offset adds wall-clock time directly, even
    at the last representable hour."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2021, 3, 28, 1, 30, tzinfo=berlin)
    later = Duration("PT1H").add_to(start)
    assert later.tzinfo is berlin
    assert (later.hour, later.minute, later.utcoffset()) == (3, 30, timedelta(hours=2))
    assert later.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
    edge = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert Duration("PT0S").add_to(edge) == edge  # through UTC it would pass the year 9999
    assert Duration("PT30M").add_to(edge).minute == 30


def test_a_fractional_month_ends_after_its_shortest_length() -> None:
    """``P0.5M`` is at least 14 days (half of a 28-day month); ``P1.25M`` one calendar month
    and 7 days; a sum past the year 9999 is later than anything."""
    from lms_schema._values.durations import ends_after

    start = datetime(2021, 2, 1, tzinfo=UTC)
    half = Duration("P0.5M")
    assert ends_after(half, start, start + timedelta(days=14) - timedelta(microseconds=1))
    assert not ends_after(half, start, start + timedelta(days=14))
    more = Duration("P1.25M")
    march = datetime(2021, 3, 1, tzinfo=UTC)
    assert ends_after(more, start, march + timedelta(days=7) - timedelta(microseconds=1))
    assert not ends_after(more, start, march + timedelta(days=7))
    late = datetime(9999, 12, 1, tzinfo=UTC)
    assert ends_after(Duration("P2M"), late, late)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("P1X", "unexpected character 'X' at position 2"),
        ("PX1D", "unexpected character 'X' at position 1"),
        ("PT1HT2M", "'T' appears more than once"),
        ("PY", "'Y' must be preceded by a number"),
        ("P1T", "the number '1' before 'T' has no designator"),
        ("P1W1D", "weeks ('W') cannot be combined with other components; write them as days"),
        (
            "P1.5DT1H",
            "only the last component may have a decimal fraction, but '1.5D' is followed by "
            "another component",
        ),
    ],
)
def test_more_duration_reasons(text: str, reason: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert info.value.code == "invalid_duration"
    assert info.value.message.endswith(reason), info.value.message


_NOMINAL = "years and months may add up to at most 999999999 years"
_EXACT = (
    "weeks, days, hours, minutes and seconds may add up to at most 999999999 days "
    "23:59:59.999999 (datetime.timedelta.max)"
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("P999999999Y", None),
        ("P11999999988M", None),
        ("P999999999.0Y", None),  # the fraction path, exactly at the limit
        ("P999999999DT23H59M59.999999S", None),
        ("PT86399999999999.999999S", None),
        ("P999999999Y1M", _NOMINAL),
        ("P11999999989M", _NOMINAL),
        ("P999999999.5Y", _NOMINAL),
        ("P999999999DT23H59M60S", _EXACT),
        ("PT86400000000000.0S", _EXACT),
        ("P999999999Y1000000000D", _EXACT),  # months at the limit, the exact part over it
        ("P999999999Y1000000000.0D", _EXACT),
    ],
)
def test_duration_range_limits(text: str, why: str | None) -> None:
    """At the limits exactly, and one step over; the message names the part that is over.
    ``_parse_str`` is called directly: ``parse_duration`` caches its results."""
    from lms_schema._values.durations import _parse_str

    if why is None:
        assert _parse_str(text).months <= MAX_MONTHS
        return
    with pytest.raises(DurationError) as info:
        _parse_str(text)
    assert (info.value.code, info.value.message) == (
        "duration_out_of_range",
        f"{text!r} is out of range: {why}",
    )


def test_long_texts_are_cut_in_messages_after_60_characters() -> None:
    from lms_schema._values.durations import _parse_str

    sixty = "P" + "9" * 30 + "YT" + "9" * 26 + "S"
    with pytest.raises(DurationError) as info:
        _parse_str(sixty)
    assert info.value.message == f"{sixty!r} is out of range: {_NOMINAL}"
    longer = "P" + "9" * 30 + "YT" + "9" * 27 + "S"
    with pytest.raises(DurationError) as info:
        _parse_str(longer)
    assert info.value.message == f"{longer[:57] + '...'!r} is out of range: {_NOMINAL}"
    at_most = "P" + "1" * 198 + "D"  # 200 characters: not too long, too many digits
    with pytest.raises(DurationError) as info:
        _parse_str(at_most)
    assert "too long" not in info.value.message
    with pytest.raises(DurationError) as info:
        _parse_str(at_most + "1")
    assert info.value.message.endswith(
        "is too long to be a duration (201 characters; at most 200 are accepted)"
    )


def test_parse_duration_names_the_wrong_type() -> None:
    for value, name in ((5, "integer"), (None, "null"), ([], "array"), (1.5, "number")):
        with pytest.raises(DurationError) as info:
            parse_duration(value)
        assert (info.value.code, info.value.message) == (
            "wrong_type",
            f"expected a duration string, got {name}",
        )


def test_durations_hash_by_value() -> None:
    hashes = {hash(Duration(f"PT{i}S")) for i in range(100)}
    assert len(hashes) == 100
    assert hash(Duration("PT60M")) == hash(Duration("PT1H"))
    assert hash(Duration("P1M")) != hash(Duration("PT1H"))
    nominal = {hash(Duration(f"P{i}MT{i}S")) for i in range(1, 50)}
    assert len(nominal) == 49
    assert hash(Duration("P1Y")) == hash(Duration("P12M"))
