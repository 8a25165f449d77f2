"""lms_schema.spark gives the command line's answers, on a local[2] session started here."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lakedata import (
    BAD_SCORE,
    DUPLICATE,
    NOT_JSON,
    cli_normalize,
    cli_validate,
    timeless,
    write_lake,
)
from pyspark.sql import SparkSession

import lms_schema.spark as lss
from lms_schema import Completion

ROOT = Path(__file__).parent.parent
BLOCK = 3000  # bytes: completions.jsonl (about 60 kB) is read in many blocks


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local[2] session for the module (it takes about 10 s to start); it fails, rather
    than skips, when there is no Java runtime to start it."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Spark needs a Java runtime (17 or later): none on PATH and no JAVA_HOME")
    # the Python workers import this checkout's lms_schema
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    try:
        session = lss.local_session(2)
    except Exception as exc:  # noqa: BLE001 - a JVM that cannot start: say why
        pytest.fail(f"cannot start a local[2] Spark session (is Java 17 installed?): {exc}")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lake(tmp_path_factory.mktemp("spark"))


def _sorted(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(issues, key=repr)


def test_files_give_the_command_lines_issues_and_summary(spark: SparkSession, lake: Path) -> None:
    inputs = [str(lake), str(lake / "nope.jsonl")]
    expected, expected_summary = cli_validate(*inputs)
    frame = lss.validate(inputs, spark=spark, blocksize=BLOCK)
    assert frame.columns == [
        "type", "file", "line", "record", "id", "path", "code", "severity", "message"
    ]  # fmt: skip
    issues = [row.asDict() for row in frame.collect()]
    assert _sorted(issues) == _sorted(expected)  # the same set, lines included
    completions = {
        (i["line"], i["code"]) for i in issues if i["file"].endswith("2025-01/completions.jsonl")
    }
    assert {(n, "wrong_type") for n in BAD_SCORE} | {(NOT_JSON, "invalid_json")} <= completions
    assert (DUPLICATE, "duplicate_key") in completions
    # a bad file and a missing path do not stop the others
    codes = {(Path(i["file"]).name, i["code"]) for i in issues}
    assert {("a-broken-completions.jsonl.gz", "unreadable"), ("nope.jsonl", "unreadable")} <= codes
    assert ("users.jsonl.gz", "wrong_type") in codes
    summary = lss.summary(inputs, spark=spark, blocksize=BLOCK)
    assert timeless(summary) == timeless(expected_summary)


def test_a_dataframe_of_lines(spark: SparkSession, lake: Path) -> None:
    path = lake / "2025-01" / "completions.jsonl"
    expected, expected_summary = cli_validate(str(path))
    df = spark.read.text(str(path))
    issues = [row.asDict() for row in lss.validate(df, "completions").collect()]
    # the file is input_file_name(); spark.read.text gives no line numbers
    assert _sorted(issues) == _sorted([{**i, "line": None} for i in expected])
    summary = lss.summary(df, Completion)
    assert timeless(summary) == timeless(expected_summary)
    # a DataFrame that says its lines and file
    rows = [(n, line, "f.jsonl") for n, line in enumerate(path.read_text().split("\n")[:-1], 1)]
    numbered = spark.createDataFrame(rows, "line long, value string, file string")
    found = [row.asDict() for row in lss.validate(numbered, Completion).collect()]
    assert _sorted(found) == _sorted([{**i, "file": "f.jsonl"} for i in expected])


def test_normalize_a_dataframe(spark: SparkSession, lake: Path, tmp_path: Path) -> None:
    path = lake / "2025-01" / "completions.jsonl"
    counts, clean, rejects = cli_normalize(str(path), out=tmp_path / "cli")
    good, bad = lss.normalize(spark.read.text(str(path)), "completions")
    written = [row.asDict() for row in good.collect()]
    rejected = [row.asDict(recursive=True) for row in bad.collect()]
    assert len(written) + len(rejected) == counts["read"]  # read = written + rejected
    assert (len(written), len(rejected)) == (counts["written"], counts["rejected"])
    assert sorted(row["value"].encode() for row in written) == sorted(clean)
    for row in rejected:
        row["payload"] = None if row["payload"] is None else json.loads(row["payload"])
    assert _sorted(rejected) == _sorted([{**r, "line": None} for r in rejects])
    assert {r["file"] for r in rejected} == {str(path)}


def test_wrong_arguments_are_type_errors(spark: SparkSession, lake: Path) -> None:
    df = spark.read.text(str(lake / "2025-01" / "completions.jsonl"))
    with pytest.raises(TypeError, match="pass model"):
        lss.validate(df)
    with pytest.raises(TypeError, match="no column 'json'"):
        lss.validate(df, Completion, column="json")
    with pytest.raises(TypeError, match="policy"):
        lss.normalize(df, Completion, policy="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path"):
        lss.validate([3], spark=spark)
