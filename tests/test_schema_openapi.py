"""``lms_schema.openapi()``: the published document's paths, operation ids and parameter names
with the real constraints, and Schemathesis run against a local server with it.

The server (127.0.0.1, port 0, a daemon thread, shut down by the fixture) answers the fourteen
endpoints: it resolves the path, rejects a bad ``id`` or query with a 422 body, and otherwise
sends the body the test drew for that request from ``strategies.payloads`` with the request's
``expand`` and ``include_*`` flags (Hypothesis draws cannot happen in the server's thread, so
the test parses the request it is about to send and draws first). Schemathesis generates the
requests from ``openapi()`` and checks each response; with ``invalid_payloads`` bodies its
response-conformance check must fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_schema import field_at

import lms_schema
from lms_schema import Page, ValidationError, strategies
from lms_schema._exchange import ENDPOINTS, Endpoint, resolve
from lms_schema._schema.inexpressible import inexpressible_rule
from lms_schema._values.ids import parse_uuid
from lms_schema._values.leaf import FieldError

PUBLISHED = json.loads((Path(__file__).parent / "data" / "bindbee-openapi-lms.json").read_text())
DOCUMENT = lms_schema.openapi()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# -- the document ----------------------------------------------------------------------------


def test_same_paths_operation_ids_parameters_and_statuses() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    assert sorted(DOCUMENT["paths"]) == sorted(PUBLISHED["paths"])
    for path, item in PUBLISHED["paths"].items():
        ours, theirs = DOCUMENT["paths"][path]["get"], item["get"]
        assert ours["operationId"] == theirs["operationId"]
        assert {(p["name"], p["in"], p["required"]) for p in ours["parameters"]} == {
            (p["name"], p["in"], p["required"]) for p in theirs["parameters"]
        }, path
        assert set(ours["responses"]) == set(theirs["responses"])
        assert ours["security"] == theirs["security"]


def _parameter(path: str, name: str) -> dict[str, Any]:
    (found,) = (p for p in DOCUMENT["paths"][path]["get"]["parameters"] if p["name"] == name)
    assert isinstance(found, dict)
    return found


def _check(schema: dict[str, Any], value: Any) -> bool:
    return bool(jsonschema.Draft202012Validator(schema).is_valid(value))


def test_parameters_carry_the_real_constraints() -> None:
    page_size = _parameter("/api/lms/v1/completions", "page_size")["schema"]
    assert (page_size["type"], page_size["minimum"], page_size["maximum"]) == ("integer", 1, 200)
    assert page_size["default"] == 50
    flag = _parameter("/api/lms/v1/users/{id}", "include_raw_data")["schema"]
    assert (flag["type"], flag["default"]) == ("boolean", False)
    ident = _parameter("/api/lms/v1/users/{id}", "id")["schema"]
    assert _check(ident, "018B18EF-C487-703C-AFD9-0CA478CCD9D6")
    assert not _check(ident, "{018b18ef-c487-703c-afd9-0ca478ccd9d6}")
    expand = _parameter("/api/lms/v1/completions", "expand")["schema"]
    for good in ["", "user", "user[first_name,last_name],course", "content[id]"]:
        assert _check(expand, good), good
    for bad in ["grade", "user[grade]", "user ,course", "user[]", "user,", "manager[first_name]"]:
        assert not _check(expand, bad), bad
    instructors = _parameter("/api/lms/v1/courses", "expand")["schema"]
    assert _check(instructors, "instructors[anything_at_all]")
    assert all(
        not any(p["name"] == "expand" for p in DOCUMENT["paths"][path]["get"]["parameters"])
        for path in ("/api/lms/v1/users", "/api/lms/v1/skills/{id}", "/api/lms/v1/categories")
    )
    ids = _parameter("/api/lms/v1/completions", "ids")["schema"]
    assert _check(ids, "018b18ef-c487-703c-afd9-0ca478ccd9d6,018b18ef-c487-703c-afd9-0ca478ccd9d7")
    assert not _check(ids, "018b18ef-c487-703c-afd9-0ca478ccd9d6,")
    since = _parameter("/api/lms/v1/completions", "started_at_from")["schema"]
    assert _check(since, "2024-02-21T21:22:12.993Z")
    assert not _check(since, "2024-02-30T21:22:12Z")


def test_responses_are_the_exported_schemas() -> None:
    responses = DOCUMENT["paths"]["/api/lms/v1/completions/{id}"]["get"]["responses"]
    schemas = {
        status: r["content"]["application/json"]["schema"] for status, r in responses.items()
    }
    assert schemas == {
        "200": {"$ref": "#/components/schemas/Completion"},
        "401": {"$ref": "#/components/schemas/ErrorResponse"},
        "403": {"$ref": "#/components/schemas/ErrorResponse"},
        "404": {"$ref": "#/components/schemas/ErrorResponse"},
        "422": {"$ref": "#/components/schemas/HTTPValidationError"},
        "429": {"$ref": "#/components/schemas/ErrorResponse"},
    }
    listed = DOCUMENT["paths"]["/api/lms/v1/users"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Page_User_"
    }
    components = DOCUMENT["components"]["schemas"]
    exported = lms_schema.json_schema(lms_schema.Completion)["$defs"]["Completion"]
    assert json.dumps(components["Completion"]) == json.dumps(exported).replace(
        "#/$defs/", "#/components/schemas/"
    )
    text = json.dumps(DOCUMENT)
    assert "#/$defs/" not in text
    for name in set(__import__("re").findall(r'"#/components/schemas/([^"]+)"', text)):
        assert name in components, name


def test_published_enums_reject_what_their_descriptions_promise() -> None:
    """Why the corrected document exists: the published grade enum rejects null and pass-through
    grades its own description promises; ours takes both."""
    published = {**PUBLISHED, "$ref": "#/components/schemas/LmsCompletion"}
    ours = {**DOCUMENT, "$ref": "#/components/schemas/Completion"}
    base = {
        "id": "018b18ef-c487-703c-afd9-0ca478ccd9d6",
        "remote_id": None,
        "modified_at": "2021-10-16T00:00:00Z",
        "custom_fields": None,
    }
    for grade in [None, "Passed"]:
        assert not _check(published, {**base, "grade": grade})
        assert _check(ours, {**base, "grade": grade})
    assert _check(published, {**base, "time_duration": "1 hour"})
    assert not _check(ours, {**base, "time_duration": "1 hour"})


# -- the local server ---------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    #: (path with query, status, body) the test prepared for the next request
    next: tuple[str, int, Any] | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        prepared = self.server.next
        if resolve(urlsplit(self.path).path) is None:
            self._send(404, {"detail": "Not Found"})
        elif prepared is None or prepared[0] != self.path:
            self._send(500, {"detail": f"unexpected request {self.path}"})
        else:
            self._send(prepared[1], prepared[2])

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _base_url(httpd: _Server) -> str:
    host, port = httpd.server_address[:2]
    return f"http://{host!s}:{port}"


SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
ENDPOINT_OF = {e.path: e for e in ENDPOINTS}


def _request_target(case: Any, base_url: str) -> str:
    kwargs = case.as_transport_kwargs(base_url=base_url)
    prepared = requests.Request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params")
    ).prepare()
    parts = urlsplit(str(prepared.url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _rejection(endpoint: Endpoint, target: str) -> dict[str, Any] | None:
    """The 422 body the API sends for this request, or None when it is accepted."""
    parts = urlsplit(target)
    issues = []
    if endpoint.by_id:
        try:
            parse_uuid(parts.path.rsplit("/", 1)[1])
        except FieldError as exc:
            issues.append({"loc": ["path", "id"], "msg": exc.message, "type": exc.code})
    try:
        endpoint.query.parse(parts.query)
    except ValidationError as exc:
        issues += [{"loc": i.path.split("."), "msg": i.message, "type": i.code} for i in exc.issues]
    return {"detail": issues} if issues else None


def _cls(endpoint: Endpoint) -> Any:
    return endpoint.model if endpoint.by_id else Page[endpoint.model]  # type: ignore[name-defined]


def _prepare(data: st.DataObject, httpd: _Server, operation: Any, invalid: bool) -> Any:
    """Draw a case and the server's answer to it; returns (case, expected to conform)."""
    case = data.draw(operation.as_strategy())
    endpoint = ENDPOINT_OF[operation.path]
    target = _request_target(case, _base_url(httpd))
    rejection = _rejection(endpoint, target)
    if rejection is not None:
        httpd.next = (target, 422, rejection)
        return case, True
    query = endpoint.query.parse(urlsplit(target).query)
    cls = _cls(endpoint)
    if invalid:
        body, _ = data.draw(strategies.invalid_payloads(cls))
        errors = lms_schema.validate(body, cls).errors
        conforms = all(
            inexpressible_rule(i, *reversed(field_at(cls, body, i.path))) for i in errors
        )
    else:
        body = data.draw(
            strategies.payloads(
                cls,
                expand=str(getattr(query, "expand", "")),
                include_raw_data=query.include_raw_data,
                include_custom_fields=query.include_custom_fields,
            )
        )
        conforms = True
    httpd.next = (target, 200, body)
    return case, conforms


# Each example makes two HTTP round trips through schemathesis and the local server, for every
# operation of the document: a bound on the wall time of this file, not on what is checked (the
# strategies' coverage of every model and rule is tested in tests/test_strategies.py).
_BOUNDED = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@_BOUNDED
@given(data=st.data())
def test_schemathesis_passes_valid_answers_and_catches_invalid_ones(
    server: _Server, operation: Any, data: st.DataObject
) -> None:
    """Each example sends two requests: one answered from ``payloads``, which passes every
    check, and one answered from ``invalid_payloads``, which the response-conformance check
    rejects unless the body breaks only an inexpressible rule (or the request got a 422)."""
    case, _ = _prepare(data, server, operation, invalid=False)
    assert server.next is not None
    if server.next[1] == 422:  # a request the document allows must be one the API accepts,
        # but for a name given twice in expand (inexpressible: duplicate_in_expand)
        types = {detail["type"] for detail in server.next[2]["detail"]}
        assert types <= {"duplicate_relation", "duplicate_field"}, server.next
    response = case.call(base_url=_base_url(server))
    assert response.status_code in (200, 422), response.text
    case.validate_response(response, checks=CHECKS)

    case, conforms = _prepare(data, server, operation, invalid=True)
    response = case.call(base_url=_base_url(server))
    if conforms:
        case.validate_response(response, checks=CHECKS)
        return
    assert response.status_code == 200
    with pytest.raises((Failure, FailureGroup)) as info:
        case.validate_response(response, checks=[response_schema_conformance])
    assert "schema" in str(info.value).lower()
