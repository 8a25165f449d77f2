"""The 422 body and the 401/403/404/429 body, through the same converter as the models."""

from __future__ import annotations

from typing import Any

import cattrs
import pytest

import lms_schema
from lms_schema import (
    ABSENT,
    ErrorDetail,
    ErrorResponse,
    HTTPValidationError,
    ValidationError,
    configure_converter,
    structure,
    unstructure,
    validate,
)

REFERENCE_422 = {
    "detail": [
        {
            "loc": ["query", "page_size"],
            "msg": "Input should be less than or equal to 200",
            "type": "less_than_equal",
        }
    ]
}


def codes(payload: Any, cls: type) -> list[tuple[str, str]]:
    return [(i.path, i.code) for i in validate(payload, cls).errors]


def test_the_reference_422_example() -> None:
    body = structure(REFERENCE_422, HTTPValidationError)
    assert body == HTTPValidationError(
        detail=[
            ErrorDetail(
                loc=["query", "page_size"],
                msg="Input should be less than or equal to 200",
                type="less_than_equal",
            )
        ]
    )
    assert body.detail[0].input is ABSENT
    assert body.detail[0].ctx is ABSENT
    assert unstructure(body) == REFERENCE_422


def test_input_and_ctx_round_trip() -> None:
    payload = {
        "detail": [
            {
                "loc": ["query", "items", 0],
                "msg": "m",
                "type": "t",
                "input": {"nested": [1, 2.5, None, True]},
                "ctx": {"le": 200},
            },
            {"loc": ["path", "id"], "msg": "m", "type": "uuid_parsing", "input": None},
        ]
    }
    body = structure(payload, HTTPValidationError)
    assert body.detail[1].input is None
    assert unstructure(body) == payload
    assert lms_schema.loads(lms_schema.dumps(body), HTTPValidationError) == body


def test_error_response() -> None:
    assert structure({"detail": "Not Found"}, ErrorResponse) == ErrorResponse(detail="Not Found")
    assert unstructure(ErrorResponse(detail="x")) == {"detail": "x"}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, [("$.detail", "missing_key")]),
        ({"detail": "Not Found"}, [("$.detail", "wrong_type")]),
        ({"detail": [{"loc": ["query"], "msg": "m"}]}, [("$.detail[0].type", "missing_key")]),
        (
            {"detail": [{"loc": ["query", True, 1.5], "msg": 3, "type": "t"}]},
            [
                ("$.detail[0].loc[1]", "wrong_type"),
                ("$.detail[0].loc[2]", "wrong_type"),
                ("$.detail[0].msg", "wrong_type"),
            ],
        ),
        (
            {"detail": [{"loc": [], "msg": "m", "type": "t", "ctx": []}]},
            [("$.detail[0].ctx", "wrong_type")],
        ),
        (
            {"detail": [{"loc": [], "msg": "m", "type": "t", "input": float("nan")}]},
            [("$.detail[0].input", "not_json")],
        ),
        (
            {"detail": [{"loc": "query", "msg": "m", "type": "t"}]},
            [("$.detail[0].loc", "wrong_type")],
        ),
        ([], [("$", "wrong_type")]),
    ],
)
def test_422_errors(payload: Any, expected: list[tuple[str, str]]) -> None:
    assert codes(payload, HTTPValidationError) == expected


def test_messages() -> None:
    report = validate({"detail": [{"loc": [None], "msg": "m", "type": "t"}]}, HTTPValidationError)
    assert [str(i) for i in report.errors] == [
        "$.detail[0].loc[0]: expected a string or an integer, got null [wrong_type]"
    ]
    report = validate({"detail": ["x"]}, ErrorResponse)
    assert [str(i) for i in report.errors] == [
        "$.detail: expected a string, got array [wrong_type]"
    ]


@pytest.mark.parametrize("payload", [{}, {"detail": None}, {"detail": 404}, "Not Found"])
def test_error_response_errors(payload: Any) -> None:
    with pytest.raises(ValidationError):
        structure(payload, ErrorResponse)


def test_unknown_keys_are_warnings_and_can_be_forbidden() -> None:
    payload = {"detail": [{"loc": [], "msg": "m", "type": "t", "url": "https://errors"}]}
    report = validate(payload, HTTPValidationError)
    assert report.ok
    assert [(i.path, i.code) for i in report.warnings] == [("$.detail[0].url", "unknown_key")]
    assert codes(payload, HTTPValidationError) == []
    with pytest.raises(ValidationError) as info:
        structure(payload, HTTPValidationError, forbid_unknown_keys=True)
    assert [(i.path, i.code) for i in info.value.issues] == [("$.detail[0].url", "unknown_key")]


def test_a_users_own_converter_gets_the_same_hooks() -> None:
    conv = cattrs.Converter()
    configure_converter(conv)
    assert conv.structure({"detail": "x"}, ErrorResponse) == ErrorResponse(detail="x")
    assert conv.structure(REFERENCE_422, HTTPValidationError) == structure(
        REFERENCE_422, HTTPValidationError
    )
    assert conv.unstructure(structure(REFERENCE_422, HTTPValidationError)) == REFERENCE_422
