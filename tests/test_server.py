"""lms-schema reads requests as Bindbee's server does: a differential test against FastAPI.

The oracle is tests/standin.py, a FastAPI application built from the published OpenAPI
document (first test: it generates exactly the published parameter objects). Then generated
query strings (canonical and odd spellings, repeats, percent-encodings, whitespace, empty
values, unknown names) and path ids go to every endpoint through ``TestClient`` and to
``validate_exchange``: lms-schema reports an error iff FastAPI answers 422, the error codes
are the 422 ``type``s at the 422 ``loc``s, and where both accept they read the same values.
Last, the lax readers of lms_schema._request.lax against pydantic itself, on any text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus, unquote
from uuid import UUID

import attrs
import pytest
import standin
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from lms_schema import ABSENT, Expand, validate_exchange
from lms_schema._exchange import ENDPOINTS, REQUIRED_HEADERS, Endpoint
from lms_schema._request.lax import lax_bool, lax_int, lax_uuid
from lms_schema._values.leaf import FieldError

U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(standin.app()) as test_client:
        yield test_client


# -- the stand-in is the published API -----------------------------------------------------


def test_the_standin_generates_the_published_parameters() -> None:
    published = standin.openapi()["paths"]
    generated = standin.app().openapi()["paths"]
    assert list(generated) == list(published)
    assert len(published) == len(ENDPOINTS) == 14
    for path, item in published.items():
        # names, order, location, required, schema (types, min/max, defaults), descriptions
        assert generated[path]["get"]["parameters"] == item["get"]["parameters"], path


# -- generated requests ----------------------------------------------------------------------

_WHITESPACE = st.sampled_from([" ", "\t", "\n", "\x0b", "\x0c", "\r", "\xa0", "\u2003", "\x1c"])


def _cases(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True))
    )


def _padded(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(
        st.lists(_WHITESPACE, max_size=2), inner, st.lists(_WHITESPACE, max_size=2)
    ).map(lambda t: "".join(t[0]) + t[1] + "".join(t[2]))


@st.composite
def _integer_text(draw: st.DrawFn) -> str:
    value = draw(st.one_of(st.integers(-3, 260), st.integers(), st.sampled_from([10**30, 0])))
    digits = str(abs(value))
    if draw(st.booleans()):
        digits = "0" * draw(st.integers(1, 25)) + digits
    if len(digits) > 1 and draw(st.booleans()):
        at = draw(st.integers(1, len(digits) - 1))
        digits = digits[:at] + draw(st.sampled_from(["_", "__"])) + digits[at:]
    sign = "-" if value < 0 else draw(st.sampled_from(["", "", "", "+", "+", "+-", "--"]))
    tail = draw(st.sampled_from(["", "", "", "", ".0", ".00", ".", ".5", "e2", "_", "x", ".0_0"]))
    return sign + digits + tail


_INTEGERS = st.one_of(
    st.integers(1, 200).map(str),
    _integer_text(),
    _padded(_integer_text()),
    st.sampled_from(
        ["", "1" * 4301, "-" + "1" * 4300, "1" * 4300 + ".0", "0" * 30, "\uff15", "\u0665"]
    ),
    st.text(st.sampled_from("0123456789+-_. e"), max_size=8),
)
_BOOLEAN_WORDS = ["true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"]
_BOOLEANS = st.one_of(
    st.sampled_from(_BOOLEAN_WORDS).flatmap(_cases),
    st.sampled_from(_BOOLEAN_WORDS).flatmap(_cases),
    _padded(st.sampled_from(_BOOLEAN_WORDS)),
    st.sampled_from(
        ["", "2", "-1", "1.0", "tru", "yes!", "oui", "\uff34\uff32\uff35\uff25", "\u0130"]
    ),
)


@st.composite
def _uuid_text(draw: st.DrawFn) -> str:
    value = str(draw(st.uuids()))
    if draw(st.booleans()):
        value = value.upper()
    shape = draw(st.sampled_from(["plain", "plain", "hex", "braces", "urn", "URN", "odd"]))
    if shape == "hex":
        value = value.replace("-", "")
    elif shape == "braces":
        value = "{" + value + "}"
    elif shape == "urn":
        value = "urn:uuid:" + value
    elif shape == "URN":
        value = "URN:UUID:" + value
    elif shape == "odd":
        value = draw(
            st.sampled_from(
                [value[:-1], value + "0", "{" + value, value.replace("-", "_"), "42", "x" * 36]
            )
        )
    return value


_TEXTS = st.one_of(
    st.text(max_size=12),
    st.lists(_uuid_text(), max_size=3).map(",".join),
    st.sampled_from(
        [
            "",
            ",",
            "user",
            "user[first_name],course",
            "manager[first_name,last_name]",
            "2025-01-01",
            "2025-01-01 00:00:00",
            "2025-01-01T00:00:00Z",
            "2025-01-01T00:00:00+02:00",
            "yesterday",
        ]
    ),
)

_NAMES = ["foo", "", "Page_Size", "page_size ", "ids[]", "id"]


def _strategy(endpoint: Endpoint, name: str) -> st.SearchStrategy[str]:
    field = attrs.fields_dict(endpoint.query)[name]
    if field.type is int:
        return _INTEGERS
    if field.type is bool:
        return _BOOLEANS
    return _TEXTS


@st.composite
def _encoded(draw: st.DrawFn, text: str) -> str:
    style = draw(st.sampled_from(["quote", "plus", "raw"]))
    if style == "quote":
        return quote(text, safe="")
    if style == "plus":
        return quote_plus(text)
    return quote(text, safe=",[]:+{}")  # a raw '+' arrives as a space


Request = tuple[Endpoint, str, dict[str, str]]


@st.composite
def requests(draw: st.DrawFn) -> Request:
    """A URL path and query string for one of the fourteen endpoints, and the headers."""
    endpoint = draw(st.sampled_from(ENDPOINTS))
    known = [a.name for a in attrs.fields(endpoint.query)]
    names = draw(st.lists(st.sampled_from(known) | st.sampled_from(_NAMES), max_size=6))
    parts = []
    for name in names:
        value = draw(_strategy(endpoint, name) if name in known else _TEXTS)
        if draw(st.integers(0, 9)) == 0:
            parts.append(draw(_encoded(name)))  # a name without '='
        else:
            parts.append(draw(_encoded(name)) + "=" + draw(_encoded(value)))
    path = endpoint.path
    if endpoint.by_id:
        ident = draw(_uuid_text())
        path = path.replace("{id}", quote(ident, safe=""))
    headers = draw(
        st.sampled_from([standin.HEADERS, standin.HEADERS, {"X-Connector-Token": ""}, {}])
    )
    return endpoint, path + ("?" + "&".join(parts) if parts else ""), headers


def _loc(loc: list[Any]) -> str:
    return ".".join(map(str, loc))


def _check(client: TestClient, endpoint: Endpoint, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 422), (url, response.text)
    # as if the server had accepted it: what it rejects is then an error
    report = validate_exchange("GET", url, 200, ABSENT, headers=headers)
    errors = sorted((i.path, i.code) for i in report.errors)
    if response.status_code == 422:
        detail = sorted((_loc(d["loc"]), d["type"]) for d in response.json()["detail"])
        assert errors == detail, url
        return
    assert errors == [], url
    received = response.json()
    query_string = url.partition("?")[2]
    query = endpoint.query.parse(query_string)
    texts = endpoint.query.server_params(query_string)
    for name, value in received.items():
        if name == "id":
            raw = url.partition("?")[0].rpartition("/")[2]
            assert value == str(lax_uuid(unquote(raw))), url
            continue
        parsed = getattr(query, name)
        if isinstance(value, bool | int):
            assert parsed == value and type(parsed) is type(value), (url, name)
        else:  # plain strings: the server's text, and lms-schema's reading of it when it has one
            assert value == texts.get(name), (url, name)
            if value is None:
                assert parsed in (None, Expand()), (url, name)


@given(requests())
@example((ENDPOINTS[0], "/api/lms/v1/users?page_size=+5&include_raw_data=True", {}))
@example((ENDPOINTS[0], "/api/lms/v1/users?page_size=20&page_size=abc", standin.HEADERS))
@example((ENDPOINTS[0], "/api/lms/v1/users?page_size=abc&page_size=20&=5", standin.HEADERS))
@example((ENDPOINTS[0], "/api/lms/v1/users?page_size=99999999999999999999999", standin.HEADERS))
@example(
    (ENDPOINTS[1], f"/api/lms/v1/users/urn:uuid:{U1}?include_custom_fields=off", standin.HEADERS)
)
@example((ENDPOINTS[1], f"/api/lms/v1/users/%7B{U1}%7D", standin.HEADERS))
@example((ENDPOINTS[1], "/api/lms/v1/users/42?include_raw_data=maybe", standin.HEADERS))
@example((ENDPOINTS[0], "/api/lms/v1/users?cursor=%FF%FE&page_size=%FF", standin.HEADERS))
@example((ENDPOINTS[0], "/api/lms/v1/users?&&page_size&=&ids=,", standin.HEADERS))
def test_lms_schema_reads_requests_as_fastapi_does(client: TestClient, request_: Request) -> None:
    _check(client, *request_)


@given(requests())
def test_strict_mode_makes_every_warning_but_unknown_names_an_error(request_: Request) -> None:
    endpoint, url, _ = request_
    query = url.partition("?")[2]
    _, issues = endpoint.query.parse_issues(query)
    _, strict = endpoint.query.parse_issues(query, strict=True)
    assert [(i.path, i.code, i.message) for i in strict] == [
        (i.path, i.code, i.message) for i in issues
    ]
    assert [i.severity for i in strict] == [
        "warning" if i.code == "unknown_parameter" else "error" for i in issues
    ]


def test_the_standin_requires_the_documented_headers() -> None:
    for item in standin.openapi()["paths"].values():
        headers = [p for p in item["get"]["parameters"] if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [
            (name, True) for name in REQUIRED_HEADERS
        ]


# -- the lax readers against pydantic itself (FastAPI's pydantic, no HTTP) --------------------


def _pydantic(adapter: TypeAdapter[Any], text: str) -> tuple[str, Any]:
    try:
        return "ok", adapter.validate_python(text)
    except PydanticValidationError as exc:
        return "error", exc.errors()[0]["type"]


def _ours(read: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", read(text)
    except FieldError as exc:
        return "error", exc.code


_INT = TypeAdapter(int)
_BOOL = TypeAdapter(bool)
_UUID = TypeAdapter(UUID)


@given(st.one_of(_INTEGERS, st.text(), st.text("0123456789_.+- \t\xa0")))
def test_integers_read_as_pydantic_reads_them(text: str) -> None:
    assert _ours(lax_int, text) == _pydantic(_INT, text)


@given(st.one_of(_BOOLEANS, st.text(max_size=6)))
def test_booleans_read_as_pydantic_reads_them(text: str) -> None:
    assert _ours(lax_bool, text) == _pydantic(_BOOL, text)


@given(
    st.one_of(_uuid_text(), st.text(max_size=40), st.text("0123456789abcdefABCDEF-{}", max_size=40))
)
def test_uuids_read_as_pydantic_reads_them(text: str) -> None:
    assert _ours(lax_uuid, text) == _pydantic(_UUID, text)
