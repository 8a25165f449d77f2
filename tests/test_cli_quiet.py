"""The command line's quick lane for JSON Lines (``quiet_lines``): a line it takes is counted
as a record with nothing to say, without building a record or any issue (runs of such lines
are one record), or, when all its record has to say are the model's own warnings (a
completion ending before it starts), as a record with those issues; every other line is read
and checked as before. The lane must change nothing: the same issues in the same order and
the same summary, with it and without it, on every kind of line; and it must really take the
valid lines, or it saves nothing. Each of its forms is tested: msgspec's (the mirror Structs,
when msgspec is installed) with its loop in C (``_lane``, where built) and in Python, and
orjson's (without msgspec, and for lines with escapes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_custom_model import MyCompletion
from test_lane import _interval_payloads

from lms_schema import ABSENT, Absent, Completion, PartialCompletion, User
from lms_schema import strategies as lst
from lms_schema._capture import checks, run
from lms_schema._capture.checks import CheckOptions, check_record, quiet_lines
from lms_schema._capture.readers import ReadOptions, Record, Unit, line_records, value_records
from lms_schema._models.models import MODELS
from lms_schema._values.jsonvalue import encode, may_hold_wide_integer

_MODELS: list[Any] = [*MODELS, MyCompletion]

VALID = (
    b'{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","remote_id":"c-1",'
    b'"modified_at":"2025-08-01T10:00:00Z","custom_fields":null,'
    b'"user":"c80bb384-cdc9-4883-a5fc-06e7d0410b94","score":95,'
    b'"started_at":"2025-08-01T09:00:00Z","completed_at":"2025-08-01T10:00:00Z",'
    b'"time_duration":"PT30M"}'
)


def _edit(old: bytes, new: bytes) -> bytes:
    assert old in VALID
    return VALID.replace(old, new, 1)


#: Lines the lane must leave to the full reader, each for its own reason.
SPECIAL = [
    VALID,
    _edit(b'"score":95', b'"score":95,"score":96'),  # a repeated key
    _edit(b'"custom_fields":null', b'"custom_fields":{"a":1,"a":"1:2"}'),  # repeated, nested
    _edit(b'"custom_fields":null', b'"custom_fields":{"n":123456789012345678901}'),  # wide
    _edit(b'"remote_id":"c-1"', b'"remote_id":"\\ud800"'),  # a lone surrogate escape
    _edit(b'"remote_id":"c-1"', b'"remote_id":"c\\u003a1"'),  # an escape, no repeat
    _edit(b"T09:00:00Z", b"T09:00:00"),  # a date-time without an offset: a warning
    _edit(b'"score":95', b'"score":95,"colour":"red"'),  # an unknown key: a warning
    _edit(b'"score":95', b'"score":-1'),  # a negative score: a warning
    _edit(b'T10:00:00Z","time', b'T08:00:00Z","time'),  # completed before started
    _edit(b'"PT30M"', b'"PT3H"'),  # longer than the interval
    _edit(b'"score":95', b'"score":"95"'),  # an error
    _edit(b'"remote_id":"c-1",', b""),  # a required key missing
    b'{"items":[' + VALID + b'],"next":null,"previous":null}',  # a page on one line
    b"[" + VALID + b"]",
    b'"just text"',
    b"{not json",
    b"   ",
    b"",
    b"\xff\xfe",
]


#: The warnings of a completion's own values (not of its text): the lane knows them.
_INTERVAL = {"negative_score", "completed_before_started", "duration_exceeds_interval"}

#: The lanes: none (every line read and checked in full), orjson's, msgspec's with its loop
#: in Python, and with its loop in C (the default; in Python too where it is not built).
LANES = ["none", "orjson", "msgspec", "native"]


def _lane(name: str) -> Any:
    """A context in which :func:`run.process_unit` takes the lane ``name``."""
    if name == "none":
        return mock.patch.object(run, "quiet_lines", lambda *args: None)
    original = checks.quiet_lines
    return mock.patch.object(
        run,
        "quiet_lines",
        lambda *args: original(
            *args, use_msgspec=name in ("msgspec", "native"), native=name == "native"
        ),
    )


def _process(path: Path, model: Any, strict: bool, repeats: bool, lane: str = "native") -> Any:
    config = run.RunConfig(model, ReadOptions(duplicate_keys=repeats), CheckOptions(strict))
    with _lane(lane):
        result = run.process_unit(Unit(str(path), "jsonl"), config)
    return result.issues, result.summary


def _both(tmp: Path, lines: list[bytes], model: Any, strict: bool, repeats: bool) -> None:
    path = tmp / "lines.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    full = _process(path, model, strict, repeats, "none")
    for lane in LANES[1:]:
        assert _process(path, model, strict, repeats, lane) == full, lane


#: (line, path, code) of every issue of SPECIAL, read with duplicate keys as warnings.
EXPECTED = [
    (2, "$.score", "duplicate_key"),
    (3, "$.custom_fields.a", "duplicate_key"),
    (4, "$.custom_fields", "out_of_range"),
    (7, "$.started_at", "naive_datetime"),
    (8, "$.colour", "unknown_key"),
    (9, "$.score", "negative_score"),
    (10, "$.completed_at", "completed_before_started"),
    (11, "$.time_duration", "duration_exceeds_interval"),
    (12, "$.score", "wrong_type"),
    (13, "$.remote_id", "missing_key"),
    (14, "$.cursor", "missing_key"),
    (14, "$.page_size", "missing_key"),
    (14, "$.next", "unknown_key"),
    (14, "$.previous", "unknown_key"),
    (15, "$", "wrong_type"),
    (16, "$", "wrong_type"),
    (17, "$", "invalid_json"),
    (20, "$", "invalid_json"),
]


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("repeats", [False, True])
def test_special_lines(tmp_path: Path, strict: bool, repeats: bool) -> None:
    _both(tmp_path, SPECIAL, Completion, strict, repeats)
    issues, summary = _process(tmp_path / "lines.jsonl", Completion, strict, repeats)
    assert summary.records == len(SPECIAL) - 2  # the blank lines are no records
    found = [(i["line"], i["path"], i["code"]) for i in issues]
    expected = [row for row in EXPECTED if repeats or row[2] != "duplicate_key"]
    assert sorted(found) == sorted(expected)  # --strict makes unknown keys errors: first


@st.composite
def _lines(draw: st.DrawFn, model: Any) -> list[bytes]:
    def text(payload: Any) -> bytes:
        return encode(payload)  # orjson, or json for integers orjson cannot write

    one = st.one_of(
        lst.payloads(model).map(text),
        lst.payloads(model, unknown_keys=True).map(text),
        lst.invalid_payloads(model).map(lambda pair: text(pair[0])),
        lst.messy_payloads(model).map(text),
        st.sampled_from(SPECIAL),
        *([_interval_payloads().map(text)] if issubclass(model, PartialCompletion) else []),
    )
    return draw(st.lists(one, min_size=1, max_size=6))


@pytest.mark.parametrize("model", _MODELS, ids=lambda m: m.__name__)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), strict=st.booleans(), repeats=st.booleans())
def test_the_lane_changes_nothing(
    tmp_path: Path, model: Any, data: st.DataObject, strict: bool, repeats: bool
) -> None:
    """Issues in order and summaries equal with the lane and without it, on valid, invalid,
    messy and unknown-key payloads of every model and the special lines."""
    _both(tmp_path, data.draw(_lines(model)), model, strict, repeats)


@pytest.mark.parametrize("model", _MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("lane", ["orjson", "msgspec"])
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), strict=st.booleans())
def test_the_lane_takes_what_has_nothing_to_say(
    model: Any, lane: str, data: st.DataObject, strict: bool
) -> None:
    """A valid line the full check finds nothing to say about is taken by the lane (else
    the lane saves nothing; a run of 19 digits, which may be a wide integer, is the one
    thing the orjson lane leaves to the full reader), and a line it takes has nothing to
    say; a line whose only issues are the model's warnings is known with exactly those
    issues. The loop in C takes the same lines as the Python (but those with an escape; with
    the C modules turned off, the loop is the Python's)."""
    payloads = lst.payloads(model)
    if issubclass(model, PartialCompletion):
        payloads = payloads | _interval_payloads()
    line = orjson.dumps(data.draw(payloads)) + b"\n"
    quiet = quiet_lines(
        model, CheckOptions(strict), ReadOptions(duplicate_keys=True), use_msgspec=lane == "msgspec"
    )
    assert quiet is not None
    options = ReadOptions(duplicate_keys=True)
    issues = [
        issue
        for record in line_records("f", 1, line, options)
        for issue in check_record(record, model, CheckOptions(strict)).issues
    ]
    known = quiet.known(line)
    if known is not None:
        record = Record("f", 1, (), "known", known[0], known[1])
        assert check_record(record, model, CheckOptions(strict)).issues == issues
    if issues:
        assert quiet(line) is False
        codes = {issue["code"] for issue in issues}
        if lane == "msgspec" and b"\\" not in line and codes <= _INTERVAL and model is Completion:
            assert known is not None  # the model's warnings: known, not read again
    elif lane == "msgspec" and b"\\" not in line:
        assert quiet(line) is True
    else:
        assert quiet(line) is not may_hold_wide_integer(line)
    if lane == "msgspec":  # the loop in C leaves a line with an escape to the Python
        takes = quiet(line) and (b"\\" not in line or checks._lane is None)
        assert quiet.run([line], 0) == (1 if takes else 0)


def test_a_user_without_problems_is_quiet() -> None:
    user = {
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "remote_id": None,
        "modified_at": "2021-10-16T00:00:00Z",
        "custom_fields": None,
    }
    for lane in ("orjson", "msgspec"):
        read = ReadOptions(duplicate_keys=True)
        quiet = quiet_lines(User, CheckOptions(), read, use_msgspec=lane == "msgspec")
        assert quiet is not None
        assert quiet(orjson.dumps(user) + b"\n") is True
        assert quiet(orjson.dumps({**user, "remote_id": "a\nb"})) is True  # escaped
        assert quiet(orjson.dumps({**user, "x": 1})) is False  # an unknown key: a warning
        assert quiet(b'{"id": 1}') is False
        assert quiet(b"") is False
        big = orjson.dumps({**user, "custom_fields": {"n": 2**64 - 1}})
        assert quiet(big) is (lane == "msgspec")  # a 20-digit run: orjson's lane is unsure
        assert quiet(big.replace(b"615", b"616")) is False  # 2**64: too wide


@attrs.frozen(kw_only=True)
class Bundle(PartialCompletion):
    """A model of one's own with an ``items`` field: its records can look like pages."""

    items: list[str] | Absent | None = ABSENT


def test_a_model_with_items_leaves_page_like_records_to_the_full_reader(tmp_path: Path) -> None:
    lines = [b'{"items":["a"]}', b'{"items":["a"],"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}']
    for strict in (False, True):
        _both(tmp_path, lines, Bundle, strict, True)
    issues, summary = _process(tmp_path / "lines.jsonl", Bundle, False, True)
    assert summary.records == 2  # the first is read as a page of one item (a string)
    assert [(i["line"], i["path"], i["code"]) for i in issues][:1] == [
        (1, "$.items[0]", "wrong_type")
    ]


@pytest.mark.parametrize("lane", ["orjson", "msgspec"])
def test_repeated_keys_in_any_key_order(lane: str) -> None:
    """A line written as the model's own compact encoding, one with its keys in another
    order or spaced out, and each of them with a key repeated."""
    read = ReadOptions(duplicate_keys=True)
    quiet = quiet_lines(Completion, CheckOptions(), read, use_msgspec=lane == "msgspec")
    assert quiet is not None
    record = orjson.loads(VALID)
    backwards = orjson.dumps(dict(reversed(record.items())))
    spaced = json.dumps(record).encode()  # ", " and ": "
    for line in (VALID, backwards, spaced):
        assert quiet(line + b"\n") is True
        twice = line[:-1] + b',"score":95}'
        assert quiet(twice + b"\n") is False
        assert quiet(line.replace(b'"score"', b'"score":1,"score"', 1)) is False


def test_values_of_a_bag_or_a_column() -> None:
    """Dask bags and Spark columns of JSON text take the lane too: a quiet record keeps its
    place (the summary counts its file), anything else is read in full."""
    read = ReadOptions(duplicate_keys=True)
    quiet = quiet_lines(Completion, CheckOptions(), read)
    (record,) = value_records("<bag partition 0>", 7, VALID.decode(), read, quiet)
    assert (record.file, record.line, record.kind) == ("<bag partition 0>", 7, "quiet")
    assert check_record(record, Completion, CheckOptions()).issues == []
    bad = _edit(b'"score":95', b'"score":"95"')
    (record,) = value_records("<bag partition 0>", 8, bad, read, quiet)
    assert record.kind == "record"
    assert [i["code"] for i in check_record(record, Completion, CheckOptions()).issues] == [
        "wrong_type"
    ]
