"""A bounded run of the fuzz harness (``lms_schema._fuzz``), its walks, and regression inputs."""

from __future__ import annotations

import io
import json
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lms_schema
from lms_schema import Completion, Page, User, _fuzz
from lms_schema._fuzz import inputs, walk
from lms_schema._fuzz.choices import HOSTILE, RandomChoices
from lms_schema._fuzz.oracles import Finding, HarnessError, call, expect
from lms_schema._models.errorbodies import ERROR_BODIES

DEPTH = 100_000


def test_fuzz_bounded() -> None:
    """The harness under the active profile (``ci``: 200 inputs, derandomized)."""
    given(st.data())(_fuzz.fuzz_body)()


def test_fuzz_one_input_runs_fixed_buffers() -> None:
    """The entry point atheris drives: every buffer is a valid run or None, never a crash."""
    for buffer in (b"", b"\x00" * 64, bytes(range(256)) * 4, b"\xff" * 1024):
        _fuzz.fuzz_one.hypothesis.fuzz_one_input(buffer)  # type: ignore[attr-defined]


# -- walks over deep inputs ----------------------------------------------------------------------


def _deep_payload() -> Any:
    return {"id": "x", "custom_fields": inputs.deep(DEPTH, "leaf")}


def test_the_walks_handle_a_100000_deep_payload() -> None:
    payload = _deep_payload()
    count = walk.count_nodes(payload)
    assert count == DEPTH + 3  # the object, "x", DEPTH containers, "leaf"
    assert walk.depth(payload) == DEPTH + 1
    last = walk.nth_path(payload, count - 1)
    assert len(last) == DEPTH + 1 and last[0] == "custom_fields"
    assert walk.get_at(payload, last) == "leaf"
    changed = walk.set_at(payload, last, "new")
    assert walk.get_at(changed, last) == "new" and walk.get_at(payload, last) == "leaf"
    deleted = walk.set_at(payload, last[:-1], None, delete=True)
    assert walk.count_nodes(deleted) == count - 2
    assert walk.stringify(payload).startswith("<dict nested 100001 levels")
    saved = walk.dump_value(payload)
    assert walk.depth(walk.load_value(json.loads(json.dumps(saved)))) == DEPTH + 1


def test_mutating_a_100000_deep_payload() -> None:
    """The mutation layer draws paths into, and rewrites, a payload of any depth."""
    deep_site = st.just(_deep_payload())
    strategy = st.builds(lambda p: p, deep_site)

    @settings(max_examples=5, database=None)
    @given(st.data())
    def mutate(data: st.DataObject) -> None:
        payload = data.draw(strategy)
        index = data.draw(st.integers(0, walk.count_nodes(payload) - 1))
        path = walk.nth_path(payload, index)
        wrapped = walk.set_at(payload, path, [walk.get_at(payload, path)])
        assert walk.count_nodes(wrapped) == walk.count_nodes(payload) + 1
        walk.stringify(walk.get_at(wrapped, path))

    mutate()


def test_the_oracles_survive_a_100000_deep_payload() -> None:
    _fuzz.run_checks("mutated-payload", Completion, _deep_payload())
    _fuzz.run_checks("mutated-payload", Page[User], {"items": [_deep_payload()]})
    _fuzz.run_checks("bytes", User, b"[" * DEPTH + b"]" * DEPTH)


def test_nth_path_visits_every_value_in_pre_order() -> None:
    payload = {"a": [1, {"b": 2, "c": []}], "d": {}}
    paths = [walk.nth_path(payload, i) for i in range(walk.count_nodes(payload))]
    assert paths == [(), ("a",), ("a", 0), ("a", 1), ("a", 1, "b"), ("a", 1, "c"), ("d",)]
    with pytest.raises(IndexError):
        walk.nth_path(payload, 7)
    assert walk.count_nodes(5) == 1 and walk.depth(5) == 0 and walk.depth([[]]) == 2


@pytest.mark.parametrize(
    "value",
    [
        {"k": [math.inf, -math.inf, -0.0, 10**4000, -(2**64), b"\xff", bytearray(b"x")]},
        {1: (1, frozenset({2})), (1, 2): {3}, "\ud800": "\udfff", "": None, "t": True},
        [memoryview(b"ab"), 1.5, "x" * 100],
    ],
)
def test_saved_inputs_load_back_equal(value: Any) -> None:
    document = json.loads(json.dumps(walk.dump_value(value)))
    again = walk.load_value(document)
    assert repr(again) == repr(value) or again == value
    assert type(again) is type(value)


def test_saved_inputs_keep_odd_values() -> None:
    nan_box = walk.load_value(walk.dump_value([math.nan, object(), ...]))
    assert math.isnan(nan_box[0]) and type(nan_box[1]) is object
    assert nan_box[2] == "Ellipsis"  # anything else comes back as its repr
    shared: list[Any] = [1]
    looped: list[Any] = [shared, shared]
    looped.append(looped)
    again = walk.load_value(walk.dump_value(looped))
    assert again[0] is again[1] and again[2] is again
    with pytest.raises(ValueError, match="not a saved fuzz input"):
        walk.load_value({"nodes": []})


# -- findings and harness failures -----------------------------------------------------------


def test_call_turns_stray_exceptions_into_findings() -> None:
    def boom() -> None:
        raise KeyError("k")

    with pytest.raises(Finding, match=r"\[thing raised\] KeyError: 'k'") as info:
        call("thing", boom)
    assert info.value.oracle == "thing raised"
    with pytest.raises(KeyError):
        call("thing", boom, allowed=(KeyError,))
    with pytest.raises(Finding, match=r"\[never\] 3"):
        expect(False, "never", 3)


def test_a_bug_in_the_harness_is_not_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_check(value: Any, cls: Any) -> None:
        raise ZeroDivisionError("the oracle code itself")

    monkeypatch.setitem(_fuzz.KINDS, "bytes", inputs.Kind(lambda cls: st.just(b"{}"), broken_check))
    with pytest.raises(HarnessError, match="checking a 'bytes' input failed") as info:
        _fuzz.run_checks("bytes", User, b"{}")
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert not isinstance(info.value, AssertionError)


def test_a_library_exception_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from lms_schema._fuzz import oracles

    def broken_normalize(payload: Any, cls: Any, **options: Any) -> Any:
        raise RecursionError("deep")

    monkeypatch.setattr(oracles, "normalize", broken_normalize)
    with pytest.raises(Finding, match=r"normalize\(\) raised\] RecursionError: deep"):
        _fuzz.check_payload({}, User)


def test_regression_lone_surrogate_round_trips() -> None:
    """dumps() wrote CESU-8 bytes for a lone surrogate, which loads() rejected."""
    payload = {
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "remote_id": "a\ud800b",
        "modified_at": "2021-10-16T00:00:00Z",
        "custom_fields": {"\udfff": ["\ud800"]},
    }
    _fuzz.check_payload(payload, User)
    _fuzz.check_bytes(lms_schema.dumps(lms_schema.structure(payload, User)), User)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'"\\ud800" ', "wrong_type"),
        (b'{"a": "\\ud800", "b": NaN}', "invalid_json"),
        (b'{"a": "\\ud800", "b": Infinity}', "invalid_json"),
        (b'["\\ud800", "\xed\xa0\x80"]', "invalid_json"),
        (b'{"a": "\\udc00", "b": ' + b"[" * 5000 + b"]" * 5000 + b"}", "invalid_json"),
        (b'{"\\ud800": 1', "invalid_json"),
    ],
)
def test_surrogate_escape_fallback_still_rejects_bad_json(data: bytes, code: str) -> None:
    with pytest.raises(lms_schema.ValidationError) as info:
        lms_schema.loads(data, User)
    assert [(i.path, i.code) for i in info.value.issues] == [("$", code)]
    _fuzz.check_text(data, User)


def test_text_oracles_count_repeated_keys() -> None:
    good = lms_schema.dumps(lms_schema.structure(json.loads(_USER), User))
    _fuzz.check_text(good[:-1] + b',"remote_id":"r","remote_id":null}', User)
    _fuzz.check_text('{"a": 1, "a": 2, "b": {"c": 1, "\\u0063": 2}}', User)


_USER = (
    '{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "remote_id": null, '
    '"modified_at": "2021-10-16T00:00:00Z", "custom_fields": null}'
)


def test_main_in_process_counts_and_reports(tmp_path: Any) -> None:
    out = io.StringIO()
    summary = tmp_path / "summary.json"
    args = ["--inputs", "30", "--seconds", "600", "--seed", "7", "--summary", str(summary)]
    assert _fuzz.main([*args, "--db", str(tmp_path / "db")], out=out) == 0
    text = out.getvalue()
    counts = json.loads(summary.read_text())
    assert counts["inputs"] >= 30
    assert sum(counts["kinds"].values()) == sum(counts["targets"].values()) == counts["inputs"]
    assert text.startswith(f"{counts['inputs']:,} inputs in ")
    assert "per input kind:" in text and "per target class:" in text
    assert text.rstrip().endswith("no findings")


@pytest.mark.parametrize("kind", sorted(_fuzz.KINDS))
def test_every_kind_draws_and_passes(kind: str) -> None:
    """Each input kind alone, a few inputs: no harness failure, no finding."""
    inputs.CHOSEN_KINDS[:] = [kind]
    before = inputs.COUNTS.kinds[kind]
    try:
        settings(max_examples=8, database=None, deadline=None)(given(st.data())(_fuzz.fuzz_body))()
    finally:
        inputs.CHOSEN_KINDS[:] = []
    assert inputs.COUNTS.kinds[kind] > before


def test_error_bodies_are_their_own_targets() -> None:
    assert _fuzz.KINDS["error-body"].targets == ERROR_BODIES
    assert {_fuzz.KINDS[k].targets for k in _fuzz.KINDS if k != "error-body"} == {None}


# -- the seeded stage ------------------------------------------------------------------------------

_SEEDED = ("seeded-bytes", "seeded-payload", "seeded-keys")


@pytest.mark.parametrize("kind", _SEEDED)
def test_a_seeded_input_is_a_function_of_base_seed_and_index(kind: str) -> None:
    """The same base, seed and index give the same input; the base is never changed; and
    the inputs of one base differ from each other."""
    base_value = json.loads(_USER)
    base = base_value if kind == "seeded-payload" else json.dumps(base_value).encode()
    frozen = json.dumps(base_value)
    mutate = _fuzz.KINDS[kind].mutate
    assert mutate is not None

    def make(index: int) -> Any:
        return mutate(RandomChoices(inputs.seeded_rng(99, index)), base, User)

    made = [make(index) for index in range(50)]
    assert [walk.dump_value(m) for m in made] == [walk.dump_value(make(i)) for i in range(50)]
    assert json.dumps(base_value) == frozen
    assert len({json.dumps(walk.dump_value(m)) for m in made}) > 40


def test_seeded_kinds_count_every_input_and_stop_at_the_budget() -> None:
    inputs.CHOSEN_KINDS[:] = ["seeded-bytes"]
    before = inputs.COUNTS.inputs
    inputs.LIMIT.budget = before + 37
    try:
        settings(max_examples=5, database=None, deadline=None)(given(st.data())(_fuzz.fuzz_body))()
    finally:
        inputs.CHOSEN_KINDS[:] = []
        inputs.LIMIT.lift()
    assert inputs.COUNTS.inputs == before + 37  # 200 per base, cut at the budget


def test_random_choices_make_hostile_values_and_keys() -> None:
    choices = RandomChoices(random.Random(1))
    values = [choices.value() for _ in range(400)]
    assert any(v is HOSTILE[3] for v in values)  # a listed one (10**4000)
    assert any(walk.depth(v) > 100 for v in values)  # deep nesting
    keys = {choices.key(["id", "name"]) for _ in range(200)}
    assert {"id", "name"} < keys and len(keys) > 10
    assert all(0 <= choices.integer(0, 3) <= 3 for _ in range(100))
