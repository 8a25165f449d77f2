"""``openapi()``: an OpenAPI 3.1 document of the fourteen LMS endpoints that tells the truth.

Same paths, operation ids and parameter names as Bindbee's published document, so a tool
pointed at the API can take this one instead; the parameters carry their real constraints and
every response body is :func:`~lms_schema.json_schema` of its model::

    doc = lms_schema.openapi()
    doc["paths"]["/api/lms/v1/completions"]["get"]["operationId"]
    # 'get_lms_completions_api_lms_v1_completions_get'

The endpoints, their query models and the body model of each status come from
:data:`lms_schema._exchange.ENDPOINTS`, the parameters from the query models' fields (which
are no model fields: :func:`_parameter_schema` reads their few types itself).
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from types import NoneType
from typing import Any, Final, get_args, get_origin
from uuid import UUID

import attrs

from .._exchange import ENDPOINTS, Endpoint
from .._models.fields import is_page, union_args
from .._request.expand import Expand
from .._request.query import Query
from .._values.enums import OpenEnum
from .grammars import DATETIME_PATTERN, NO_NEWLINE, UUID_LIST_PATTERN, UUID_PATTERN, expand_pattern
from .jsonschema import json_schema

__all__ = ["openapi"]

_SERVERS: Final = ("https://api.bindbee.dev", "https://api-eu.bindbee.dev")
_STATUS_TEXT: Final = {
    200: "Successful Response",
    401: "Missing or invalid bearer authentication credentials.",
    403: "The credentials are valid but do not permit access to this resource.",
    404: "The requested resource was not found.",
    422: "Validation Error: a path or query parameter was rejected.",
    429: "Rate limit exceeded.",
}
_CONNECTOR_TOKEN: Final = {
    "name": "x-connector-token",
    "in": "header",
    "required": True,
    "description": "The connector token of the linked LMS account.",
    "schema": {"type": "string", "title": "X-Connector-Token"},
}


def _component_name(cls: Any) -> str:
    if is_page(cls):
        return f"Page_{get_args(cls)[0].__name__}_"
    return str(cls.__name__)


def _rewrite(node: Any) -> Any:
    """``#/$defs/X`` -> ``#/components/schemas/X`` everywhere in a schema."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", "#/components/schemas/")
                if key == "$ref" and isinstance(value, str)
                else _rewrite(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


def _add_component(components: dict[str, Any], cls: Any) -> dict[str, str]:
    """Put ``json_schema(cls)`` and its ``$defs`` into ``components``; a ``$ref`` to it."""
    schema = json_schema(cls)
    defs = schema.pop("$defs")
    schema.pop("$schema")
    name = _component_name(cls)
    if list(schema) == ["title", "description", "$ref"] and schema["$ref"] == f"#/$defs/{name}":
        schema = defs.pop(name)
    for key, value in {**defs, name: schema}.items():
        value = _rewrite(value)
        if components.setdefault(key, value) != value:  # pragma: no cover - a name clash
            raise AssertionError(f"two different schemas are called {key!r}")
    return {"$ref": f"#/components/schemas/{name}"}


def _pattern(pattern: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "not": dict(NO_NEWLINE), **extra}


def _parameter_schema(query: type[Query], field: attrs.Attribute[Any]) -> dict[str, Any]:
    """The schema of one query parameter, from the query model's field: a flag, an integer
    with bounds in its metadata (``page_size``), a date-time, ``expand``, an open enum, a
    string, or a comma-separated tuple of UUIDs or strings (``None`` is the default of the
    filters, not a value on the wire)."""
    (tp,) = (m for m in union_args(field.type) or (field.type,) if m is not NoneType)
    many = get_origin(tp) is tuple
    element = get_args(tp)[0] if many else tp
    if tp is bool:
        return {"type": "boolean", "default": field.default}
    if tp is int:
        return {
            "type": "integer",
            "minimum": field.metadata["minimum"],
            "maximum": field.metadata["maximum"],
            "default": field.default,
        }
    if tp is datetime:
        return _pattern(
            DATETIME_PATTERN,
            description="RFC 3339 date-time; without an offset it is read as UTC.",
        )
    if tp is Expand:
        pattern = expand_pattern(query.model)
        assert pattern is not None
        return _pattern(
            pattern,
            description="Relations to expand, comma separated without spaces, each with an "
            "optional field selection in brackets: `user[first_name,last_name],course`. "
            "Each relation and each field at most once (not expressed by the pattern).",
        )
    if isinstance(tp, type) and issubclass(tp, OpenEnum):
        known = [str(m) for m in tp.members()]
        return {
            "type": "string",
            "examples": known,
            "description": f"{', '.join(known)} or any value the connector returns.",
        }
    if many and element is UUID:
        return _pattern(UUID_LIST_PATTERN, description="Comma-separated UUIDs.")
    if many and element is str:
        return {
            "type": "string",
            "pattern": "^[^,]+(?:,[^,]+)*$",
            "description": "Comma-separated values, none empty.",
        }
    if tp is str:
        return {"type": "string"}
    raise TypeError(f"{query.__name__}.{field.name}: no parameter schema for {tp!r}")


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if endpoint.by_id:
        out.append(
            {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": _pattern(UUID_PATTERN, format="uuid", title="Id"),
            }
        )
    for field in attrs.fields(endpoint.query):
        schema = _parameter_schema(endpoint.query, field)
        description = schema.pop("description", None)
        parameter: dict[str, Any] = {
            "name": field.name,
            "in": "query",
            "required": False,
            "schema": {**schema, "title": field.name.replace("_", " ").title()},
        }
        if description:
            parameter["description"] = description
        out.append(parameter)
    out.append(dict(_CONNECTOR_TOKEN))
    return out


def _operation_id(endpoint: Endpoint) -> str:
    """FastAPI's id: the handler's name, then the path and the method, non-word characters
    as ``_`` (``get_lms_user_by_id_api_lms_v1_users__id__get``)."""
    model = endpoint.model.__name__.lower()
    collection = endpoint.path.split("/")[4]
    handler = f"get_lms_{model}_by_id" if endpoint.by_id else f"get_lms_{collection}"
    return re.sub(r"\W", "_", f"{handler}{endpoint.path}") + "_get"


def openapi() -> dict[str, Any]:
    """An OpenAPI 3.1 document of the fourteen LMS endpoints: the published paths, operation
    ids and parameter names, with the real constraints (``page_size`` 1..200, ``expand`` and
    the UUID lists as patterns, booleans, the path ``id`` a UUID) and every response body
    (200: the model or its page; 422: ``HTTPValidationError``; 401, 403, 404, 429:
    ``ErrorResponse``) from :func:`~lms_schema.json_schema`. A new dict on every call."""
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        collection = endpoint.path.split("/")[4]
        name = endpoint.model.__name__
        responses = {}
        for status in endpoint.statuses:
            body = endpoint.body_type(status)
            responses[str(status)] = {
                "description": _STATUS_TEXT[status],
                "content": {"application/json": {"schema": _add_component(components, body)}},
            }
        summary = f"Get Lms {name} By Id" if endpoint.by_id else f"Get Lms {collection.title()}"
        paths[endpoint.path] = {
            "get": {
                "tags": [collection.title()],
                "summary": summary,
                "description": (
                    f"Returns an LMS {name} object with the given id."
                    if endpoint.by_id
                    else f"Returns a list of LMS {name} objects."
                ),
                "operationId": _operation_id(endpoint),
                "security": [{"HTTPBearer": []}],
                "parameters": _parameters(endpoint),
                "responses": responses,
            }
        }
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {
                "title": "Bindbee LMS API (lms-schema's corrected document)",
                "version": "1",
                "description": "The fourteen LMS endpoints as lms-schema checks them: open "
                "enums, nullable grades and statuses, exact patterns for UUIDs, date-times and "
                "durations, relations as a UUID or an expanded object. Rules no schema can say "
                "are listed in each schema's description.",
            },
            "servers": [{"url": url} for url in _SERVERS],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(components.items())),
                "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
            },
        }
    )
