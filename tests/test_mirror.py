"""The bytes fast path (msgspec mirrors, ``lms_schema._gen.mirror``) against the orjson path.

For any input, valid JSON or not: the mirror path either declines or gives a model equal to
the one the orjson path (``decode`` + ``structure``) gives, with the same offsets; and
:func:`lms_schema.loads` gives exactly the orjson path's value or issues. Documents are
written from the shared strategies (valid, one violation, messy) with a JSON-text mutation
layer on top: raw tokens anywhere (``1.0`` and ``1e2`` for integers, booleans, integers past
64 bits, ``1e400``, ``NaN``, lone surrogate escapes, invalid UTF-8, deep nesting), duplicate
keys (either copy valid), unknown keys, and whole-document damage (BOM, trailing bytes,
truncation, str/bytearray/memoryview input).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from test_fast_path import _nodes

import lms_schema
from lms_schema import Completion, Page, PartialEnrollment, User
from lms_schema import strategies as lst
from lms_schema._api import structure_issues
from lms_schema._convert.converter import converter
from lms_schema._gen import mirror as _mirror
from lms_schema._gen.fast import FAST_MAX_DEPTH
from lms_schema._gen.mirror import bytes_structurer
from lms_schema._models.models import MODELS
from lms_schema._values.issues import Issue
from lms_schema._values.jsonvalue import decode
from lms_schema._values.leaf import FieldError

_targets: list[Any] = [*MODELS, Page[Completion], Page[User], PartialEnrollment]
_classes = st.sampled_from(_targets)


class _Raw:
    """JSON text written as it is."""

    def __init__(self, text: bytes) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"_Raw({self.text!r})"


def _write(value: Any) -> bytes:
    if isinstance(value, _Raw):
        return value.text
    return json.dumps(value, allow_nan=False).encode()


_UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
_TOKENS = [
    b"1.0", b"1e2", b"1E2", b"-0", b"0", b"-1", b"true", b"false", b"null", b"NaN", b"Infinity",
    b"18446744073709551615", b"18446744073709551616", b"9223372036854775807",
    b"9223372036854775808", b"-9223372036854775808", b"-9223372036854775809",
    b"100000000000000000000000000000", b"1e400", b"-1e400", b"1.5e308",
    b'"\\ud800"', b'"\\udc00x"', b'"a\\ud83d\\ude00"', b'"\\u0000"', b'"\xff"', b'"\xed\xa0\x80"',
    b'"\xc3\xa9"', b'"\\u00e9"', b'"\\"', b'"a\x01"', b"[" * 1100 + b"]" * 1100,
    b"[" * 199 + b"]" * 199, b"[" * 250 + b"]" * 250, b'{"a":1,"a":"b"}', b"{}", b"[]",
    b'""', b'"x"', b'"' + _UUID.encode() + b'"', b'"' + _UUID.upper().encode() + b'"',
    b'"3c90c3cc0d444b5088888dd25736052a"', b'"2025-08-01T10:00:00Z"',
    b'"2025-08-01 10:00:00Z"', b'"2025-08-01T10:00:00+0100"', b'"2025-08-01T10:00:00.1234567Z"',
    b'"PT1H"', b'"P1M"', b'"pt1h"', b'"PASS"', b'"ACTIVE"', b'{"id":"' + _UUID.encode() + b'"}',
    b'["' + _UUID.encode() + b'"]', b"[1.0]", b'{"x":1e400}', b'{"x":18446744073709551616}',
]  # fmt: skip
_KEYS = ["unknown_key", "score", "id", "user", "started_at", "custom_fields", "items", "order"]


@st.composite
def _documents(draw: st.DrawFn) -> tuple[Any, Any]:
    """(class, document): JSON text of a payload, mutated at zero or more places."""
    cls = draw(_classes)
    kind = draw(st.sampled_from(["valid", "invalid", "messy"]))
    if kind == "valid":
        payload = draw(lst.payloads(cls))
    elif kind == "invalid":
        payload, _ = draw(lst.invalid_payloads(cls))
    else:
        payload = draw(lst.messy_payloads(cls))
    payload = json.loads(json.dumps(payload))  # a private copy (messy ones are JSON too)
    dups: dict[int, list[tuple[str, Any]]] = {}  # keys written again at the end of an object
    for _ in range(draw(st.integers(0, 2))):
        node = draw(st.sampled_from(_nodes(payload)))
        token = _Raw(draw(st.sampled_from(_TOKENS)))
        if type(node) is list:
            if node:
                node[draw(st.integers(0, len(node) - 1))] = token
            else:
                node.append(token)
            continue
        key = draw(st.sampled_from([*node, *_KEYS]))
        action = draw(st.sampled_from(["set", "duplicate", "delete"]))
        if action == "set":
            node[key] = token
        elif action == "delete":
            node.pop(key, None)
        else:  # the key twice: the token first or last, the other copy the payload's own
            own = node.get(key, token)
            if draw(st.booleans()):
                node[key], own = token, own
            else:
                own = token
            dups.setdefault(id(node), []).append((key, own))
    data = _unwrap(payload, dups)
    damage = draw(st.sampled_from(["none"] * 6 + ["bom", "space", "trailing", "truncate"]))
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "space":
        data = b" \n" + data + b"\t "
    elif damage == "trailing":
        data += b"x"
    elif damage == "truncate":
        data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    form = draw(st.sampled_from(["bytes"] * 5 + ["str", "bytearray", "memoryview"]))
    if form == "str":
        return cls, data.decode("utf-8", "surrogateescape")
    if form == "bytearray":
        return cls, bytearray(data)
    if form == "memoryview":
        return cls, memoryview(data)
    return cls, data


def _unwrap(value: Any, dups: dict[int, list[tuple[str, Any]]]) -> bytes:
    """Write a payload, repeating the keys ``dups`` gives for an object at its end."""
    if type(value) is dict:
        pairs = [*value.items(), *dups.get(id(value), [])]
        return b"{" + b",".join(_write(k) + b":" + _unwrap(v, dups) for k, v in pairs) + b"}"
    if type(value) is list:
        return b"[" + b",".join(_unwrap(v, dups) for v in value) + b"]"
    return _write(value)


def _orjson_path(data: Any, cls: Any, forbid: bool) -> tuple[Any, list[Issue]]:
    """What :func:`lms_schema.loads` gave before the mirrors: orjson, then structure."""
    try:
        payload = decode(data)
    except FieldError as exc:
        return None, [Issue("$", exc.code, exc.message)]
    return structure_issues(payload, cls, forbid_unknown_keys=forbid)


_DECLINED = object()


def _assert_agree(cls: Any, data: Any, forbid: bool) -> Any:
    expected, issues = _orjson_path(data, cls, forbid)
    fast = bytes_structurer(cls, forbid)
    assert fast is not None
    try:
        got = fast(data)
    except Exception:  # noqa: BLE001 - declining is always allowed ...
        got = _DECLINED
    if currently_in_test_context():
        note(f"orjson path: {expected!r} {issues!r}; mirror path: {got!r}")
    if got is not _DECLINED:  # ... accepting only what the orjson path accepts, equal
        assert issues == []
        assert type(got) is type(expected)
        assert got == expected
        assert converter.unstructure(got) == converter.unstructure(expected)
    try:
        value = lms_schema.loads(data, cls, forbid_unknown_keys=forbid)
    except lms_schema.ValidationError as exc:
        assert list(exc.issues) == issues
    else:
        assert issues == []
        assert value == expected
        assert converter.unstructure(value) == converter.unstructure(expected)
    return got


@given(_documents(), st.booleans())
def test_documents_agree(case: tuple[Any, Any], forbid: bool) -> None:
    cls, data = case
    got = _assert_agree(cls, data, forbid)
    event("mirror path: declined" if got is _DECLINED else "mirror path: value")


@given(_classes.flatmap(lambda cls: lst.payloads(cls).map(lambda p: (cls, p))), st.booleans())
def test_valid_documents_take_the_mirror_path(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    data = lms_schema.dumps(lms_schema.structure(payload, cls))  # no unknown keys
    assert _assert_agree(cls, data, forbid) is not _DECLINED


def test_examples() -> None:
    base = (
        b'{"id":"' + _UUID.encode() + b'","remote_id":null,'
        b'"modified_at":"2021-10-16T00:00:00Z","custom_fields":null'
    )
    fast = bytes_structurer(Completion)
    assert fast is not None
    assert fast(base + b"}").score is lms_schema.ABSENT
    assert fast(base + b',"score":null}').score is None
    assert fast(base + b',"score":1,"score":2}').score == 2  # the last copy, like orjson
    for doc in (
        base + b',"score":1.0}',
        base + b',"score":true}',
        base + b',"score":9223372036854775808}',
        base + b',"nickname":"A"}',  # unknown keys: orjson decides
        base + b',"nickname":"\xff"}',
        base + b',"raw_data":{"a":"\\ud800"}}',
        base + b"}x",
    ):
        assert _assert_agree(Completion, doc, False) is _DECLINED
    for doc in (base + b',"score":1.0}', base + b',"nickname":"\xff"}', base + b"}x"):
        issues = _orjson_path(doc, Completion, False)[1]
        assert issues and issues[0].code in {"wrong_type", "invalid_json"}
    assert lms_schema.loads(base + b',"nickname":"A"}', Completion).id == fast(base + b"}").id
    assert lms_schema.loads(base + b',"raw_data":{"a":"\\ud800"}}', Completion).raw_data == {
        "a": "\ud800"
    }


def test_expanded_objects_at_and_past_the_fast_depth() -> None:
    """Expanded objects are mirrors down to FAST_MAX_DEPTH nested expansions; one level
    deeper the mirror path declines and the orjson path gives the same model."""

    def course(levels: int) -> dict[str, Any]:
        """A course expanded ``levels`` deep: course -> contents -> courses -> ..."""
        leaf: dict[str, Any] = {"languages": ["en"], "duration": "PT1H"}
        node = {"name": "leaf", **leaf} if levels % 2 else {"title": "leaf", **leaf}
        for level in range(levels - 1, 0, -1):  # the object at nesting `level`
            if level % 2:
                node = {"name": f"course {level}", "contents": [node, _UUID]}
            else:
                node = {"title": f"content {level}", "courses": [_UUID, node]}
        return node

    base = {
        "id": _UUID,
        "remote_id": None,
        "modified_at": "2021-10-16T00:00:00Z",
        "custom_fields": None,
    }
    fast = bytes_structurer(Completion)
    assert fast is not None
    # Completion.course -> contents -> courses: each level a different mirror.
    at_limit = json.dumps({**base, "course": course(FAST_MAX_DEPTH)}).encode()
    past_limit = json.dumps({**base, "course": course(FAST_MAX_DEPTH + 1)}).encode()
    value = _assert_agree(Completion, at_limit, False)
    assert value is not _DECLINED
    assert value.course.contents[0].courses[1].languages == ["en"]
    assert _assert_agree(Completion, past_limit, False) is _DECLINED
    deep: Any = lms_schema.loads(past_limit, Completion)
    assert deep == lms_schema.structure(json.loads(past_limit), Completion)
    assert deep.course.contents[0].courses[1].contents[0].title == "leaf"
    # An unknown key in an expanded object: the mirror declines, orjson decides.
    unknown = json.dumps({**base, "user": {"first_name": "Ana", "nickname": "A"}}).encode()
    assert _assert_agree(Completion, unknown, False) is _DECLINED
    with_unknown: Any = lms_schema.loads(unknown, Completion)
    assert with_unknown.user.first_name == "Ana"


def test_unsupported_classes_and_deep_documents() -> None:
    assert bytes_structurer(list[Completion]) is None
    assert bytes_structurer(Page) is None
    deep = (
        b'{"id":"' + _UUID.encode() + b'","remote_id":null,'
        b'"modified_at":"2021-10-16T00:00:00Z","custom_fields":null,'
        b'"user":{"first_name":"Ana","nickname":' + b"[" * 1100 + b"]" * 1100 + b"}}"
    )
    limit = sys.getrecursionlimit()
    for new_limit in (limit, 1000, 5000):  # msgspec could nest deeper than orjson at 5000
        sys.setrecursionlimit(new_limit)
        try:
            assert _assert_agree(Completion, deep, False) is _DECLINED
            assert _orjson_path(deep, Completion, False)[1][0].code == "invalid_json"
            for form in (deep.decode(), bytearray(deep), memoryview(deep)):
                assert _assert_agree(Completion, form, False) is _DECLINED
        finally:
            sys.setrecursionlimit(limit)


def test_without_msgspec_loads_takes_the_orjson_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_mirror, "_msgspec", lambda: None)
    monkeypatch.setattr(_mirror, "_BYTES_STRUCTURERS", {})
    assert bytes_structurer(Completion) is None
    doc = (
        b'{"id":"' + _UUID.encode() + b'","remote_id":null,'
        b'"modified_at":"2021-10-16T00:00:00Z","custom_fields":null,"score":3}'
    )
    assert lms_schema.loads(doc, Completion).score == 3
    try:
        lms_schema.loads(doc.replace(b"3}", b"3.0}"), Completion)
    except lms_schema.ValidationError as exc:
        assert [(i.path, i.code) for i in exc.issues] == [("$.score", "wrong_type")]
    else:  # pragma: no cover
        raise AssertionError("a float score was accepted")
