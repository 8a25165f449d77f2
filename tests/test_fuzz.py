"""A bounded run of the fuzz harness (``lms_schema._fuzz``) and its regression inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import User, _fuzz


def test_fuzz_bounded() -> None:
    """The harness under the active profile (``ci``: 200 inputs, derandomized)."""
    given(st.data())(_fuzz.fuzz_body)()


def test_fuzz_one_input_runs_fixed_buffers() -> None:
    """The entry point atheris drives: every buffer is a valid run or None, never a crash."""
    for buffer in (b"", b"\x00" * 64, bytes(range(256)) * 4, b"\xff" * 1024):
        _fuzz.fuzz_one.hypothesis.fuzz_one_input(buffer)  # type: ignore[attr-defined]


def test_main_runs_a_batch(capsys: pytest.CaptureFixture[str]) -> None:
    before = _fuzz.COUNT["inputs"]
    assert _fuzz.main(["--seconds", "0.01"]) == 0
    ran = _fuzz.COUNT["inputs"] - before
    assert ran >= 100
    assert capsys.readouterr().out.startswith(f"{ran} inputs in ")


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
