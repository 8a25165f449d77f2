"""``validate_exchange``: one captured request/response pair of the LMS API, checked as a whole.

The URL path picks the endpoint (``/api/lms/v1/completions`` or ``.../completions/{id}``,
and so on for the fourteen GET endpoints), the query string is parsed with the endpoint's
query model, and the status picks the body model: 2xx the model (by id) or ``Page[model]``
(list), 422 :class:`~lms_schema.HTTPValidationError`, any other 4xx
:class:`~lms_schema.ErrorResponse`. The body is then validated with the request's
``expand``, ``include_raw_data`` and ``include_custom_fields`` applied.

Where problems are reported (the locations of a 422 ``loc`` for the request, JSONPaths for
the body): ``method``, ``url`` (unknown endpoint), ``path.id``, ``query.<name>``,
``header.<name>``, ``status`` and ``$...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from ._models.errorbodies import ErrorResponse, HTTPValidationError
from ._models.models import Page
from ._request.filters import filter_warnings
from ._request.lax import lax_uuid
from ._request.query import QUERIES, Query
from ._validate import validate
from ._values.absent import ABSENT
from ._values.ids import parse_uuid
from ._values.issues import Issue, Report
from ._values.jsonvalue import decode
from ._values.leaf import FieldError, json_type_name

__all__ = [
    "ENDPOINTS",
    "PREFIX",
    "REQUIRED_HEADERS",
    "Endpoint",
    "resolve",
    "url_path",
    "validate_exchange",
]

#: The path prefix of every LMS endpoint.
PREFIX = "/api/lms/v1/"


@attrs.frozen
class Endpoint:
    """One of the fourteen GET endpoints: its path template, model, query model, and the
    error statuses the API document lists for it."""

    path: str
    model: type
    query: type[Query]
    by_id: bool

    @property
    def statuses(self) -> tuple[int, ...]:
        """The documented statuses (404 only on the by-id endpoints)."""
        return (200, 401, 403, 404, 422, 429) if self.by_id else (200, 401, 403, 422, 429)

    def body_type(self, status: int) -> Any:
        """The model of a response body with this status, or None when it is not checked."""
        if 200 <= status < 300:
            return self.model if self.by_id else Page[self.model]  # type: ignore[name-defined]
        if status == 422:
            return HTTPValidationError
        if 400 <= status < 500:
            return ErrorResponse
        return None


def _collection(model: type) -> str:
    name = model.__name__.lower()
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


_COLLECTIONS: dict[str, tuple[Endpoint, Endpoint]] = {}
for _model, (_list, _by_id) in QUERIES.items():
    _name = _collection(_model)
    _COLLECTIONS[_name] = (
        Endpoint(PREFIX + _name, _model, _list, by_id=False),
        Endpoint(PREFIX + _name + "/{id}", _model, _by_id, by_id=True),
    )
del _model, _list, _by_id, _name

#: The fourteen endpoints: for each model its list and its by-id endpoint.
ENDPOINTS: tuple[Endpoint, ...] = tuple(e for pair in _COLLECTIONS.values() for e in pair)


def resolve(path: str) -> tuple[Endpoint, str | None] | None:
    """The endpoint of a URL path and the raw ``{id}`` segment (None on list endpoints), or
    None when the path is no LMS endpoint. The id is not checked here.

    >>> resolve("/api/lms/v1/users/42")[1]
    '42'
    """
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX) :].split("/")
    pair = _COLLECTIONS.get(parts[0])
    if pair is None or len(parts) > 2 or (len(parts) == 2 and not parts[1]):
        return None
    if len(parts) == 1:
        return pair[0], None
    return pair[1], parts[1]


def validate_exchange(
    method: str,
    url: str,
    status: int,
    body: Any,
    *,
    forbid_unknown_keys: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Report:
    """Check a captured exchange; return a :class:`~lms_schema.Report` (never raises for bad
    data).

    ``url`` is a full URL or a path with its query string. ``body`` is JSON text (``bytes``,
    ``bytearray``, ``memoryview`` or ``str``; a ``str`` is always read as JSON text) or an
    already decoded value (``dict``, ``list``, ...); :data:`~lms_schema.ABSENT` when the body
    is unknown (not recorded): then only the request and the status are checked::

        report = lms_schema.validate_exchange(
            "GET", "https://api.bindbee.dev/api/lms/v1/completions?expand=user",
            200, response_bytes)

    The request is read as Bindbee's server (FastAPI on pydantic v2) reads it. Its
    **errors** are what the server rejects with 422, coded with the ``type`` of that 422
    error (an ``{id}`` that is no UUID: ``uuid_parsing`` at ``path.id``; ``page_size=abc``:
    ``int_parsing``; ``page_size=500``: ``less_than_equal``; ``include_raw_data=maybe``:
    ``bool_parsing``): errors when the server answered 2xx (it should have rejected the
    request), warnings when it rejected it. Its **warnings** are what the server accepts and
    lms-schema explains: a spelling that is not canonical (``noncanonical_parameter``:
    ``page_size=050``, ``include_raw_data=yes``, a 32-hex ``{id}``), a repeated parameter (the
    server uses the last value: ``repeated_parameter``), an unknown parameter
    (``unknown_parameter``), and what lms-schema knows about the parameters the API document
    declares as plain strings (``expand`` names and grammar, UUID lists, date-times), with
    their likely effect. An ``expand`` that cannot be read (``invalid_expand``) leaves the
    response's expansions unchecked. ``docs/requests.md`` has the whole table.

    ``headers``, when given, are the request's headers (names in any case): a missing
    required header (``x-connector-token``) is ``missing`` at ``header.x-connector-token``,
    as in FastAPI's 422. Leave it None when the capture may have left headers out.

    An unknown endpoint or a method other than GET is one error, and nothing else is checked.
    Statuses the API document does not list are warnings, and so are the items of a valid
    page that contradict the request's filters (``filter_mismatch``). ``.value`` is the
    structured body when it is valid.
    """
    text_method = method.upper() if isinstance(method, str) else method
    if type(url) is not str:
        return Report(
            errors=(_error("url", "wrong_type", f"expected a string, got {json_type_name(url)}"),)
        )
    try:
        split = urlsplit(url)
    except ValueError as exc:  # such as an unbalanced '[' in the host
        return Report(
            errors=(_error("url", "unknown_endpoint", f"{_show(url)} is not a URL: {exc}"),)
        )
    path = unquote(split.path)
    found = resolve(path)
    if found is None:
        return Report(errors=(_unknown_endpoint(path),))
    endpoint, raw_id = found
    if text_method != "GET":
        return Report(
            errors=(
                _error(
                    "method",
                    "method_not_allowed",
                    f"{text_method!r} is not allowed on {endpoint.path}: the LMS API is "
                    "read-only (GET only)",
                ),
            )
        )
    if type(status) is not int:
        return Report(
            errors=(
                _error(
                    "status",
                    "wrong_type",
                    f"expected an integer HTTP status, got {json_type_name(status)}",
                ),
            )
        )

    request: list[Issue] = []
    if raw_id is not None:
        request.extend(_path_id_issues(raw_id))
    query, query_issues = endpoint.query.parse_issues(split.query)
    request.extend(query_issues)
    if headers is not None:
        request.extend(_header_issues(headers))

    errors: list[Issue] = []
    warnings: list[Issue] = []
    accepted = 200 <= status < 300
    for issue in request:
        if issue.severity == "error" and accepted:
            errors.append(issue)
        else:
            warnings.append(attrs.evolve(issue, severity="warning"))
    if status not in endpoint.statuses:
        warnings.append(
            Issue(
                "status",
                "undocumented_status",
                f"the API document lists no status {status} for {endpoint.path} "
                f"(it lists {', '.join(map(str, endpoint.statuses))})",
                severity="warning",
            )
        )
    cls = endpoint.body_type(status)
    if cls is None or body is ABSENT:
        return Report(errors=tuple(errors), warnings=tuple(warnings))

    if isinstance(body, bytes | bytearray | memoryview | str):
        text = body
        try:
            body = decode(body)
        except FieldError as exc:
            errors.append(_error("$", exc.code, exc.message))
            return Report(errors=tuple(errors), warnings=tuple(warnings))
        if type(body) is str:  # a JSON string: validate() would read a str as JSON text again
            body = text
    if accepted and query is not None:
        # an expand text lms-schema cannot fully read: the response's expansions are not checked
        unreadable = any(i.code == "invalid_expand" for i in query_issues)
        report = validate(
            body,
            cls,
            expand=None if unreadable else getattr(query, "expand", None),
            include_raw_data=query.include_raw_data,
            include_custom_fields=query.include_custom_fields,
            forbid_unknown_keys=forbid_unknown_keys,
        )
        errors.extend(_page_limit(body, query))
        if isinstance(report.value, Page):
            warnings.extend(filter_warnings(report.value, query))
    else:
        report = validate(body, cls, forbid_unknown_keys=forbid_unknown_keys)
    errors.extend(report.errors)
    warnings.extend(report.warnings)
    return Report(errors=tuple(errors), warnings=tuple(warnings), value=report.value)


#: The headers every LMS operation requires (the API document's header parameters).
REQUIRED_HEADERS: tuple[str, ...] = ("x-connector-token",)


def _header_issues(headers: Mapping[str, str]) -> list[Issue]:
    if not isinstance(headers, Mapping):
        return [
            _error(
                "header",
                "wrong_type",
                f"expected a mapping of header names to values, got {json_type_name(headers)}",
            )
        ]
    present = {str(name).lower() for name in headers}
    return [
        _error(f"header.{name}", "missing", f"the required header {name!r} is absent")
        for name in REQUIRED_HEADERS
        if name not in present
    ]


def _path_id_issues(raw_id: str) -> list[Issue]:
    """The ``{id}`` as FastAPI reads it (a ``UUID`` parameter): an error where it answers 422
    (``uuid_parsing``), a warning for a spelling it accepts that is not 8-4-4-4-12."""
    try:
        parse_uuid(raw_id)
    except FieldError:
        pass
    else:
        return []
    try:
        value = lax_uuid(raw_id)
    except FieldError as exc:
        return [_error("path.id", exc.code, exc.message)]
    return [
        Issue(
            "path.id",
            "noncanonical_parameter",
            f"{_show(raw_id)} is read as {value}; the canonical spelling is {value}",
            severity="warning",
        )
    ]


def url_path(url: str) -> str | None:
    """The decoded path of a URL, or None when it is not a URL."""
    try:
        return unquote(urlsplit(url).path)
    except ValueError:
        return None


def _show(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _error(path: str, code: str, message: str) -> Issue:
    return Issue(path, code, message)


def _unknown_endpoint(path: str) -> Issue:
    if not path.startswith(PREFIX):
        message = f"{path!r} is not an LMS endpoint (expected a path under {PREFIX})"
    else:
        message = (
            f"{path!r} is not an LMS endpoint (expected {PREFIX}<collection> or "
            f"{PREFIX}<collection>/<id> with a collection among {', '.join(_COLLECTIONS)})"
        )
    return _error("url", "unknown_endpoint", message)


def _page_limit(body: Any, query: Query) -> list[Issue]:
    requested = getattr(query, "page_size", None)
    items = body.get("items") if type(body) is dict else None
    if requested is None or type(items) is not list or len(items) <= requested:
        return []
    return [
        _error(
            "$.items",
            "page_too_large",
            f"the page has {len(items)} items but the request asked for at most {requested}",
        )
    ]
