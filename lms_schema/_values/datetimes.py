"""Date-times: RFC 3339 text -> aware :class:`datetime.datetime`, and back.

A date-time without an offset is read as UTC (``validate()`` warns about it). Date-only
values, impossible dates, offsets with hours past 23 or minutes past 59 and anything else
that is not RFC 3339 are errors (``invalid_datetime``). Fractions finer than a microsecond
are truncated.

A leap second (``1998-12-31T23:59:60Z``, second 60 at 23:59 UTC) is valid RFC 3339 but
:class:`datetime.datetime` cannot hold it, so it is an error of its own, ``leap_second``;
``normalize()`` maps it to second ``59.999999`` of the same minute (rule
``datetime.leap_second``, see :func:`leap_second_as_59`). Second 60 anywhere else is
``invalid_datetime``.

Offsets are read in one place, :data:`OFFSET` and :func:`_check_offset`: the shortcut for
common shapes (also inlined by the generated fast paths) matches only offsets with hours
00-23 and minutes 00-59, everything else goes through the general parser, which explains.

On output, an offset that is not a whole number of minutes (historic zones: Europe/Berlin
before 1893 is +00:53:28) cannot be written in RFC 3339, so such a date-time is written in
UTC, at the same instant:

>>> from zoneinfo import ZoneInfo
>>> format_datetime(datetime(1850, 1, 1, 12, tzinfo=ZoneInfo("Europe/Berlin")))
'1850-01-01T11:06:32Z'
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal

import orjson

from .leaf import FieldError, json_type_name

_dumps = orjson.dumps
_UTC_Z = orjson.OPT_UTC_Z

__all__ = [
    "OFFSET",
    "format_datetime",
    "is_naive_text",
    "leap_second_as_59",
    "local_time_kind",
    "parse_datetime",
]

#: RFC 3339 ``time-numoffset`` (and ``Z``): hours 00-23, minutes 00-59.
OFFSET = r"Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]"

# The shape of every RFC 3339 date-time (the offset's digits are checked by _check_offset,
# which says what is wrong with them).
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:(?P<second>[0-9]{2})(?:\.[0-9]+)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_match = _RFC3339.fullmatch
# The shapes nearly all date-times have: upper-case T and Z, a fraction of 3 or 6 digits or
# none, a valid offset. For these ``datetime.fromisoformat`` alone gives the right value.
_common = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?"
    rf"(?:{OFFSET})"
).fullmatch
_fromisoformat = datetime.fromisoformat
_ZERO = timedelta(0)


def parse_datetime(value: object) -> datetime:
    """Parse an RFC 3339 date-time; no offset means UTC.

    >>> parse_datetime("2025-08-01T10:00:00Z")
    datetime.datetime(2025, 8, 1, 10, 0, tzinfo=datetime.timezone.utc)
    """
    if type(value) is not str:
        raise FieldError("wrong_type", f"expected a date-time string, got {json_type_name(value)}")
    if _common(value) is not None:
        try:
            return _fromisoformat(value)
        except ValueError:
            pass  # an impossible date or offset: explained below
    return _parse_general(value)


def _parse_general(value: str) -> datetime:
    """Every RFC 3339 shape (``parse_datetime`` minus its shortcut for the common ones)."""
    m = _match(value)
    if m is None:
        raise FieldError(
            "invalid_datetime",
            f"{_show(value)} is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)",
        )
    offset = m.group("offset")
    if offset is not None and len(offset) == 6:
        _check_offset(value, offset)
    text = value
    if text[10] != "T" or text[-1] == "z":
        text = text[:10] + "T" + text[11:-1] + text[-1].upper()
    frac = text.find(".")
    if frac != -1:
        # fromisoformat accepts 1..6 (3.11) or more digits inconsistently: truncate to 6 here.
        end = frac + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        digits = text[frac + 1 : end][:6]
        text = text[: frac + 1] + digits.ljust(6, "0") + text[end:]
    if m.group("second") == "60":
        _leap_second(value, text)
    try:
        parsed = _fromisoformat(text)
    except ValueError as exc:
        raise FieldError(
            "invalid_datetime", f"{_show(value)} is not a valid date-time: {exc}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _check_offset(value: str, offset: str) -> None:
    """The one check of a numeric offset's digits (``+hh:mm``): RFC 3339 ``time-numoffset``."""
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if minutes > 59 or hours > 23:
        part = f"minute {offset[4:6]} (00-59)" if minutes > 59 else f"hour {offset[1:3]} (00-23)"
        raise FieldError(
            "invalid_datetime",
            f"{_show(value)} is not an RFC 3339 date-time: its offset {offset} has {part}",
        )


def _leap_second(value: str, text: str) -> None:
    """Second 60: ``leap_second`` when it is 23:59:60 in UTC, else ``invalid_datetime``
    (raises either way)."""
    try:
        at59 = _fromisoformat(text[:17] + "59" + text[19:])
    except ValueError as exc:
        raise FieldError(
            "invalid_datetime", f"{_show(value)} is not a valid date-time: {exc}"
        ) from None
    offset = at59.utcoffset() or _ZERO
    minute = (at59.hour * 60 + at59.minute - int(offset.total_seconds()) // 60) % 1440
    if minute != 1439:
        raise FieldError(
            "invalid_datetime",
            f"{_show(value)} is not a valid date-time: second 60 is a leap second only at "
            "23:59 UTC",
        )
    raise FieldError(
        "leap_second",
        f"{_show(value)} is a leap second: valid RFC 3339, but Python's datetime cannot hold "
        "second 60 (normalize() reads it as second 59.999999 of the same minute)",
    )


def leap_second_as_59(text: str) -> str | None:
    """``text`` with second 60 written ``59.999999`` (any fraction dropped), when ``text``
    is an RFC 3339 date-time whose second is 60; None otherwise. The same minute, the last
    instant ``datetime`` can hold in it.

    >>> leap_second_as_59("1998-12-31T23:59:60.5Z")
    '1998-12-31T23:59:59.999999Z'
    """
    m = _match(text)
    if m is None or m.group("second") != "60":
        return None
    offset = m.group("offset") or ""
    return text[:17] + "59.999999" + offset


def local_time_kind(naive: datetime, zone: tzinfo) -> Literal["ok", "gap", "fold"]:
    """Whether the wall-clock time ``naive`` exists once in ``zone`` (``"ok"``), not at all
    (``"gap"``: the clocks were put forward over it) or twice (``"fold"``: put back over it).

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> days = [(3, 30), (10, 26), (8, 1)]
    >>> [local_time_kind(datetime(2025, m, d, 2, 30), berlin) for m, d in days]
    ['gap', 'fold', 'ok']
    """
    first = naive.replace(tzinfo=zone, fold=0)
    if first.utcoffset() == naive.replace(tzinfo=zone, fold=1).utcoffset():
        return "ok"
    try:
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # at the ends of datetime's range: no known zone changes there
        return "ok"
    return "fold" if back == naive else "gap"


def is_naive_text(value: str) -> bool:
    """True when an RFC 3339-shaped string has no offset (it will be read as UTC)."""
    m = _match(value)
    return m is not None and m.group("offset") is None


def format_datetime(value: datetime) -> str:
    """RFC 3339 with ``Z`` for UTC, the original offset otherwise, a fraction only when non-zero.

    >>> format_datetime(parse_datetime("2025-08-01T10:00:00Z"))
    '2025-08-01T10:00:00Z'
    """
    zone = value.tzinfo
    if type(value) is datetime:  # orjson writes the same text as below in a third of the time
        if zone is UTC:
            text = _dumps(value, option=_UTC_Z)[1:-1].decode()
            if value.microsecond:
                return text[:-1].rstrip("0") + "Z"
            return text
        if type(zone) is timezone:
            whole = zone.utcoffset(None)
            if not (whole.seconds % 60 or whole.microseconds):
                text = _dumps(value)[1:-1].decode()  # YYYY-MM-DDThh:mm:ss.ffffff+hh:mm
                return text[:26].rstrip("0") + text[26:] if value.microsecond else text
    offset = value.utcoffset()
    if offset is not None and offset % _MINUTE:
        value = _in_utc(value)
        offset = None
    if value.microsecond:
        body = value.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0")
    else:
        body = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.year < 1000:  # strftime does not zero-pad years on every platform
        body = f"{value.year:04d}" + body[body.index("-") :]
    if offset is None or offset == _ZERO:
        return body + "Z"
    sign = "+" if offset > _ZERO else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{body}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_MINUTE = timedelta(minutes=1)


def _in_utc(value: datetime) -> datetime:
    """A date-time whose offset RFC 3339 cannot write (it has seconds), at the same instant
    in UTC."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"{value!r} cannot be written in RFC 3339: its offset {value.utcoffset()} has "
            "seconds and the same instant in UTC is outside the years 1 to 9999"
        ) from None


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
