"""The error bodies of the LMS endpoints.

* 422 (FastAPI request validation): :class:`HTTPValidationError`,
  ``{"detail": [{"loc": [...], "msg": "...", "type": "...", "input": ..., "ctx": {...}}]}``;
  each entry is an :class:`ErrorDetail` (the OpenAPI document calls it ``ValidationError``,
  a name this library already uses for its exception).
* 401, 403, 404 (by-id endpoints) and 429: :class:`ErrorResponse`, ``{"detail": "<string>"}``.

Note that ``detail`` is an array in the first and a string in the second. They are structured
by the same converter, with the same strict hooks, as the models::

    body = lms_schema.structure(payload, lms_schema.HTTPValidationError)
    body.detail[0].loc          # ['query', 'page_size']
"""

from __future__ import annotations

import attrs

from .._values.absent import ABSENT, Absent, JSONObject

__all__ = ["ERROR_BODIES", "ErrorDetail", "ErrorResponse", "HTTPValidationError"]


@attrs.frozen(kw_only=True)
class ErrorDetail:
    """One entry of a 422 body: where (``loc``), what (``msg``), the error ``type``, and
    optionally the rejected ``input`` (any JSON value, null included) and a ``ctx`` object.

    ``loc`` starts with where the value was (``"query"``, ``"path"``, ``"header"``,
    ``"body"``) followed by keys and indexes: ``["query", "page_size"]``.
    """

    loc: list[str | int]
    msg: str
    type: str
    input: object | Absent = ABSENT
    ctx: JSONObject | Absent = ABSENT


@attrs.frozen(kw_only=True)
class HTTPValidationError:
    """The 422 body. ``detail`` is required here although the OpenAPI schema does not list it
    as required: FastAPI always sends it, and a 422 without it says nothing."""

    detail: list[ErrorDetail]


@attrs.frozen(kw_only=True)
class ErrorResponse:
    """The 401/403/404/429 body: ``{"detail": "<string>"}``."""

    detail: str


#: The error body classes, structured and unstructured by the same hooks as the models.
ERROR_BODIES: tuple[type, ...] = (ErrorDetail, HTTPValidationError, ErrorResponse)

for _cls in ERROR_BODIES:
    attrs.resolve_types(_cls)
del _cls
