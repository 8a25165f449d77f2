"""Date-times: RFC 3339 text -> aware :class:`datetime.datetime`, and back.

A date-time without an offset is read as UTC (``validate()`` warns about it). Date-only
values, impossible dates, leap second 60, offsets of 24 hours or more and anything else that
is not RFC 3339 are errors. Fractions finer than a microsecond are truncated.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .leaf import FieldError, json_type_name

__all__ = ["format_datetime", "is_naive_text", "parse_datetime"]

_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_match = _RFC3339.fullmatch
# The shapes nearly all date-times have: upper-case T and Z, a fraction of 3 or 6 digits or
# none, an offset. For these ``datetime.fromisoformat`` alone gives the right value.
_common = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
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
    try:
        parsed = _fromisoformat(text)
    except ValueError as exc:
        raise FieldError(
            "invalid_datetime", f"{_show(value)} is not a valid date-time: {exc}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def is_naive_text(value: str) -> bool:
    """True when an RFC 3339-shaped string has no offset (it will be read as UTC)."""
    m = _match(value)
    return m is not None and m.group("offset") is None


def format_datetime(value: datetime) -> str:
    """RFC 3339 with ``Z`` for UTC, the original offset otherwise, a fraction only when non-zero.

    >>> format_datetime(parse_datetime("2025-08-01T10:00:00Z"))
    '2025-08-01T10:00:00Z'
    """
    offset = value.utcoffset()
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


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
