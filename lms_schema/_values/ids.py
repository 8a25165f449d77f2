"""Ids: canonical 8-4-4-4-12 UUID text, either case, any version -> :class:`uuid.UUID`."""

from __future__ import annotations

import re
import uuid
from functools import lru_cache

from .leaf import FieldError, json_type_name

__all__ = ["format_uuid", "parse_uuid"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_match = _UUID.fullmatch
_new = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown
_UUIDType = uuid.UUID


@lru_cache(maxsize=8192)
def _parse_str(text: str) -> uuid.UUID:
    if _match(text) is None:
        raise FieldError("invalid_uuid", f"{_show(text)} is not a UUID (expected 8-4-4-4-12 hex)")
    # Equivalent to uuid.UUID(text), without re-validating what the pattern just checked.
    value = _new(_UUIDType)
    _set(value, "int", int(text.replace("-", ""), 16))
    _set(value, "is_safe", _UNKNOWN)
    return value


def parse_uuid(value: object) -> uuid.UUID:
    """Parse a canonical UUID string; braces, ``urn:uuid:``, 32 bare hex digits are errors.

    >>> parse_uuid("3C90C3CC-0D44-4B50-8888-8DD25736052A")
    UUID('3c90c3cc-0d44-4b50-8888-8dd25736052a')
    """
    if type(value) is not str:
        raise FieldError("wrong_type", f"expected a UUID string, got {json_type_name(value)}")
    return _parse_str(value)


def format_uuid(value: uuid.UUID) -> str:
    """Lower-case canonical text."""
    return str(value)


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
