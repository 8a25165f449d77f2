"""The lms-schema console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lms_schema._cli import main

ROOT = Path(__file__).parent.parent
U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
GOOD = {"id": U, "remote_id": None, "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None}


def test_examples_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "examples")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("12 records checked: 12 valid, 0 invalid, 0 warnings in 9 files (")


def test_reports_every_problem_with_file_line_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(GOOD),
        json.dumps({**GOOD, "score": "9", "user": {"status": 1}}),
        "",
        "{not json",
    ]
    (tmp_path / "completions.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "user.json").write_text(json.dumps({**GOOD, "x": 1}))
    assert main(["validate", "--warnings", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    jsonl = tmp_path / "completions.jsonl"
    shown = out.splitlines()
    # The decoder's own wording (orjson's) varies between its versions; ours does not.
    assert shown[2].startswith(f"{jsonl}:4: $: not valid JSON: ")
    assert shown[2].endswith("line 1 column 2 (char 1) [invalid_json]")
    assert shown[:2] + shown[3:] == [
        f"{jsonl}:2: $.user.status: expected a string or null, got integer [wrong_type]",
        f"{jsonl}:2: $.score: expected an integer or null, got string [wrong_type]",
        f"{tmp_path / 'user.json'}: $.x: warning: unknown key 'x' (ignored) [unknown_key]",
    ]
    assert err.splitlines()[0].startswith("4 records checked: 2 valid, 2 invalid, 1 warning in 2")
    assert err.splitlines()[1:] == [
        "errors: wrong_type 2, invalid_json 1",
        "warnings: unknown_key 1",
    ]


def test_strict_and_model_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "capture.json"
    path.write_text(json.dumps({**GOOD, "x": 1}))
    assert main(["validate", str(path)]) == 2
    assert "cannot tell the model" in capsys.readouterr().out
    assert main(["validate", "--model", "skill", str(path)]) == 0
    assert main(["validate", "--model", "skills", "--strict", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}: $.x: unknown key 'x' [unknown_key]\n"
    assert main(["validate", "--model", "teacher", str(path)]) == 2
    assert main(["validate", str(tmp_path / "missing-user.json")]) == 2


def test_console_entry_point_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lms_schema", "validate", str(ROOT / "examples")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("12 records checked: 12 valid, 0 invalid")
