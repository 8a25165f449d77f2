"""The fuzz campaign from the command line: worker processes, counts, findings, replay."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from lms_schema._fuzz import walk

ROOT = Path(__file__).parent.parent

#: A test-only oracle: it fails on a marker value, a NUL byte in a ``bytes`` input (which
#: Hypothesis draws within the first few examples), so the harness has a finding to report.
PLANTED = """
def planted(kind, cls, value):
    if kind == "bytes" and b"\\x00" in value:
        raise AssertionError("planted: the marker byte")


def seeded(kind, cls, value):
    if kind == "seeded-bytes" and b"9" * 400 in value:
        raise AssertionError("planted: 400 nines")


def broken(kind, cls, value):
    return 1 / 0  # a bug in an oracle: the harness's fault, not lms-schema's
"""


def _env(extra: Path | None = None) -> dict[str, str]:
    paths = [str(ROOT)] + ([str(extra)] if extra else [])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _fuzz(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lms_schema._fuzz", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_counts_add_up_across_two_jobs(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    args = ["--jobs", "2", "--inputs", "41", "--seed", "11", "--summary", str(summary)]
    result = _fuzz(args, tmp_path, _env())
    assert result.returncode == 0, result.stdout + result.stderr
    counts = json.loads(summary.read_text())
    jobs = counts["jobs"]
    assert [job["seed"] for job in jobs] == [11, 12]
    assert jobs[0]["inputs"] >= 21 and jobs[1]["inputs"] >= 20  # 41 shared out: 21 + 20
    assert counts["inputs"] == sum(job["inputs"] for job in jobs)
    assert sum(counts["kinds"].values()) == counts["inputs"]
    assert sum(counts["targets"].values()) == counts["inputs"]
    assert counts["findings"] == [] and counts["harness_failures"] == []
    assert sorted(p.name for p in (tmp_path / ".hypothesis" / "fuzz").iterdir()) == [
        "job-0",
        "job-1",
    ]
    out = result.stdout
    assert out.startswith(f"{counts['inputs']:,} inputs in ")
    assert "  job 0: seed 11, " in out and "  job 1: seed 12, " in out
    assert out.rstrip().endswith("no findings")


def test_a_planted_failure_is_found_saved_and_replayed(tmp_path: Path) -> None:
    (tmp_path / "plant.py").write_text(PLANTED)
    env = _env(tmp_path)
    findings = tmp_path / "found"
    args = ["--seconds", "300", "--seed", "3", "--oracle", "plant:planted", "--kinds", "bytes"]
    result = _fuzz([*args, "--findings", str(findings)], tmp_path, env)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "FINDING in lms-schema: [plant.planted] planted: the marker byte" in out
    (saved,) = findings.iterdir()
    document = json.loads(saved.read_text())
    assert document["kind"] == "bytes" and document["oracle"] == "plant.planted"
    (replay,) = [line for line in out.splitlines() if line.startswith("  replay: ")]
    command = replay.removeprefix("  replay: ")
    assert command == f"python3 -m lms_schema._fuzz --replay {saved} --oracle plant:planted"
    argv = shlex.split(command)
    again = subprocess.run(
        [sys.executable, *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert again.returncode == 1, again.stdout + again.stderr
    assert "FINDING in lms-schema: [plant.planted] planted: the marker byte" in again.stdout
    # without the planted oracle the same input passes every built-in oracle
    clean = subprocess.run(
        [sys.executable, *argv[1:5]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.endswith("no finding: the input passes every oracle now\n")


def test_a_planted_failure_in_a_seeded_input_is_saved_exactly_and_replayed(
    tmp_path: Path,
) -> None:
    """A seeded input (one of many made from a Hypothesis base): the file holds the exact
    failing bytes and where they came from, and the printed command replays them."""
    (tmp_path / "plant.py").write_text(PLANTED)
    env = _env(tmp_path)
    args = ["--seconds", "300", "--seed", "5", "--oracle", "plant:seeded"]
    result = _fuzz([*args, "--kinds", "seeded-bytes", "--per-base", "20"], tmp_path, env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FINDING in lms-schema: [plant.seeded] planted: 400 nines" in result.stdout
    (saved,) = (tmp_path / "fuzz-findings").iterdir()
    assert saved.name.startswith("finding-seeded-bytes-")
    document = json.loads(saved.read_text())
    assert document["kind"] == "seeded-bytes" and document["oracle"] == "plant.seeded"
    assert set(document["origin"]) == {"seed", "index"}
    assert 0 <= document["origin"]["index"] < 20
    assert b"9" * 400 in walk.load_value(document["input"])
    (replay,) = [line for line in result.stdout.splitlines() if line.startswith("  replay: ")]
    argv = shlex.split(replay.removeprefix("  replay: "))
    again = subprocess.run(
        [sys.executable, *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert again.returncode == 1, again.stdout + again.stderr
    assert "[plant.seeded] planted: 400 nines" in again.stdout


def test_a_planted_failure_in_a_worker_ends_the_campaign(tmp_path: Path) -> None:
    (tmp_path / "plant.py").write_text(PLANTED)
    summary = tmp_path / "summary.json"
    args = ["--jobs", "2", "--seconds", "300", "--seed", "3", "--oracle", "plant:planted"]
    args += ["--kinds", "bytes,invalid"]
    result = _fuzz([*args, "--summary", str(summary)], tmp_path, _env(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    counts = json.loads(summary.read_text())
    assert counts["findings"] and counts["findings"][0]["oracle"] == "plant.planted"
    assert Path(tmp_path, counts["findings"][0]["file"]).exists()
    assert "  replay: python3 -m lms_schema._fuzz --replay fuzz-findings/finding-bytes-" in (
        result.stdout
    )


def test_a_broken_oracle_is_a_harness_failure_not_a_finding(tmp_path: Path) -> None:
    (tmp_path / "plant.py").write_text(PLANTED)
    args = ["--inputs", "50", "--seed", "3", "--oracle", "plant:broken", "--kinds", "bytes"]
    result = _fuzz(args, tmp_path, _env(tmp_path))
    assert result.returncode == 3, result.stdout + result.stderr
    out = result.stdout
    assert "HARNESS FAILURE (a bug in the fuzz harness, not a finding in lms-schema): " in out
    assert "ZeroDivisionError" in out and "FINDING" not in out
    assert not (tmp_path / "fuzz-findings").exists()


def test_usage_errors(tmp_path: Path) -> None:
    for args in (
        ["--jobs", "0"],
        ["--oracle", "nocolon"],
        ["--oracle", "nosuchmodule:f"],
        ["--kinds", "bytes,nope"],
        ["--per-base", "0"],
    ):
        result = _fuzz(args, tmp_path, _env())
        assert result.returncode == 2, (args, result.stderr)
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    result = _fuzz(["--replay", "bad.json"], tmp_path, _env())
    assert result.returncode == 2 and "not a saved fuzz finding" in result.stdout
