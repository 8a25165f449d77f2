"""Leaf values: the lowest layer, importing nothing else of lms_schema.

``absent`` (the ABSENT sentinel, ``JSONObject``), ``leaf`` (``FieldError``, the error a leaf
parser raises), ``issues`` (``Issue``, ``Report``, ``ValidationError``, ``CODES``), and one
module per kind of value with its strict parser and canonical writer: ``ids`` (UUIDs),
``datetimes`` (RFC 3339), ``durations`` (ISO 8601-1), ``enums`` (open enums), ``jsonvalue``
(verbatim JSON objects, the JSON codec) and ``locales`` (the API document's locale codes)::

    from lms_schema._values.ids import parse_uuid
    parse_uuid("3C90C3CC-0D44-4B50-8888-8DD25736052A")
"""

from __future__ import annotations

from .datetimes import _common as match_common_datetime
from .ids import _match as match_uuid_text
from .ids import _parse_str as parse_uuid_text

#: What other layers use of this one beyond each module's ``__all__``: the shape tests and
#: the uncached UUID parser the generated fast paths inline.
__all__ = ["match_common_datetime", "match_uuid_text", "parse_uuid_text"]
