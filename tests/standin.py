"""A FastAPI stand-in for Bindbee's LMS API, built from the published OpenAPI document.

Bindbee's API is a FastAPI application on pydantic v2 (its document is what FastAPI
generates: OpenAPI 3.1, ``anyOf`` with null, 422 ``HTTPValidationError``). This module
declares every parameter of the fourteen GET operations the way FastAPI needs to generate
exactly the published parameter objects, so the stand-in reads a request as the real server
does. Each endpoint answers 200 with the values it received (UUIDs as text)::

    from fastapi.testclient import TestClient
    client = TestClient(app())
    client.get("/api/lms/v1/users?page_size=%205", headers=HEADERS).json()
    # {'page_size': 5, 'ids': None, ...}

It is the oracle of tests/test_server.py; it needs ``fastapi`` and ``httpx`` (the ``test``
extra).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Header, Query
from fastapi import Path as PathParam

DOCUMENT = Path(__file__).parent / "data" / "bindbee-openapi-lms.json"
HEADERS = {"x-connector-token": "token"}


def openapi() -> dict[str, Any]:
    """The published document."""
    return json.loads(DOCUMENT.read_text())  # type: ignore[no-any-return]


_TYPES: dict[str, Any] = {"boolean": bool, "integer": int, "string": str}


def _annotation(parameter: dict[str, Any]) -> tuple[Any, Any]:
    """(annotation, default) of one published parameter object."""
    schema = parameter["schema"]
    name = parameter["name"]
    extra: dict[str, Any] = {}
    for key in ("description", "examples"):
        if key in schema:
            extra[key] = schema[key]
    if "title" in schema:
        extra["title"] = schema["title"]
    if parameter["in"] == "path":
        tp = UUID if schema.get("format") == "uuid" else _TYPES[schema["type"]]
        return Annotated[tp, PathParam(**extra)], inspect.Parameter.empty
    if parameter["in"] == "header":
        return Annotated[str, Header(alias=name, **extra)], inspect.Parameter.empty
    if "anyOf" in schema:
        (member,) = (m for m in schema["anyOf"] if m != {"type": "null"})
        tp = _TYPES[member["type"]] | None
        default = None
    else:
        tp = _TYPES[schema["type"]]
        default = schema["default"]
        for key, bound in (("minimum", "ge"), ("maximum", "le")):
            if key in schema:
                extra[bound] = schema[key]
    return Annotated[tp, Query(**extra)], default


def _identifier(name: str) -> str:
    return name.replace("-", "_")


def _endpoint(parameters: list[dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    names = [(p["name"], _identifier(p["name"])) for p in parameters if p["in"] != "header"]

    def endpoint(**kwargs: Any) -> dict[str, Any]:
        return {
            name: str(kwargs[ident]) if isinstance(kwargs[ident], UUID) else kwargs[ident]
            for name, ident in names
        }

    signature = []
    for parameter in parameters:
        annotation, default = _annotation(parameter)
        signature.append(
            inspect.Parameter(
                _identifier(parameter["name"]),
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=annotation,
            )
        )
    endpoint.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    return endpoint


@cache
def app() -> FastAPI:
    """The stand-in application (built once)."""
    document = openapi()
    application = FastAPI(title=document["info"]["title"], version=document["info"]["version"])
    for path, item in document["paths"].items():
        operation = item["get"]
        application.add_api_route(
            path,
            _endpoint(operation["parameters"]),
            methods=["GET"],
            operation_id=operation["operationId"],
        )
    return application
