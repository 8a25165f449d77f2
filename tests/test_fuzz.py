"""A bounded run of the fuzz harness (``lms_schema._fuzz``) and its regression inputs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms_schema import _fuzz


def test_fuzz_bounded() -> None:
    """The harness under the active profile (``ci``: 200 inputs, derandomized)."""
    given(st.data())(_fuzz.fuzz_body)()


def test_fuzz_one_input_runs_fixed_buffers() -> None:
    """The entry point atheris drives: every buffer is a valid run or None, never a crash."""
    for buffer in (b"", b"\x00" * 64, bytes(range(256)) * 4, b"\xff" * 1024):
        _fuzz.fuzz_one.hypothesis.fuzz_one_input(buffer)  # type: ignore[attr-defined]


def test_main_runs_for_a_while(capsys: object) -> None:
    assert _fuzz.main(["--seconds", "0.5"]) == 0
