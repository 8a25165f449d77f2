"""The fast path (generated functions, ``lms_schema._gen.fast``) against the cattrs path.

For any payload, valid or not: the fast path succeeds exactly when the cattrs path does, with
an equal model (same offsets, same dumped bytes); when it declines, the public functions give
the cattrs path's issues. Unstructuring and dumping give the cattrs hooks' output exactly.

Payloads come from the shared strategies of :mod:`lms_schema.strategies`: valid payloads,
payloads with exactly one violation and the messy shapes vendors send, for every model and
``Page[...]``. On top of those, a local mutation layer changes one or two values anywhere in a
valid payload (wrong types, bad ids, 32-hex ids, date-times with a space, ``+0100``, seven
fraction digits, a leap second or no time, bad durations, bool scores, huge ints, bad fields
in nested relations, unknown keys), with ``forbid_unknown_keys`` on and off.
"""

from __future__ import annotations

import copy
import linecache
import math
import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import attrs
import orjson
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import lms_schema
from lms_schema import (
    Completion,
    Content,
    Course,
    Enrollment,
    Page,
    PartialEnrollment,
    User,
)
from lms_schema import _validate as _validate_module
from lms_schema import strategies as lst
from lms_schema._api import structure_issues
from lms_schema._convert.converter import converter, issues_from_exception, strict_converter
from lms_schema._gen import fast as fast_module
from lms_schema._gen.fast import DUMP_OPTIONS, dumper, structurer, unstructurer
from lms_schema._gen.mirror import bytes_structurer
from lms_schema._gen.validator import validator
from lms_schema._lenient.readers import uuid_reader
from lms_schema._models.fields import fields_of
from lms_schema._models.models import MODELS
from lms_schema._normalize import lenient_normalize
from lms_schema._request.expectations import page_warnings
from lms_schema._validate import (
    _completion_warnings,
    _is_clean,
    _raw_warnings,
    _semantic_warnings,
)
from lms_schema._values.datetimes import _parse_general, format_datetime, parse_datetime
from lms_schema._values.durations import MAX_MICROSECONDS, Duration, ends_after
from lms_schema._values.ids import parse_uuid as uuid_parser
from lms_schema._values.issues import Issue
from lms_schema._values.jsonvalue import encode

# -- payloads ------------------------------------------------------------------------------

_targets: list[Any] = [*MODELS, Page[Completion], Page[User], PartialEnrollment]
_classes = st.sampled_from(_targets)


def _with_class(strategy: Any) -> Any:
    return _classes.flatmap(lambda cls: strategy(cls).map(lambda payload: (cls, payload)))


def _cases() -> st.SearchStrategy[tuple[Any, Any]]:
    """(class, valid payload) pairs."""
    return _with_class(lst.payloads)  # type: ignore[no-any-return]


@st.composite
def _datetime_texts(draw: st.DrawFn) -> str:
    """Date-time text in every shape the general parser handles (and some it rejects)."""
    when = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    text = f"{when.year:04d}" + when.strftime("-%m-%dT%H:%M:%S")
    digits = draw(st.sampled_from([0, 1, 3, 6, 7, 9]))
    if digits:
        text += "." + f"{when.microsecond:06d}{draw(st.integers(0, 999)):03d}"[:digits]
    offset = draw(st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+23:59", ""]))
    if draw(st.booleans()):
        text = text[:10] + "t" + text[11:]
    return text + offset


_ids = lst.uuids()


# -- mutations ------------------------------------------------------------------------------

_BAD_VALUES = [
    None, True, False, 0, -1, 2**63, -(2**63) - 1, 10**20, 1.5, math.nan, "", "x", [], {},
    ["x"], {"a": 1}, {1: 2}, {"a": {1, 2}},
    "3C90C3CC0D444B5088888DD25736052A", "{3c90c3cc-0d44-4b50-8888-8dd25736052a}",
    "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", " 3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc-0d44-4b50-8888-8dd25736052g",
    "2025-08-01 10:00:00Z", "2025-08-01T10:00:00+0100", "2025-08-01T10:00:00.1234567Z",
    "2016-12-31T23:59:60Z", "2025-08-01", "2025-02-30T00:00:00Z", "2025-08-01T10:00:00+24:00",
    "2025-08-01T10:00:00.Z", "<string>", "2025-08-01T10:00:00", "2025-08-01T10:00:00.123+01:00",
    "PT", "P1DT", "-PT1H", "pt1h", "PT1.5H30M", "P4W1D", "PT1H\n", "P0001-02-03T04:05:06",
    "P99999999999999999999Y", "PASS", "pass", "-", "ACTIVE",
]  # fmt: skip


def _nodes(payload: Any) -> list[Any]:
    """Every dict and list in a payload (the places a mutation can go)."""
    out, stack = [], [payload]
    while stack:
        node = stack.pop()
        if type(node) in (dict, list):
            out.append(node)
            stack.extend(node.values() if type(node) is dict else node)
    return out


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[Any, Any]:
    cls, payload = draw(_cases())
    return _mutate(draw, cls, payload)


def _mutate(draw: st.DrawFn, cls: Any, payload: Any) -> tuple[Any, Any]:
    """(cls, a copy of ``payload`` with one or two values changed or keys removed)."""
    payload = copy.deepcopy(payload)
    for _ in range(draw(st.integers(1, 2))):
        node = draw(st.sampled_from(_nodes(payload)))
        # A copy: the [] and {} of _BAD_VALUES must not collect mutations across examples
        # (they did, and a later example made a payload that contained itself).
        bad = copy.deepcopy(draw(st.sampled_from(_BAD_VALUES) | _datetime_texts() | _ids))
        if type(node) is list:
            if node:
                node[draw(st.integers(0, len(node) - 1))] = bad
            else:
                node.append(bad)
            continue
        keys = [*node, "unknown_key", "score", "id", "user", "started_at", "time_duration"]
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["set", "delete", "set"]))
        if action == "delete":
            node.pop(key, None)
        else:
            node[key] = bad
    return cls, payload


# -- the properties -------------------------------------------------------------------------

_DECLINED = object()


def _cattrs_path(payload: Any, cls: Any, forbid: bool) -> tuple[Any, list[Issue]]:
    conv = strict_converter if forbid else converter
    try:
        return conv.structure(payload, cls), []
    except Exception as exc:  # noqa: BLE001 - the reference behaviour, whatever it raises
        return None, issues_from_exception(exc)


def _assert_agree(cls: Any, payload: Any, forbid: bool) -> None:
    expected, expected_issues = _cattrs_path(payload, cls, forbid)
    fast = structurer(cls, forbid)
    assert fast is not None
    try:
        got = fast(payload)
    except Exception:  # noqa: BLE001 - declining is always allowed ...
        got = _DECLINED
    note(f"cattrs: {expected!r} {expected_issues!r}")
    if expected_issues:
        assert got is _DECLINED  # ... and required when the cattrs path rejects
    else:
        assert got is not _DECLINED, "the fast path declined a valid payload"
        assert type(got) is type(expected)
        assert got == expected
        # == on date-times ignores the offset: compare the canonical forms too.
        assert converter.unstructure(got) == converter.unstructure(expected)
    # The public functions give the cattrs path's answer either way.
    assert structure_issues(payload, cls, forbid_unknown_keys=forbid) == (
        expected,
        expected_issues,
    )


@given(_cases(), st.booleans())
def test_valid_payloads_agree(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    _assert_agree(cls, payload, forbid)
    assert structure_issues(payload, cls, forbid_unknown_keys=forbid)[1] == []


@given(_mutated(), st.booleans())
def test_mutated_payloads_agree(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    _assert_agree(cls, payload, forbid)


@given(_with_class(lst.invalid_payloads), st.booleans())
def test_invalid_payloads_agree(case: tuple[Any, tuple[Any, str]], forbid: bool) -> None:
    cls, (payload, path) = case
    _assert_agree(cls, payload, forbid)
    _, issues = structure_issues(payload, cls, forbid_unknown_keys=forbid)
    assert path in [issue.path for issue in issues]


@given(_with_class(lst.messy_payloads), st.booleans())
def test_messy_payloads_agree(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    _assert_agree(cls, payload, forbid)


@given(_classes.flatmap(lst.models))
def test_models_unstructure_and_dump_like_the_cattrs_hooks(model: Any) -> None:
    """Any model (any offset, microseconds, fractional months): the generated functions give
    the cattrs hooks' output, and orjson writes what the slow path writes."""
    expected = converter.unstructure(model)
    assert lms_schema.unstructure(model) == expected
    assert lms_schema.dumps(model) == encode(expected)


@given(_cases())
def test_unstructure_and_dumps_agree(case: tuple[Any, Any]) -> None:
    cls, payload = case
    model = lms_schema.structure(payload, cls)
    expected = converter.unstructure(model)
    assert lms_schema.unstructure(model) == expected
    assert lms_schema.dumps(model) == encode(expected)


@given(_cases())
def test_validate_shortcuts_agree(case: tuple[Any, Any]) -> None:
    """The quick checks of validate() find warnings exactly when the full walks do."""
    cls, payload = case
    assert _is_clean(payload, cls) == (list(_raw_warnings(payload, cls)) == [])
    report = lms_schema.validate(payload, cls)
    value = lms_schema.structure(payload, cls)
    expected = [*_raw_warnings(payload, cls), *_reference_semantic_warnings(value)]
    if isinstance(value, lms_schema.Page):  # page_size mismatch, repeated ids (request-aware)
        expected += page_warnings(payload)
    assert list(report.warnings) == expected
    assert list(_semantic_warnings(value)) == list(_reference_semantic_warnings(value))


def _reference_semantic_warnings(value: Any) -> list[Issue]:
    """Completion warnings found by visiting every field of every model (no skipping)."""
    out: list[Issue] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, Page):
            stack.extend((item, (*path, "items", i)) for i, item in enumerate(obj.items))
            continue
        if not attrs.has(type(obj)):
            continue
        if isinstance(obj, lms_schema.PartialCompletion):
            out.extend(_completion_warnings(obj, path))
        for a in attrs.fields(type(obj)):
            child = getattr(obj, a.name)
            if type(child) is list:
                stack.extend(
                    (c, (*path, a.name, i)) for i, c in enumerate(child) if attrs.has(type(c))
                )
            elif attrs.has(type(child)):
                stack.append((child, (*path, a.name)))
    return out


@given(
    _datetime_texts()
    | lst.datetimes()
    | st.sampled_from([v for v in _BAD_VALUES if type(v) is str])
)
def test_datetime_shortcut_agrees(text: str) -> None:
    """parse_datetime's shortcut for common shapes gives what the general parser gives."""
    try:
        expected: Any = _parse_general(text)
    except lms_schema.ValidationError:  # pragma: no cover - not raised by the parser
        raise
    except ValueError as exc:
        expected = (type(exc), str(exc))
    try:
        got: Any = parse_datetime(text)
    except ValueError as exc:
        got = (type(exc), str(exc))
    assert got == expected
    if isinstance(got, datetime):
        assert got.utcoffset() == expected.utcoffset()
        assert got.tzinfo == expected.tzinfo


_ODD_CHARACTERS = [chr(c) for c in range(0x250)] + [
    "\u0660",  # ARABIC-INDIC DIGIT ZERO
    "\u06f1",
    "\uff11",  # FULLWIDTH DIGIT ONE
    "\u2007",
    "\u00b2",
    "\U0001d7ce",  # MATHEMATICAL BOLD DIGIT ZERO
]


@pytest.mark.parametrize(
    "base", ["2025-08-01T10:00:00Z", "2025-08-01T10:00:00.123Z", "2025-08-01T10:00:00.123456Z"]
)
def test_utc_shortcuts_are_exactly_as_strict_as_the_general_parser(base: str) -> None:
    """The generated code takes YYYY-MM-DDThh:mm:ss[.fff|.ffffff]Z on its length and
    separators alone and trusts fromisoformat with the digits: every other character at every
    digit position must make both fast paths (dicts and bytes) decline exactly when the
    general parser rejects the text."""
    fast = structurer(Completion)
    from_bytes = bytes_structurer(Completion)
    assert fast is not None and from_bytes is not None
    for position in [i for i, c in enumerate(base) if c.isdigit()]:
        for char in _ODD_CHARACTERS:
            text = base[:position] + char + base[position + 1 :]
            payload = {**_BASE, "completed_at": text}
            try:
                expected: Any = _parse_general(text)
            except ValueError:
                expected = None
            for path in (fast, from_bytes):
                try:
                    got: Any = path(payload if path is fast else orjson.dumps(payload))
                    got = got.completed_at
                except Exception:  # noqa: BLE001 - any failure is the fast path declining
                    got = None
                assert got == expected, text
                if expected is not None:
                    assert got.utcoffset() == expected.utcoffset()
                    assert got.microsecond == expected.microsecond


_UUID_BASES = ["3c90c3cc-0d44-4b50-8888-8dd25736052a", "3C90C3CC-0D44-4B50-8888-8DD25736052A"]


#: the generated Python function, also where the native builders are on (lms_schema._gen.native)
_PYTHON_STRUCTURER = fast_module.StructureBuilder(False, native=False).build(Completion)


def _id_readers() -> dict[str, Any]:
    """Every generated function taking an id, as payload -> value: from dicts, from bytes,
    and validate()'s (which returns INVALID when it finds errors)."""
    fast, from_bytes, checker = (
        structurer(Completion),
        bytes_structurer(Completion),
        validator(Completion),
    )
    assert fast is not None and from_bytes is not None and checker is not None
    return {
        "dicts": fast,
        "dicts, generated Python": _PYTHON_STRUCTURER,
        "bytes": lambda payload: from_bytes(orjson.dumps(payload)),
        "validate": lambda payload: checker(payload, []),
    }


def _id_outcome(read: Any, payload: dict[str, Any]) -> Any:
    """(the record's id, its user's id), or None when the path declines or finds errors."""
    try:
        value = read(payload)
    except Exception:  # noqa: BLE001 - any failure is the fast path declining
        return None
    if not isinstance(value, Completion):  # validate()'s function: INVALID, errors found
        return None
    user = value.user
    assert isinstance(user, UUID | lms_schema.PartialUser)
    return (value.id, user if isinstance(user, UUID) else user.id)


def _expected_id(text: str) -> UUID | None:
    try:
        return uuid_parser(text)
    except ValueError:
        return None


def _check_id_text(text: str) -> None:
    expected = _expected_id(text)
    base: dict[str, Any] = {**_BASE, "user": "8f14e45f-ceea-467a-9af0-0e6d2a2e5f10"}
    cases: list[tuple[dict[str, Any], Any]] = [
        ({**base, "id": text}, (expected, UUID(base["user"]))),
        ({**base, "user": {"id": text}}, (UUID(base["id"]), expected)),
    ]
    for payload, want in cases:
        if expected is None:
            want = None
        for name, read in _id_readers().items():
            assert _id_outcome(read, payload) == want, (text, name)


@pytest.mark.parametrize("base", _UUID_BASES)
def test_uuid_shortcut_is_exactly_as_strict_as_the_parser(base: str) -> None:
    """Ids are read by msgspec's UUID parser after a test of their length (the ``fast``
    extra): every other character at every position, and every insertion and deletion, must
    make the fast paths decline exactly when the cattrs path's parser rejects the text."""
    for position in range(len(base)):
        for char in [*_ODD_CHARACTERS, "-", "g", "G", "{", "}"]:
            _check_id_text(base[:position] + char + base[position + 1 :])
        _check_id_text(base[:position] + base[position + 1 :])
        _check_id_text(base[:position] + "0" + base[position:])
        _check_id_text(base[:position] + "-" + base[position:])
    for text in [base.replace("-", ""), "{" + base + "}", "urn:uuid:" + base, base + " "]:
        _check_id_text(text)


_ID_ALPHABET = "0123456789abcdefABCDEF-g {}\u0660\uff11\u00e9"


@given(
    st.text(_ID_ALPHABET, min_size=30, max_size=40)
    | st.uuids().map(str).map(lambda t: t.upper())
    | st.uuids().map(lambda u: u.hex)
    | st.builds(
        lambda u, i, c: str(u)[:i] + c + str(u)[i + 1 :],
        st.uuids(),
        st.integers(0, 35),
        st.sampled_from(_ID_ALPHABET),
    )
)
def test_uuid_shortcut_agrees(text: str) -> None:
    _check_id_text(text)


def test_ids_without_msgspec(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without msgspec the generated code reads ids with its own pattern: the same verdicts."""
    monkeypatch.setattr(fast_module, "_convert", None)
    fast = fast_module.StructureBuilder(False, native=False).build(Completion)
    assert "_convert" not in "".join(linecache.getlines(fast.__code__.co_filename))
    for base in _UUID_BASES:
        for text in [base, base.replace("-", ""), base[:-1] + "g", base[:8] + "+" + base[9:]]:
            expected = _expected_id(text)
            try:
                got = fast({**_BASE, "id": text}).id
            except Exception:  # noqa: BLE001 - the fast path declining
                got = None
            assert got == expected


# -- examples ------------------------------------------------------------------------------

_BASE = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


def test_the_fast_path_builds_every_supported_class() -> None:
    for cls in (*MODELS, Page[Completion]):
        assert structurer(cls) is not None
        assert structurer(cls, forbid_unknown_keys=True) is not None
    assert structurer(list[Completion]) is None
    assert structurer(Page) is None
    assert unstructurer(Page) is not None and dumper(Page) is not None
    assert unstructurer(dict) is None


def test_instances_are_of_the_model_classes_and_frozen() -> None:
    """The generated code fills an instance of a private class of the same layout and then
    switches its class: every instance it returns, nested ones included, is of the model
    class itself and frozen, and no model gains a subclass."""
    payload = {
        **_BASE,
        "user": {"id": _BASE["id"], "first_name": "Ana"},
        "course": {"name": "Safety", "categories": [{"name": "Ops"}, _BASE["id"]]},
    }
    page = {"cursor": None, "page_size": 1, "items": [payload]}
    from_dicts, from_bytes = structurer(Page[Completion]), bytes_structurer(Page[Completion])
    assert from_dicts is not None and from_bytes is not None
    for value in (from_dicts(page), from_bytes(orjson.dumps(page))):
        assert type(value) is Page
        completion: Any = value.items[0]
        kinds = [
            type(completion),
            type(completion.user),
            type(completion.course),
            type(completion.course.categories[0]),
        ]
        assert kinds == [
            Completion,
            lms_schema.PartialUser,
            lms_schema.PartialCourse,
            lms_schema.PartialCategory,
        ]
        assert completion == lms_schema.structure(payload, Completion)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            completion.score = 1
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del completion.course.name
    partials = [lms_schema.PartialUser, lms_schema.PartialCourse, lms_schema.PartialCategory]
    public = [getattr(lms_schema, name) for name in lms_schema.__all__]
    classes: list[type] = [*MODELS, *partials, Page]
    for cls in classes:
        # (users' own subclasses, such as those of test_custom_model, are theirs)
        every: list[type] = cls.__subclasses__()
        subclasses = [sub for sub in every if sub.__module__.startswith("lms_schema")]
        assert all(sub in public for sub in subclasses), cls


def test_forbid_unknown_keys_is_honoured() -> None:
    payload = {**_BASE, "user": {"first_name": "Ana", "nickname": "A"}}
    lenient, strict = structurer(Completion), structurer(Completion, forbid_unknown_keys=True)
    assert lenient is not None and strict is not None
    assert lenient(payload).user.first_name == "Ana"
    try:
        strict(payload)
    except Exception:  # noqa: BLE001
        pass
    else:  # pragma: no cover
        raise AssertionError("the fast path accepted an unknown key with forbid on")
    _, issues = structure_issues(payload, Completion, forbid_unknown_keys=True)
    assert issues == [Issue("$.user.nickname", "unknown_key", "unknown key 'nickname'")]


def test_declined_payloads_report_the_cattrs_errors() -> None:
    payload = {**_BASE, "id": "3c90c3cc0d444b5088888dd25736052a", "score": True}
    _, issues = structure_issues(payload, Completion)
    assert [(i.path, i.code) for i in issues] == [  # in wire order
        ("$.id", "invalid_uuid"),
        ("$.score", "wrong_type"),
    ]


def test_equal_models_and_offsets() -> None:
    payload = {
        **_BASE,
        "modified_at": "2021-10-16T02:00:00.123+02:00",
        "started_at": "2021-10-16T00:00:00.1234567Z",
        "grade": "Passed",
        "time_duration": "PT75M",
        "course": {"id": "3C90C3CC-0D44-4B50-8888-8DD25736052B", "contents": [_BASE["id"]]},
    }
    model = lms_schema.structure(payload, Completion)
    assert model == converter.structure(payload, Completion)
    assert model.modified_at == datetime(2021, 10, 16, 0, 0, 0, 123000, tzinfo=UTC)
    assert isinstance(model.modified_at, datetime)
    assert model.modified_at.utcoffset() == timedelta(hours=2)
    assert model.started_at == datetime(2021, 10, 16, 0, 0, 0, 123456, tzinfo=UTC)
    assert isinstance(model.grade, lms_schema.Grade)
    assert model.grade == "Passed" and not model.grade.is_known
    assert lms_schema.dumps(model) == (
        b'{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","remote_id":null,'
        b'"modified_at":"2021-10-16T02:00:00.123+02:00","custom_fields":null,'
        b'"course":{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052b",'
        b'"contents":["3c90c3cc-0d44-4b50-8888-8dd25736052a"]},"grade":"Passed",'
        b'"started_at":"2021-10-16T00:00:00.123456Z","time_duration":"PT1H15M"}'
    )


def test_dumps_falls_back_for_what_orjson_refuses() -> None:
    model = lms_schema.structure({**_BASE, "remote_id": "\ud800"}, Completion)
    assert lms_schema.dumps(model) == encode(converter.unstructure(model))
    assert DUMP_OPTIONS  # whole-second UTC date-times are written by orjson with "Z"


def test_models_built_by_hand_unstructure_like_the_cattrs_hooks() -> None:
    odd = Completion(
        id=UUID(_BASE["id"]),
        remote_id=None,
        modified_at=datetime(2021, 10, 16, tzinfo=timezone(timedelta(hours=-3))),
        custom_fields=None,
        user=User(  # a full model where a partial one is declared
            id=UUID(_BASE["id"]), remote_id="u", modified_at=datetime(2021, 1, 1), custom_fields={}
        ),
        score=-1,
    )
    assert lms_schema.unstructure(odd) == converter.unstructure(odd)
    assert lms_schema.dumps(odd) == encode(converter.unstructure(odd))
    for cls in (Course, Content, Enrollment):
        assert unstructurer(cls) is not None


def test_text_of_every_printable_key_is_checked() -> None:
    """Unknown keys of any spelling are ignored, or rejected with forbid on."""
    for key in string.punctuation:
        payload = {**_BASE, key: 1}
        assert lms_schema.structure(payload, Completion).id == UUID(_BASE["id"])
        assert structure_issues(payload, Completion, forbid_unknown_keys=True)[1]


# -- validate() and normalize(): the one-walk paths against the full paths -----------------


def _validate_reference(payload: Any, cls: Any, forbid: bool) -> lms_schema.Report:
    """validate() with its generated checker off: the strict structure (fast path or cattrs
    path), the clean check and the full walks, as before the checker existed."""
    key = (cls, forbid)
    checkers = _validate_module._CHECKERS
    known = key in checkers
    saved = checkers.get(key)
    checkers[key] = None
    try:
        return lms_schema.validate(payload, cls, forbid_unknown_keys=forbid)
    finally:
        if known:
            checkers[key] = saved
        else:
            del checkers[key]


def _assert_same_report(cls: Any, payload: Any, forbid: bool) -> None:
    expected = _validate_reference(payload, cls, forbid)
    got = lms_schema.validate(payload, cls, forbid_unknown_keys=forbid)
    note(f"expected: {expected}")
    assert got.errors == expected.errors
    assert got.warnings == expected.warnings
    assert type(got.value) is type(expected.value)
    assert got.value == expected.value
    if expected.value is not None:
        assert converter.unstructure(got.value) == converter.unstructure(expected.value)


def _any_payload() -> st.SearchStrategy[tuple[Any, Any]]:
    """(class, payload): valid, mutated, messy or with one violation."""
    invalid = _with_class(lst.invalid_payloads).map(lambda case: (case[0], case[1][0]))
    return st.one_of(_cases(), _mutated(), _with_class(lst.messy_payloads), invalid)


@given(_any_payload(), st.booleans())
def test_validate_in_one_walk_agrees_with_the_full_path(
    case: tuple[Any, Any], forbid: bool
) -> None:
    """The generated checker of validate() (one walk: value and warning flags) gives the
    report of the full path, on valid, mutated, messy and invalid payloads."""
    cls, payload = case
    _assert_same_report(cls, payload, forbid)


@given(_cases(), st.data())
def test_validate_flags_each_warning_in_one_walk(
    case: tuple[Any, Any], data: st.DataObject
) -> None:
    """A valid payload given one thing to warn about anywhere (an unknown key, a date-time
    without an offset, an unknown language code): the checker flags it, and the report is
    the full path's."""
    cls, payload = case
    payload = copy.deepcopy(payload)
    dicts = [node for node in _nodes(payload) if type(node) is dict]
    node = data.draw(st.sampled_from(dicts))
    change = data.draw(st.sampled_from(["unknown", "naive", "language"]))
    if change == "unknown":
        node[data.draw(st.sampled_from(["zzz", "Id", ""]))] = 1
    elif change == "naive":
        for key in ("modified_at", "started_at", "completed_at"):
            if type(node.get(key)) is str:
                node[key] = "2025-08-01T10:00:00"
    else:
        for key in ("languages",):
            if type(node.get(key)) is list:
                node[key] = [*node[key], "xx-YY"]
    for forbid in (False, True):
        _assert_same_report(cls, payload, forbid)
    # validate()'s own function flags exactly what the clean check finds, and builds what
    # structure() builds
    validate_fast = validator(cls, False)
    assert validate_fast is not None
    flagged: list[str] = []
    assert validate_fast(payload, flagged) == lms_schema.structure(payload, cls)
    assert (flagged == []) == _is_clean(payload, cls)


#: The four policies the canonical walk is compared under (its repairs call the policy's
#: readers): the default, a naive zone, rules switched off, the units and rounding.
_POLICY_LIST = [
    None,
    lms_schema.NormalizationPolicy(naive_timezone="Europe/Berlin"),
    lms_schema.NormalizationPolicy(
        disabled=frozenset({"grade.case", "datetime.naive", "id.braces"})
    ),
    lms_schema.NormalizationPolicy(duration_unit="min", epoch_unit="s", rounding="floor"),
]
_POLICIES = st.sampled_from(_POLICY_LIST)


def _assert_normalizes_alike(cls: Any, payload: Any, policy: Any) -> Any:
    """normalize() gives what the lenient walk alone gives: the same value, fixes (in the
    same order), errors and payload (same keys in the same order, same JSON text)."""
    expected = lenient_normalize(payload, cls, policy)
    got = lms_schema.normalize(payload, cls, policy=policy)
    assert got.fixes == expected.fixes, (policy, expected)
    assert got.errors == expected.errors
    assert got.value == expected.value
    if expected.value is not None:
        assert lms_schema.dumps(got.value) == lms_schema.dumps(expected.value)
        assert encode(got.payload) == encode(expected.payload)
        assert repr(got.payload) == repr(expected.payload)
    return got


@given(_any_payload(), _POLICIES)
def test_normalize_of_canonical_payloads_agrees_with_the_lenient_walk(
    case: tuple[Any, Any], policy: Any
) -> None:
    """The canonical-payload path of normalize() gives what the lenient walk gives: the same
    value, fixes, errors and payload (same keys in the same order, same JSON text)."""
    cls, payload = case
    _assert_normalizes_alike(cls, payload, policy)


@given(_classes, _POLICIES, st.data())
def test_normalize_of_messy_payloads_agrees_with_the_lenient_walk_under_every_policy(
    cls: Any, drawn_for: Any, data: st.DataObject
) -> None:
    """Messy payloads (the vendor shapes of ``messy_payloads``, drawn for one of the four
    policies), each normalized under all four: the canonical walk, which repairs the values
    of root fields with their readers, gives the lenient walk's value and fixes (errors
    where a policy switches a rule off)."""
    payload = data.draw(lst.messy_payloads(cls, policy=drawn_for))
    for policy in _POLICY_LIST:
        _assert_normalizes_alike(cls, payload, policy)


_LEFT_TO_THE_WALK = frozenset({"required.missing_to_null", "list.single_to_list"})


@given(_classes, _POLICIES, st.data())
def test_normalize_repairs_root_fields_without_declining(
    cls: Any, policy: Any, data: st.DataObject
) -> None:
    """A canonical payload with messy values in root fields (those of a messy payload that
    the lenient walk repairs there, but for missing keys and single values for lists) stays
    on the canonical walk, with the lenient walk's fixes and value."""
    from lms_schema.debug import record_declines

    messy = data.draw(lst.messy_payloads(cls, policy=policy))
    reference = lenient_normalize(messy, cls, policy)
    assert reference.payload is not None, reference.errors
    roots = {f"$.{field.name}": field.name for field in fields_of(cls).fields}
    payload = dict(reference.payload)
    repaired = [f for f in reference.fixes if f.path in roots and f.rule not in _LEFT_TO_THE_WALK]
    for fix in repaired:
        payload[roots[fix.path]] = fix.before
    note(f"payload: {payload!r}")
    with record_declines() as declines:
        lms_schema.normalize(reference.payload, cls, policy=policy)
    if declines:  # the canonical payload itself declines (expanded objects in lists)
        return
    with record_declines() as declines:
        got = _assert_normalizes_alike(cls, payload, policy)
    assert declines == []
    assert got.fixes == tuple(repaired)


def test_normalize_records_root_repairs_in_the_payloads_order() -> None:
    """The canonical walk repairs fields in their declared order; the fixes come in the
    order of the payload's keys, as the lenient walk records them."""
    ident = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    payload = {
        "score": "95",
        "modified_at": "2025-08-01 10:00:00Z",
        "grade": "Passed",
        "remote_id": None,
        "id": "{" + ident.upper() + "}",
        "custom_fields": None,
    }
    got = _assert_normalizes_alike(Completion, payload, None)
    assert [(f.path, f.rule) for f in got.fixes] == [
        ("$.score", "integer.numeric_string"),
        ("$.modified_at", "datetime.space_separator"),
        ("$.grade", "grade.synonym"),
        ("$.id", "id.braces"),
    ]
    assert list(got.payload) == list(payload)


def test_normalize_takes_the_canonical_path_for_canonical_payloads() -> None:
    """The strategies' valid payloads, written canonically, never decline (so the path is
    used, not only agreed with)."""
    from lms_schema.debug import record_declines

    ident = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    payload: dict[str, Any] = {
        "id": ident,
        "remote_id": None,
        "modified_at": "2025-08-01T10:00:00.5Z",
        "custom_fields": None,
        "user": "5c90c3cc-0d44-4b50-8888-8dd25736052a",
        "score": 90,
        "grade": "PASS",
        "started_at": "2025-08-01T10:00:00+02:00",
        "time_duration": "PT1H30M",
        "extra": {"kept": True},
    }
    with record_declines() as declines:
        result = lms_schema.normalize(payload, Completion)
    assert declines == []
    assert result.payload == payload and list(result.payload) == list(payload)
    assert result.payload is not payload
    # a re-spelling without a fix stays on the path; a repair leaves it
    respelled = {**payload, "id": ident.upper(), "time_duration": "PT90M"}
    with record_declines() as declines:
        result = lms_schema.normalize(respelled, Completion)
    assert declines == [] and result.fixes == ()
    assert result.payload == payload
    # a repair of a root field stays on it, one inside an expanded object leaves it
    with record_declines() as declines:
        result = lms_schema.normalize({**payload, "grade": "passed"}, Completion)
    assert declines == []
    assert [f.rule for f in result.fixes] == ["grade.synonym"]
    user = {"id": "{5C90C3CC-0D44-4B50-8888-8DD25736052A}"}
    with record_declines() as declines:
        result = lms_schema.normalize({**payload, "user": user}, Completion)
    assert [d.route for d in declines] == ["normalize"]
    assert [(f.path, f.rule) for f in result.fixes] == [("$.user.id", "id.braces")]


# -- the leaf shortcuts ----------------------------------------------------------------------


def _reference_format(value: datetime) -> str:
    """format_datetime as written before its orjson shortcut (strftime)."""
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        value = value.astimezone(UTC)
        offset = None
    if value.microsecond:
        body = value.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0")
    else:
        body = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.year < 1000:
        body = f"{value.year:04d}" + body[body.index("-") :]
    if offset is None or offset == timedelta(0):
        return body + "Z"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{body}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_ZONES = st.one_of(
    st.just(UTC),
    st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m))),
    st.integers(-86399, 86399).map(lambda s: timezone(timedelta(seconds=s))),
)


@given(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    _ZONES,
)
def test_format_datetime_writes_what_strftime_wrote(when: datetime, zone: timezone) -> None:
    value = when.replace(tzinfo=zone)
    assert format_datetime(value) == _reference_format(value)


@given(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    _ZONES,
    st.integers(0, 10**6),
    st.integers(-(10**15), 10**15),
    st.integers(0, 2 * 10**17),
)
def test_ends_after_by_elapsed_time_agrees_with_adding(
    when: datetime, zone: timezone, minutes: int, gap_us: int, duration_us: int
) -> None:
    """Without months and with fixed offsets, ends_after compares elapsed time; the general
    computation adds the duration to the start."""
    start = when.replace(tzinfo=zone)
    try:
        end = (start + timedelta(microseconds=gap_us)).astimezone(
            timezone(timedelta(minutes=minutes % 1440))
        )
    except OverflowError:
        return
    duration = Duration(microseconds=min(duration_us, MAX_MICROSECONDS))
    try:
        expected = duration.add_to(start) > end
    except OverflowError:
        expected = True
    assert ends_after(duration, start, end) is expected


@given(lst.uuids())
def test_the_uuid_reader_writes_the_uuid_text(text: str) -> None:
    assert uuid_reader(lms_schema.NormalizationPolicy())(text) == (str(UUID(text)), None)
