"""Offsets are read in one place, on every path: RFC 3339 ``time-numoffset`` (hours 00-23,
minutes 00-59), exhaustively.

Every ``+hh:mm`` and ``-hh:mm`` from 00:00 to 99:99, after several time shapes, goes through
the strict parser, its shortcut, the generated fast path for dicts, the msgspec mirror for
bytes, the cattrs hooks, ``normalize()`` and query-parameter parsing: each accepts exactly
the valid offsets, with the offset written, and rejects the rest with ``invalid_datetime``
(``+10:60`` used to be accepted and re-spelled ``+11:00``). Every odd character at every
offset position is rejected the same way on every path. Leap seconds and offsets with
seconds on output are tested here too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import orjson
import pytest

import lms_schema
from lms_schema import Completion, CompletionQuery, normalize
from lms_schema._gen.fast import DUMP_OPTIONS, dumper, structurer, unstructurer
from lms_schema._gen.mirror import bytes_structurer
from lms_schema._values.datetimes import (
    _parse_general,
    format_datetime,
    leap_second_as_59,
    parse_datetime,
)
from lms_schema._values.leaf import FieldError

_BASE: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
_SHAPES = ["2025-08-01T10:00:00", "2025-08-01T10:00:00.123", "2025-08-01T10:00:00.5"]


def _paths() -> dict[str, Any]:
    """Each path reading one date-time: a function text -> aware datetime, raising on
    rejection."""
    fast = structurer(Completion)
    mirror = bytes_structurer(Completion)
    assert fast is not None
    paths: dict[str, Any] = {
        "parse_datetime": parse_datetime,
        "general parser": _parse_general,
        "fast path (dicts)": lambda t: fast({**_BASE, "completed_at": t}).completed_at,
        "cattrs hooks": lambda t: (
            lms_schema.converter.structure({**_BASE, "completed_at": t}, Completion).completed_at
        ),
        "loads()": lambda t: (
            lms_schema.loads(orjson.dumps({**_BASE, "completed_at": t}), Completion).completed_at
        ),
        "query parameter": lambda t: CompletionQuery.parse({"started_at_from": t}).started_at_from,
        "normalize()": _via_normalize,
    }
    if mirror is not None:  # msgspec installed
        paths["msgspec mirror"] = lambda t: (
            mirror(orjson.dumps({**_BASE, "completed_at": t})).completed_at
        )
    return paths


def _via_normalize(text: str) -> datetime:
    result = normalize({**_BASE, "completed_at": text}, Completion)
    if result.errors:
        raise lms_schema.ValidationError(result.errors)
    assert result.fixes == ()
    assert result.value is not None
    value = result.value.completed_at
    assert isinstance(value, datetime)
    return value


PATHS = _paths()


def _outcome(path: str, text: str) -> datetime | None:
    try:
        value: datetime = PATHS[path](text)
    except Exception:  # noqa: BLE001 - ValidationError, FieldError, cattrs' group, declining
        return None
    return value


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("sign", ["+", "-"])
def test_every_offset_from_00_00_to_99_99(path: str, sign: str) -> None:
    accepted = []
    for hours in range(100):
        for minutes in range(100):
            offset = f"{sign}{hours:02d}:{minutes:02d}"
            for shape in _SHAPES if minutes in (0, 59, 60, 99) else _SHAPES[:1]:
                text = shape + offset
                got = _outcome(path, text)
                valid = hours <= 23 and minutes <= 59
                assert (got is not None) == valid, (path, text, got)
                if got is not None:
                    delta = timedelta(hours=hours, minutes=minutes)
                    assert got.utcoffset() == (delta if sign == "+" else -delta), text
                    assert got.replace(tzinfo=None) == datetime.fromisoformat(shape)
                    accepted.append(offset)
    assert len(set(accepted)) == 24 * 60


_ODD = [chr(c) for c in range(0x80)] + ["\u0660", "\uff11", "\u00b2", "\U0001d7ce", "\u2007"]


@pytest.mark.parametrize("path", list(PATHS))
def test_every_character_at_every_offset_position(path: str) -> None:
    base = "2025-08-01T10:00:00.123456+05:30"
    for position in range(len(base) - 6, len(base)):
        for char in _ODD:
            text = base[:position] + char + base[position + 1 :]
            try:
                expected: datetime | None = _parse_general(text)
            except ValueError:
                expected = None
            got = _outcome(path, text)
            assert got == expected, (path, text)
            if expected is not None:
                assert got is not None and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2015-05-13T15:16:00+10:60", "its offset +10:60 has minute 60 (00-59)"),
        ("2015-05-13T15:16:00+10:99", "its offset +10:99 has minute 99 (00-59)"),
        ("2015-05-13T15:16:00.5+01:75", "its offset +01:75 has minute 75 (00-59)"),
        ("2015-05-13T15:16:00-00:60", "its offset -00:60 has minute 60 (00-59)"),
        ("2015-05-13T15:16:00+24:00", "its offset +24:00 has hour 24 (00-23)"),
    ],
)
def test_offset_messages(text: str, message: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_datetime(text)
    assert info.value.code == "invalid_datetime"
    assert info.value.message == f"{text!r} is not an RFC 3339 date-time: {message}"
    report = lms_schema.validate({**_BASE, "completed_at": text}, Completion)
    assert [(i.path, i.code) for i in report.errors] == [("$.completed_at", "invalid_datetime")]


# -- leap seconds ---------------------------------------------------------------------------

LEAP = [
    "1998-12-31T23:59:60Z",
    "1998-12-31T23:59:60.123Z",
    "1998-12-31t23:59:60z",
    "1998-12-31T15:59:60.123-08:00",
    "1999-01-01T05:29:60+05:30",
    "2016-12-31T23:59:60+00:00",
    "2016-12-31T23:59:60",  # naive: read as UTC
]
NOT_LEAP = [
    "1998-12-31T23:58:60Z",  # the wrong minute
    "1998-12-31T22:59:60Z",  # the wrong hour
    "1998-12-31T23:59:60+01:00",  # 22:59:60 UTC
    "1998-12-31T23:59:61Z",
    "1998-02-30T23:59:60Z",  # an impossible date
]


@pytest.mark.parametrize("text", LEAP)
def test_leap_seconds_have_their_own_code(text: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_datetime(text)
    assert info.value.code == "leap_second"
    assert "Python's datetime cannot hold second 60" in info.value.message
    for path in PATHS:
        if path != "normalize()":
            assert _outcome(path, text) is None, path
    report = lms_schema.validate({**_BASE, "completed_at": text}, Completion)
    assert [(i.path, i.code) for i in report.errors] == [("$.completed_at", "leap_second")]
    with pytest.raises(lms_schema.ValidationError) as error:
        lms_schema.loads(orjson.dumps({**_BASE, "completed_at": text}), Completion)
    assert [i.code for i in error.value.issues] == ["leap_second"]


@pytest.mark.parametrize("text", NOT_LEAP)
def test_second_60_elsewhere_is_invalid_datetime(text: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_datetime(text)
    assert info.value.code == "invalid_datetime"
    result = normalize({**_BASE, "completed_at": text}, Completion)
    assert [i.code for i in result.errors] == ["invalid_datetime"]


@pytest.mark.parametrize("text", LEAP)
def test_normalize_maps_a_leap_second_to_the_last_microsecond_of_its_minute(text: str) -> None:
    result = normalize({**_BASE, "completed_at": text}, Completion)
    assert result.errors == ()
    after = leap_second_as_59(text)
    assert after is not None and after[17:26] == "59.999999"
    expected = parse_datetime(after)
    assert result.value is not None and result.value.completed_at == expected
    assert expected.second == 59 and expected.microsecond == 999_999
    assert [(f.path, f.rule, f.before) for f in result.fixes] == [
        ("$.completed_at", "datetime.leap_second", text)
    ]
    off = lms_schema.NormalizationPolicy(disabled={"datetime.leap_second"})
    result = normalize({**_BASE, "completed_at": text}, Completion, policy=off)
    assert [i.code for i in result.errors] == ["leap_second"]


def test_leap_second_as_59_is_none_for_other_texts() -> None:
    assert leap_second_as_59("1998-12-31T23:59:59Z") is None
    assert leap_second_as_59("not a date") is None
    assert leap_second_as_59("1998-12-31T23:59:60.999999999+05:30") == (
        "1998-12-31T23:59:59.999999+05:30"
    )


# -- offsets with seconds on output (audit defect 5) ------------------------------------------

BERLIN_1850 = datetime(1850, 1, 1, 12, tzinfo=ZoneInfo("Europe/Berlin"))  # +00:53:28


def _model() -> Completion:
    return lms_schema.structure({**_BASE, "completed_at": "2025-08-01T10:00:00Z"}, Completion)


@pytest.mark.parametrize(
    "when",
    [
        BERLIN_1850,
        BERLIN_1850.replace(microsecond=250_000),
        datetime(1850, 1, 1, 12, tzinfo=timezone(timedelta(minutes=53, seconds=28))),
        datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-3, microseconds=-1))),
        datetime(1880, 6, 1, tzinfo=ZoneInfo("America/New_York")),  # LMT -04:56:02
    ],
)
def test_offsets_with_seconds_are_written_in_utc_on_every_dump_path(when: datetime) -> None:
    model = attrs.evolve(_model(), completed_at=when, started_at=when)
    utc = when.astimezone(UTC)
    expected = utc.strftime("%Y-%m-%dT%H:%M:%S") + (
        f".{utc.microsecond:06d}".rstrip("0") if utc.microsecond else ""
    )
    expected += "Z"
    assert format_datetime(when) == expected
    fast_unstructure = unstructurer(Completion)
    fast_dump = dumper(Completion)
    wires = [
        lms_schema.unstructure(model),
        lms_schema.converter.unstructure(model),
        orjson.loads(lms_schema.dumps(model)),
    ]
    if fast_unstructure is not None:
        wires.append(fast_unstructure(model))
    if fast_dump is not None:
        wires.append(orjson.loads(orjson.dumps(fast_dump(model), option=DUMP_OPTIONS)))
    for wire in wires:
        assert wire["completed_at"] == expected
        assert wire["started_at"] == expected
        back = lms_schema.structure(wire, Completion)
        assert back.completed_at == when  # the same instant
    assert lms_schema.validate(lms_schema.unstructure(model), Completion).ok


def test_offsets_in_whole_minutes_keep_their_spelling() -> None:
    when = datetime(1900, 1, 1, 12, tzinfo=ZoneInfo("Europe/Berlin"))  # +01:00 by then
    assert format_datetime(when) == "1900-01-01T12:00:00+01:00"


def test_an_offset_with_seconds_at_the_edge_of_the_range_cannot_be_written() -> None:
    when = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(minutes=53, seconds=28)))
    with pytest.raises(ValueError, match="outside the years 1 to 9999"):
        format_datetime(when)
