"""How Bindbee's server reads typed query-string and path text: pydantic v2 in lax mode.

Bindbee's API is a FastAPI application; FastAPI hands each query parameter's text (the last
one, when a name is repeated) to pydantic, which converts it in *lax* mode. These functions
accept exactly the texts pydantic-core accepts, give the same values, and raise a
:class:`~lms_schema._values.leaf.FieldError` whose code is the ``type`` of FastAPI's 422 error
(``int_parsing``, ``int_parsing_size``, ``bool_parsing``, ``uuid_parsing``)::

    >>> from lms_schema._request.lax import lax_bool, lax_int, lax_uuid
    >>> lax_int(" 5"), lax_int("100.0"), lax_int("5_0"), lax_int("00050")
    (5, 100, 50, 50)
    >>> lax_bool("yes"), lax_bool("OFF")
    (True, False)
    >>> lax_uuid("{018b18ef-c487-703c-afd9-0ca478ccd9d6}")
    UUID('018b18ef-c487-703c-afd9-0ca478ccd9d6')

The rules (pydantic-core ``str_as_int``, ``str_as_bool``; the ``uuid`` crate for UUIDs):

* integers: the text as a JSON integer; failing that, with Unicode whitespace trimmed, one
  leading ``+`` dropped, leading zeros dropped (underscores among them too), a fraction of
  only zeros (``.0``, ``.000``) dropped and single underscores between digits removed, read
  again as a JSON integer. A first reading whose digit run (without its ``-``) is longer than
  4300 digits is ``int_parsing_size``.
* booleans: ``0``, ``f``, ``n``, ``no``, ``off``, ``false`` / ``1``, ``t``, ``y``, ``on``,
  ``yes``, ``true``, letters in any ASCII case; nothing trimmed.
* UUIDs: 32 hex digits, 8-4-4-4-12 hex, the latter in braces or after ``urn:uuid:`` (lower
  case); hex digits in any case; nothing trimmed.
"""

from __future__ import annotations

import re
from typing import Final
from uuid import UUID

from .._values.leaf import FieldError

__all__ = ["lax_bool", "lax_int", "lax_uuid"]

#: What Rust's ``str::trim`` removes: the Unicode White_Space characters.
_WHITESPACE: Final = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_JSON_INT: Final = re.compile(r"-?(?:0|[1-9][0-9]*)").fullmatch
_DIGIT_RUN: Final = re.compile(r"-?[1-9][0-9]*").match
#: The most digits pydantic reads in an integer (CPython's int_max_str_digits; since
#: pydantic-core 2.50 a leading ``-`` does not count).
_MAX_DIGITS: Final = 4300

_FALSE: Final = frozenset({"0", "f", "n", "no", "off", "false"})
_TRUE: Final = frozenset({"1", "t", "y", "on", "yes", "true"})

_HEX = "[0-9a-fA-F]"
_HYPHENATED = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_UUID: Final = re.compile(
    rf"{_HEX}{{32}}|{_HYPHENATED}|\{{{_HYPHENATED}\}}|urn:uuid:{_HYPHENATED}"
).fullmatch


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _json_int(text: str) -> int | None:
    if _JSON_INT(text) is None or len(text) - text.startswith("-") > _MAX_DIGITS:
        return None
    return int(text)


def _strip_leading_zeros(text: str) -> str | None:
    """pydantic-core's ``strip_leading_zeros``: None when the text cannot be a number."""
    if not text:
        return None
    first = text[0]
    if first != "0":
        return text if first in "123456789-" else None
    for index in range(1, len(text)):
        char = text[index]
        if char in "0_":
            continue
        if char in "123456789-":
            return text[index:]
        if char == ".":
            return text[index - 1 :]
        return None
    return text[-1:]


def _strip_underscores(text: str) -> str | None:
    if text.startswith("_") or text.endswith("_") or "_" not in text or "__" in text:
        return None
    return text.replace("_", "")


def _clean(text: str) -> str | None:
    """pydantic-core's ``clean_int_str``: the text to read again, or None."""
    before = len(text)
    text = text.strip(_WHITESPACE)
    if text.startswith("+"):
        if text.startswith("+-"):
            return None
        text = text[1:]
    sign = ""
    if text.startswith("-"):
        if text.startswith(("--", "-+")):
            return None
        sign = "-"
        text = text[1:]
    stripped = _strip_leading_zeros(text)
    if stripped is None:
        return None
    text = stripped
    point = text.find(".")
    if point >= 0:
        fraction = text[point + 1 :]
        if fraction and fraction.strip("0") == "":
            text = text[:point]
    joined = _strip_underscores(text)
    if joined is not None:
        return sign + joined
    if len(text) == before:
        return None
    return sign + text


def lax_int(text: str) -> int:
    """The integer pydantic reads from query-string text; raises ``FieldError``
    (``int_parsing_size`` or ``int_parsing``)."""
    value = _json_int(text)
    if value is not None:
        return value
    run = _DIGIT_RUN(text)
    if run is not None and run.end() - text.startswith("-") > _MAX_DIGITS:
        raise FieldError(
            "int_parsing_size",
            f"expected an integer of at most {_MAX_DIGITS} digits, got {_show(text)}",
        )
    cleaned = _clean(text)
    value = None if cleaned is None else _json_int(cleaned)
    if value is None:
        raise FieldError("int_parsing", f"expected an integer, got {_show(text)}")
    return value


def lax_bool(text: str) -> bool:
    """The boolean pydantic reads from query-string text; raises ``FieldError``
    (``bool_parsing``)."""
    folded = text.lower() if text.isascii() else text
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise FieldError(
        "bool_parsing",
        f"expected a boolean (true or false; the server also reads 1/0, yes/no, on/off, "
        f"y/n, t/f in any case), got {_show(text)}",
    )


def lax_uuid(text: str) -> UUID:
    """The UUID pydantic reads from text; raises ``FieldError`` (``uuid_parsing``)."""
    if not text.isascii() or _UUID(text) is None:
        raise FieldError(
            "uuid_parsing",
            f"{_show(text)} is not a UUID (expected 8-4-4-4-12 hex)",
        )
    return UUID(text.removeprefix("urn:uuid:").strip("{}"))
