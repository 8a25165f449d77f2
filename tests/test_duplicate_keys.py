"""Keys repeated in one object of JSON text: ``duplicate_keys()`` and ``validate()`` on text.

orjson, msgspec and the json module keep the last value of a repeated key; other parsers keep
the first, so the same bytes mean different records to different readers.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import Completion, Page, User
from lms_schema._cli import main as cli_main
from lms_schema._values.jsonvalue import (
    _count_keys,
    _same_colons,
    _scan_duplicates,
    decode,
    decode_with_issues,
    duplicate_keys,
)

USER = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"score": "x", "score": 95}', [(("score",), 2)]),
        ('{"a": 1, "a": 2, "a": 3}', [(("a",), 2), (("a",), 3)]),
        ('{"a": {"b": 1, "b": 2}}', [(("a", "b"), 2)]),
        ('{"items": [{"x": 1}, {"x": 1, "x": 2}]}', [(("items", 1, "x"), 2)]),
        ('[[], [1, {"k": [0, 0, {"q": 1, "q": 2}]}]]', [((1, 1, "k", 2, "q"), 2)]),
        ('{"a": 1, "\\u0061": 2}', [(("a",), 2)]),  # the same key, escaped
        ('{"\\ud83d\\ude00": 1, "\U0001f600": 2}', [(("\U0001f600",), 2)]),
        ('{"\\"": 1, "\\u0022": 2}', [(('"',), 2)]),
        ('{"a\\\\": 1, "a\\\\": 2}', [(("a\\",), 2)]),
        ('{"a" : 1 ,\n "a"\t:\r2}', [(("a",), 2)]),  # whitespace around the colon
        ('{"a": {"a": 1}, "b": {"a": 1}}', []),  # the same key in different objects
        ('[{"a": 1}, {"a": 1}]', []),
        ('{"a": "\\":", "b": "a\\":1"}', []),  # key ends inside string values
        ('{"a": 1, "A": 2, "a ": 3}', []),  # keys are case- and space-sensitive
        ('{"": 1, "": 2}', [(("",), 2)]),
        ('{"a": [], "b": {}, "a": {}}', [(("a",), 2)]),
        ('{"a":"1:2","a":"3"}', [(("a",), 2)]),  # colons in strings: the quick check
        ('{"t":"10:00","a":{"x:y":1},"a":2}', [(("a",), 2)]),
        ('{"a":"1","a":"\\u003a"}', [(("a",), 2)]),  # an escaped colon replaces the lost one
        ('{"a":":","b":"::"}', []),
        ("{}", []),
        ("[]", []),
        ('"a"', []),
        ("1", []),
    ],
)
def test_duplicate_keys(text: str, expected: list[tuple[tuple[str | int, ...], int]]) -> None:
    data = text.encode()
    assert duplicate_keys(text) == expected
    assert duplicate_keys(data) == expected
    assert duplicate_keys(bytearray(data)) == expected
    assert duplicate_keys(memoryview(data)) == expected
    decoded = decode(data)
    assert duplicate_keys(data, decoded) == expected  # the pre-check never hides one
    assert duplicate_keys(text, decoded) == expected


@pytest.mark.parametrize(
    ("text", "decoded", "same"),
    [
        ('{"a":"1:2","b":{"c":[{}]}}', {"a": "1:2", "b": {"c": [{}]}}, True),
        ('{ "a" :\n"1:2" }', {"a": "1:2"}, True),  # whitespace does not count
        ('{"a":1,"a":2}', {"a": 2}, False),
        ('{"a":"\\u003a"}', {"a": ":"}, False),  # any backslash: not decided here
        ('{"a":1}', {"a": 2**64}, False),  # orjson cannot write it: not decided here
    ],
)
def test_same_colons(text: str, decoded: object, same: bool) -> None:
    assert _same_colons(text, decoded) is same
    assert _same_colons(text.encode(), decoded) is same


_plain_keys = st.sampled_from(["a", "b", "a:b", ":", "t"])
_plain_scalars = st.sampled_from(["1", '"x"', '"10:00:00Z"', '":"', "null", "[]", '"a\\u003ab"'])


@st.composite
def _nested(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON text with repeated keys now and then, colons in keys and strings, odd spacing
    and (rarely) an escape."""
    pairs = draw(st.lists(st.tuples(_plain_keys, st.booleans()), max_size=4))
    space = draw(st.sampled_from(["", " ", "\n "]))
    parts = []
    for key, nest in pairs:
        value = draw(_nested(depth + 1)) if nest and depth < 3 else draw(_plain_scalars)
        parts.append(f'"{key}"{space}:{space}{value}')
    return "{" + ",".join(parts) + "}"


@given(st.lists(_nested(), min_size=1, max_size=3))
def test_the_quick_checks_agree_with_the_exact_scan(objects: list[str]) -> None:
    """With the decoded value at hand (the quick checks run), the answer is the exact scan's."""
    text = "[" + ",".join(objects) + "]"
    assert duplicate_keys(text, decode(text)) == _scan_duplicates(text)
    assert duplicate_keys(text.encode(), decode(text)) == _scan_duplicates(text)


def test_count_keys() -> None:
    assert _count_keys({"a": [{"b": 1, "c": {}}, 2, [{"d": None}]], "e": "x"}) == 5
    assert _count_keys([[], {}, "a", 1]) == 0
    assert _count_keys("text") == 0
    assert _count_keys(None) == 0


def test_deep_nesting_is_walked_iteratively() -> None:
    depth = 100_000
    text = "[" * depth + '{"k": 1, "k": 2}' + "]" * depth
    ((path, occurrence),) = duplicate_keys(text)
    assert path == (*[0] * depth, "k") and occurrence == 2
    objects = '{"a": ' * depth + '{"z": 0, "z": 0}' + "}" * depth
    assert duplicate_keys(objects) == [((*["a"] * depth, "z"), 2)]


@pytest.mark.parametrize("text", ["}}]]", '{"a"', '{,,"a": 1, "a"', '[{"a": 1, "a": 2]', "{[}]"])
def test_text_that_is_not_json_never_raises(text: str) -> None:
    duplicate_keys(text)


def test_not_json_reports_what_it_can() -> None:
    assert duplicate_keys('{"a": 1, "a": 2') == [(("a",), 2)]
    assert duplicate_keys('{"a\\q": 1, "a\\q": 2}') == [(("a\\q",), 2)]  # a bad escape
    assert duplicate_keys(b'{"\xff": 1, "\xff": 2}') == [(("\ufffd",), 2)]


_keys = st.sampled_from(["a", "b", "\\u0061", "c"])
_scalars = st.sampled_from(["1", '"a"', '"\\":"', "null", "[]", "{}"])


@st.composite
def _objects(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(_keys, _scalars), max_size=5))
    return "{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}"


@given(st.lists(_objects(), min_size=1, max_size=4))
def test_duplicates_match_object_pairs_hook(objects: list[str]) -> None:
    """The detector agrees with the json module's view of every object's pairs."""
    text = "[" + ", ".join(objects) + "]"
    expected: list[tuple[tuple[str | int, ...], int]] = []

    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        seen: dict[str, int] = {}
        for key, _ in pairs:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                expected.append(((key,), seen[key]))
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)  # inner objects of values are empty: no order issue
    found = duplicate_keys(text, decode(text))
    assert [(path[1:], n) for path, n in found] == expected
    assert all(type(path[0]) is int for path, _ in found)


# -- validate() on JSON text ------------------------------------------------------------------


def test_validate_accepts_bytes_and_str() -> None:
    data = orjson.dumps(USER)
    for text in (data, data.decode(), bytearray(data), memoryview(data)):
        report = lms_schema.validate(text, User)
        assert report.ok and report.warnings == ()
        assert report.value == lms_schema.structure(USER, User)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (b"", "not valid JSON: "),
        (b"\xff", "not valid JSON: "),
        ('{"id": ', "not valid JSON: "),
        (b'{"a": NaN}', "not valid JSON: "),
        (b"[" * 2000 + b"]" * 2000, "not valid JSON: "),
    ],
)
def test_validate_text_that_is_not_json(text: bytes | str, start: str) -> None:
    report = lms_schema.validate(text, User, check_duplicate_keys=True)
    assert [(i.path, i.code, i.severity) for i in report.errors] == [("$", "invalid_json", "error")]
    assert report.errors[0].message.startswith(start)
    assert report.warnings == () and report.value is None


def test_validate_reports_duplicate_keys_at_their_paths() -> None:
    record = orjson.dumps(USER)[:-1] + b', "remote_id": "r", "custom_fields": {"x": 1, "x": 2}}'
    page = b'{"cursor": null, "page_size": 2, "items": [' + orjson.dumps(USER) + b", " + record
    page += b'], "cursor": "c"}'
    report = lms_schema.validate(page, Page[User], check_duplicate_keys=True)
    assert report.errors == ()
    dupes = [(i.path, i.code, i.severity) for i in report.warnings if i.code == "duplicate_key"]
    assert dupes == [
        ("$.items[1].remote_id", "duplicate_key", "warning"),
        ("$.items[1].custom_fields", "duplicate_key", "warning"),
        ("$.items[1].custom_fields.x", "duplicate_key", "warning"),
        ("$.cursor", "duplicate_key", "warning"),
    ]
    assert report.warnings[0].message == (
        "key 'remote_id' repeated in one object (occurrence 2); parsers disagree on which "
        "value counts (orjson, msgspec and the json module keep the last)"
    )
    # the last value counts, as in loads()
    assert report.value == lms_schema.loads(page, Page[User])
    assert report.value.cursor == "c"
    # off by default; and warnings, not errors, so the record stays valid
    plain = lms_schema.validate(page, Page[User])
    assert [i.code for i in plain.warnings] == ["duplicate_id"] and plain.ok


def test_duplicate_keys_come_before_the_other_warnings_and_with_errors() -> None:
    text = '{"id": "x", "id": "y", "modified_at": "2021-10-16T00:00:00", "new": 1}'
    report = lms_schema.validate(text, Completion, check_duplicate_keys=True)
    assert [(i.path, i.code) for i in report.errors] == [
        ("$.id", "invalid_uuid"),
        ("$.remote_id", "missing_key"),
        ("$.custom_fields", "missing_key"),
    ]
    assert [(i.path, i.code) for i in report.warnings] == [
        ("$.id", "duplicate_key"),
        ("$.new", "unknown_key"),
        ("$.modified_at", "naive_datetime"),
    ]


@pytest.mark.parametrize("text", ['"abc"', b'"abc"', "1", "null", "[]"])
def test_a_json_text_that_is_not_an_object_is_a_wrong_type(text: str | bytes) -> None:
    report = lms_schema.validate(text, User)
    assert [(i.path, i.code) for i in report.errors] == [("$", "wrong_type")]
    with pytest.raises(lms_schema.ValidationError) as info:
        lms_schema.structure(decode(text), User)
    assert report.errors == info.value.issues


def test_a_text_payload_checks_the_request_arguments() -> None:
    with pytest.raises(lms_schema.ValidationError):
        lms_schema.validate(b"{", Completion, expand="nope")
    text = orjson.dumps({**USER, "raw_data": {"a": 1}})
    report = lms_schema.validate(text, User, include_raw_data=False, forbid_unknown_keys=True)
    assert [(i.path, i.code) for i in report.warnings] == [("$.raw_data", "unrequested_data")]


def test_decode_with_issues() -> None:
    value, issues = decode_with_issues(b'{"a": 1, "a": 2}')
    assert value == {"a": 2}
    assert [(i.path, i.code, i.severity) for i in issues] == [("$.a", "duplicate_key", "warning")]
    assert decode_with_issues(b'{"a": 1, "a": 2}', False) == ({"a": 2}, ())
    absent, (error,) = decode_with_issues(b"nope")
    assert absent is lms_schema.ABSENT and error.code == "invalid_json"


def test_cli_warnings_on_a_json_string_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line decodes files itself: a JSON string document stays a wrong type."""
    (tmp_path / "user.json").write_text('"x"')
    assert cli_main(["validate", "--warnings", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.endswith(": $: expected an object, got string [wrong_type]\n"), out
