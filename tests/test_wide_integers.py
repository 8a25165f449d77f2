"""Integers wider than 64 bits are never turned into floats on the way in (audit defect 1).

orjson reads ``123456789012345678901234567890`` as ``1.2345678901234568e+29``; ``decode``
reads such documents with the standard library, so ``loads()`` (msgspec mirror and orjson
paths), ``validate()`` of decoded bytes, the CLI's ``validate`` and ``normalize`` all give
exactly the issues ``structure()`` gives for the same data, and nothing changes silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import Completion, Page, User
from lms_schema._cli import main
from lms_schema._gen import mirror as _mirror
from lms_schema._values.jsonvalue import decode, encode, may_hold_wide_integer

_BASE: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
WIDE = 123456789012345678901234567890

# (class, document, the issues structure() gives)
CASES: list[tuple[Any, dict[str, Any], list[tuple[str, str]]]] = [
    (Completion, {**_BASE, "custom_fields": {"big": WIDE}}, [("$.custom_fields", "out_of_range")]),
    (
        Completion,
        {**_BASE, "custom_fields": {"a": [1, {"b": -WIDE}]}},
        [("$.custom_fields", "out_of_range")],
    ),
    (Completion, {**_BASE, "raw_data": {"n": 2**64}}, [("$.raw_data", "out_of_range")]),
    (Completion, {**_BASE, "score": -9223372036854775809}, [("$.score", "out_of_range")]),
    (Completion, {**_BASE, "score": 9223372036854775808}, [("$.score", "out_of_range")]),
    (Completion, {**_BASE, "score": WIDE}, [("$.score", "out_of_range")]),
    (
        Page[User],
        {"cursor": None, "page_size": 1, "items": [{**_BASE, "custom_fields": {"x": WIDE}}]},
        [("$.items[0].custom_fields", "out_of_range")],
    ),
    # within range: exact, on every path
    (Completion, {**_BASE, "custom_fields": {"u64": 2**64 - 1, "i64": -(2**63)}}, []),
    (Completion, {**_BASE, "score": -(2**63), "raw_data": {"s": "1234567890123456789012"}}, []),
    (Completion, {**_BASE, "score": 2**63 - 1}, []),
]


def _issues(run: Any) -> list[tuple[str, str]]:
    try:
        run()
    except lms_schema.ValidationError as exc:
        return [(issue.path, issue.code) for issue in exc.issues]
    return []


@pytest.mark.parametrize(("cls", "document", "expected"), CASES)
@pytest.mark.parametrize("msgspec", [True, False], ids=["mirror", "orjson"])
def test_loads_gives_the_issues_structure_gives(
    cls: Any,
    document: dict[str, Any],
    expected: list[tuple[str, str]],
    msgspec: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not msgspec:
        monkeypatch.setattr(_mirror, "_msgspec", lambda: None)
        monkeypatch.setattr(_mirror, "_BYTES_STRUCTURERS", {})
    data = json.dumps(document).encode()
    assert _issues(lambda: lms_schema.structure(document, cls)) == expected
    assert _issues(lambda: lms_schema.loads(data, cls)) == expected
    assert _issues(lambda: lms_schema.loads(data.decode(), cls)) == expected
    assert _issues(lambda: lms_schema.loads(memoryview(data), cls)) == expected
    report = lms_schema.validate(decode(data), cls)
    assert [(i.path, i.code) for i in report.errors] == expected
    if not expected:
        value = lms_schema.loads(data, cls)
        assert value == lms_schema.structure(document, cls)
        assert decode(lms_schema.dumps(value)) == decode(data) == document


def test_decode_keeps_every_integer_exact() -> None:
    text = (
        b'[123456789012345678901234567890, -9223372036854775809, 1e30, 1.5, "12345678901234567890"]'
    )
    assert decode(text) == [WIDE, -9223372036854775809, 1e30, 1.5, "12345678901234567890"]
    assert [type(x) for x in decode(text)] == [int, int, float, float, str]
    assert orjson.loads(text)[0] == float(WIDE)  # what the defect was


def test_the_wide_integer_check() -> None:
    assert may_hold_wide_integer(b"1234567890123456789")
    assert not may_hold_wide_integer(b"123456789012345678")
    assert not may_hold_wide_integer(b"123456789 0123456789")
    assert may_hold_wide_integer("x" * 100 + "1" * 19)
    assert may_hold_wide_integer(bytearray(b"-9223372036854775809"))
    assert may_hold_wide_integer(memoryview(b"[9223372036854775808]"))
    assert not may_hold_wide_integer("\ud800 ٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩")  # not ASCII digits


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


@given(_json)
def test_decode_of_encode_is_exact(value: Any) -> None:
    """Every JSON value comes back with the same types and values (-0.0 aside)."""
    text = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        text = encode(value)
    assert _same(decode(text), value)


def test_cli_validate_and_normalize(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "completions.json"
    path.write_bytes(json.dumps({**_BASE, "custom_fields": {"big": WIDE}}).encode())
    assert main(["validate", "--strict", str(path)]) == 1
    out = capsys.readouterr().out
    assert "$.custom_fields: integers must fit in 64 bits [out_of_range]" in out
    assert main(["normalize", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing written, nothing changed
    assert "[out_of_range]" in captured.err
    path.write_bytes(json.dumps({**_BASE, "custom_fields": {"big": 2**64 - 1}}).encode())
    assert main(["normalize", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["custom_fields"] == {"big": 2**64 - 1}


def test_normalize_of_decoded_bytes() -> None:
    data = json.dumps({**_BASE, "score": -9223372036854775809}).encode()
    result = lms_schema.normalize(decode(data), Completion)
    assert [(i.path, i.code) for i in result.errors] == [("$.score", "out_of_range")]
