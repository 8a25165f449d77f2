"""Hostile input gives ValidationError (or is accepted where the contract allows), never a crash."""

from __future__ import annotations

from typing import Any

import pytest

import lms_schema
import lms_schema._convert.converter
from lms_schema import Completion, Content, Page, ValidationError

U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
BASE = b'"id":"%s","remote_id":null,"modified_at":"2021-10-16T00:00:00Z","custom_fields":null' % (
    U.encode()
)


def record(extra: bytes = b"") -> bytes:
    return b"{" + BASE + (b"," + extra if extra else b"") + b"}"


def codes(data: bytes | str) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        lms_schema.loads(data, Completion)
    return [(i.path, i.code) for i in info.value.issues]


def test_ten_thousand_digit_numbers() -> None:
    # orjson reads a 10,000-digit integer as a double, which overflows: not usable JSON.
    assert codes(record(b'"score":' + b"9" * 10_000)) == [("$", "invalid_json")]
    assert codes(record(b'"raw_data":{"n":' + b"9" * 10_000 + b"}")) == [("$", "invalid_json")]
    report = lms_schema.validate({**_payload(), "score": 10**10_000}, Completion)
    assert [(i.path, i.code) for i in report.errors] == [("$.score", "out_of_range")]
    assert codes(record(b'"score":0.' + b"1" * 10_000)) == [("$.score", "wrong_type")]


def test_one_megabyte_strings_are_accepted_or_rejected_cleanly() -> None:
    big = "x" * 1_000_000
    value = lms_schema.loads(record(b'"remote_id":"%s"' % big.encode())[:-1] + b"}", Completion)
    assert value.remote_id == big
    for field in ("time_duration", "started_at", "user", "grade"):
        data = record(b'"%s":"P%s"' % (field.encode(), b"1" * 1_000_000))
        if field == "grade":
            assert lms_schema.loads(data, Completion).grade == "P" + "1" * 1_000_000
        else:
            assert codes(data)[0][0] == f"$.{field}"


def test_raw_data_nested_ten_thousand_deep() -> None:
    deep = b'"raw_data":' + b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    assert codes(record(deep)) == [("$", "invalid_json")]
    nested: Any = 1
    for _ in range(10_000):
        nested = {"a": nested}
    report = lms_schema.validate(
        {**lms_schema.unstructure(_minimal()), "raw_data": nested}, Completion
    )
    assert [(i.path, i.code) for i in report.errors] == [("$.raw_data", "too_deep")]


def test_relations_nested_ten_thousand_deep() -> None:
    payload: Any = {"title": "leaf"}
    for _ in range(10_000):
        payload = {"courses": [{"contents": [payload]}]}
    report = lms_schema.validate(payload, Content)
    codes = [i.code for i in report.errors]  # in wire order: the base keys first
    assert codes == ["missing_key", "missing_key", "missing_key", "missing_key", "too_deep"]
    assert [i.path for i in report.errors[:4]] == [
        "$.id", "$.remote_id", "$.modified_at", "$.custom_fields"
    ]  # fmt: skip
    assert report.errors[4].path.startswith("$.courses[0].contents[0].courses[0]")


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers(token: bytes) -> None:
    result = codes(record(b'"score":' + token))
    assert result in ([("$", "invalid_json")], [("$.score", "wrong_type")])
    report = lms_schema.validate({**_payload(), "score": float("nan")}, Completion)
    assert [(i.path, i.code) for i in report.errors] == [("$.score", "wrong_type")]


def test_non_string_keys() -> None:
    report = lms_schema.validate({**_payload(), 1: "x", None: 2}, Completion)
    assert report.ok
    assert sorted(w.path for w in report.warnings) == ["$.None", "$['1']"]
    with pytest.raises(ValidationError) as info:
        lms_schema.structure({**_payload(), 1: "x"}, Completion, forbid_unknown_keys=True)
    assert [(i.path, i.code) for i in info.value.issues] == [("$['1']", "unknown_key")]
    bad = lms_schema.validate({**_payload(), "custom_fields": {1: 2}}, Completion)
    assert [(i.path, i.code) for i in bad.errors] == [("$.custom_fields", "not_json")]


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe{}", b'{"id": "\xc3\x28"}', b"", b"   ", b"{", b"[1,", b'{"a":1}{"b":2}', b"\x00"],
)
def test_bytes_that_are_not_one_json_document(data: bytes) -> None:
    assert codes(data) == [("$", "invalid_json")]


@pytest.mark.parametrize("data", [None, 3, [], object(), {"id": "x"}])
def test_loads_of_non_text_is_a_programming_mistake(data: Any) -> None:
    # loads() takes JSON text; anything else is a TypeError (tests/test_api.py), not bad data
    with pytest.raises(TypeError, match=r"loads\(\) takes JSON text"):
        lms_schema.loads(data, Completion)


@pytest.mark.parametrize("payload", [None, 1, [], [{}], True, 1.5, object(), {"items": None}])
def test_non_object_payloads(payload: Any) -> None:
    report = lms_schema.validate(payload, Completion)
    assert not report.ok
    assert {i.code for i in report.errors} <= {"wrong_type", "missing_key"}
    page = lms_schema.validate(payload, Page[Completion])
    assert not page.ok


@pytest.mark.parametrize(
    ("payload", "codes"),
    [
        ("x", {"invalid_json"}),  # bytes and str are JSON text, as in loads()
        (b"x", {"invalid_json"}),
        ('"x"', {"wrong_type"}),
        (b"{}", {"missing_key"}),
        (bytearray(b"[]"), {"wrong_type"}),
    ],
)
def test_text_payloads(payload: Any, codes: set[str]) -> None:
    for cls in (Completion, Page[Completion]):
        report = lms_schema.validate(payload, cls)
        assert {i.code for i in report.errors} == codes


def test_lone_surrogates_survive_dumps() -> None:
    value = lms_schema.structure({**_payload(), "remote_id": "\ud800"}, Completion)
    data = lms_schema.dumps(value)
    assert data == (
        b'{"id":"%s","remote_id":"\\ud800","modified_at":"2021-10-16T00:00:00Z",'
        b'"custom_fields":null}' % U.encode()
    )
    # found with the fuzz harness's round-trip oracle: the bytes used to be CESU-8
    # ("\xed\xa0\x80"), not UTF-8, and loads() rejected what dumps() wrote
    assert lms_schema.loads(data, Completion) == value
    assert lms_schema.loads(data.decode(), Completion) == value


def _payload() -> dict[Any, Any]:
    return {
        "id": U,
        "remote_id": None,
        "modified_at": "2021-10-16T00:00:00Z",
        "custom_fields": None,
    }


def _minimal() -> Completion:
    return lms_schema.structure(_payload(), Completion)


def _nested_content(levels: int) -> dict[str, Any]:
    """A content whose expanded relations nest ``levels`` deep: courses[0].contents[0]..."""
    kinds = ["courses" if level % 2 == 0 else "contents" for level in range(levels)]
    inner: dict[str, Any] = {"title": "leaf"} if levels % 2 == 0 else {"name": "leaf"}
    for kind in reversed(kinds):
        inner = {kind: [inner]}
    return {**_payload(), **inner}


def test_expansion_depth_limit_is_fixed_not_stack_dependent() -> None:
    limit = lms_schema._convert.converter.MAX_EXPANSION_DEPTH
    deepest = _nested_content(limit)
    value = lms_schema.structure(deepest, Content)
    assert lms_schema.loads(lms_schema.dumps(value), Content) == value
    report = lms_schema.validate(_nested_content(limit + 1), Content)
    assert [(i.code, i.message) for i in report.errors] == [
        ("too_deep", f"expanded relations nest more than {limit} levels deep")
    ]
    assert report.errors[0].path.count("[0]") == limit + 1


def test_payloads_that_contain_themselves() -> None:
    """Payloads built in Python can be cyclic; every entry point ends with too_deep."""
    loop: dict[str, Any] = {}
    loop["a"] = loop
    spiral: list[Any] = []
    spiral.append(spiral)
    course: dict[str, Any] = {"name": "c"}
    course["contents"] = [{"title": "t", "courses": [course]}]
    base = _payload()
    cases: list[tuple[Any, Any, list[tuple[str, str]]]] = [
        ({**base, "raw_data": loop}, Completion, [("$.raw_data", "too_deep")]),
        ({**base, "custom_fields": {"l": spiral}}, Completion, [("$.custom_fields", "too_deep")]),
    ]
    for payload, cls, expected in cases:
        assert [(i.path, i.code) for i in lms_schema.validate(payload, cls).errors] == expected
        assert [(i.path, i.code) for i in lms_schema.normalize(payload, cls).errors] == expected
    cyclic = {**base, "course": course}
    report = lms_schema.validate(cyclic, Completion)
    # $.course is the first expansion; the 33rd (MAX_EXPANSION_DEPTH + 1) is too deep.
    assert [(i.path, i.code) for i in report.errors] == [
        ("$.course" + ".contents[0].courses[0]" * 16, "too_deep")
    ]
    assert [i.code for i in lms_schema.normalize(cyclic, Completion).errors] == ["too_deep"]
    page: dict[str, Any] = {"cursor": None, "page_size": 1, "items": []}
    page["items"].append(page)
    report = lms_schema.validate(page, Page[Completion])
    assert [(i.path, i.code) for i in report.errors][:1] == [("$.items[0].id", "missing_key")]


def test_hand_built_models_with_non_json_verbatim_objects() -> None:
    """As docs/extending.md says: dumps() writes a hand-built model as it is; validate() of its
    unstructured form finds what is not JSON."""
    import attrs

    loop: dict[str, Any] = {}
    loop["a"] = loop
    model = _minimal()
    cases: list[tuple[Any, str, type[Exception] | None]] = [
        (loop, "too_deep", ValueError),
        ({"s": {1, 2}}, "not_json", TypeError),
        ({"n": float("nan")}, "not_json", None),
    ]
    for raw, code, raised in cases:
        built = attrs.evolve(model, raw_data=raw)
        report = lms_schema.validate(lms_schema.unstructure(built), Completion)
        assert [(i.path, i.code) for i in report.errors] == [("$.raw_data", code)]
        if raised is None:
            assert b'"raw_data":{"n":null}' in lms_schema.dumps(built)  # orjson: NaN -> null
        else:
            with pytest.raises(raised):
                lms_schema.dumps(built)
