"""A small data lake with known problems, and the command line's answers for it (in-process).

Shared by tests/test_lake_dask.py and tests/test_lake_spark.py: both compare an engine's
issues, summary and normalize output with ``lms-schema validate --format json`` and
``lms-schema normalize`` on the same files.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

from lms_schema._cli import main

DATA = Path(__file__).parent / "data"
U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
GOOD: dict[str, Any] = {
    "id": U1,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
COMPLETION: dict[str, Any] = {
    **GOOD,
    "user": "018b18ef-c487-703c-afd9-0ca478ccd9d7",
    "score": 95,
    "grade": "PASS",
    "started_at": "2021-10-16T00:00:00Z",
    "completed_at": "2021-10-16T01:00:00Z",
    "time_duration": "PT30M",
}
#: Lines of completions.jsonl with an error (1-based), and the invalid-JSON line.
BAD_SCORE = (7, 151, 299)
NOT_JSON = 200
EXTRA_KEY = 88
REPAIRABLE = 120  # "Passed" -> "PASS": normalize fixes it
#: A line with a key repeated at the top and inside ``custom_fields`` (two duplicate_key warnings).
DUPLICATE = 260


def _completion_line(n: int) -> str:
    if n in BAD_SCORE:
        return json.dumps({**COMPLETION, "score": "x"})
    if n == NOT_JSON:
        return '{"id": "' + U1 + '", "score": '
    if n == EXTRA_KEY:
        return json.dumps({**COMPLETION, "extra": n})
    if n == DUPLICATE:
        text = json.dumps({**COMPLETION, "id": f"018b18ef-c487-703c-afd9-{n:012d}"})
        return text.replace('"score": 95', '"score": "x", "score": 95').replace(
            '"custom_fields": null', '"custom_fields": {"a": 1, "a": 2}'
        )
    if n == REPAIRABLE:
        return json.dumps({**COMPLETION, "grade": "Passed"})
    if n == 50:
        return ""  # a blank line is no record, but counts as a line
    if n == 250:  # a page on one line: its items are records
        return json.dumps({"items": [COMPLETION, {**COMPLETION, "score": "y"}], "page_size": 3})
    return json.dumps({**COMPLETION, "id": f"018b18ef-c487-703c-afd9-{n:012d}"})


def write_lake(root: Path) -> Path:
    """The lake under ``root/lake``: JSON Lines large enough to split into blocks, a JSON
    array, a page, gzip, an HTTP archive, a corrupt gzip file and a file of no known model."""
    lake = root / "lake"
    (lake / "2025-01").mkdir(parents=True)
    (lake / "2025-02").mkdir()
    text = "".join(_completion_line(n) + "\n" for n in range(1, 321))
    (lake / "2025-01" / "completions.jsonl").write_text(text)
    (lake / "2025-01" / "users.json").write_text(
        json.dumps([GOOD, {**GOOD, "id": 1}, {**GOOD, "remote_id": 5}])
    )
    page = {"items": [GOOD, GOOD, {**GOOD, "modified_at": "yesterday"}], "page_size": 2}
    (lake / "2025-01" / "courses-page.json").write_text(json.dumps(page))
    with gzip.open(lake / "2025-02" / "a-broken-completions.jsonl.gz", "wb") as handle:
        handle.write(b"")
    (lake / "2025-02" / "a-broken-completions.jsonl.gz").write_bytes(b"\x1f\x8bnot gzip at all")
    users = "".join(
        json.dumps({**GOOD, "remote_id": n} if n % 5 == 0 else GOOD) + "\n" for n in range(12)
    )
    (lake / "2025-02" / "users.jsonl.gz").write_bytes(gzip.compress(users.encode()))
    (lake / "2025-02" / "mystery.jsonl").write_text(json.dumps(GOOD) + "\n")
    (lake / "2025-02" / "notes.txt").write_text("not an input\n")
    shutil.copy(DATA / "capture.har", lake / "2025-02" / "capture.har")
    return lake


def cli(*argv: str) -> tuple[int, str, str]:
    """``lms-schema ARGV`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def cli_validate(*paths: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The issue objects and the summary of ``lms-schema validate --format json PATHS``."""
    _, out, _ = cli("validate", "--format", "json", *paths)
    objects = [json.loads(line) for line in out.split("\n") if line]
    assert objects[-1]["type"] == "summary"
    return objects[:-1], objects[-1]


def timeless(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without its timings."""
    return {k: v for k, v in summary.items() if k not in ("seconds", "records_per_second")}


def cli_normalize(*paths: str, out: Path) -> tuple[dict[str, int], list[bytes], list[Any]]:
    """``lms-schema normalize PATHS``: the counts it prints, the output lines and the
    rejects (parsed)."""
    out.mkdir()
    _, _, err = cli(
        "normalize", *paths, "-o", str(out / "clean.jsonl"), "--rejects", str(out / "rejects.jsonl")
    )
    found = re.search(r"(\d+) records? read = (\d+) written \+ (\d+) rejected; (\d+) fix", err)
    assert found is not None, err
    read, written, rejected, fixes = map(int, found.groups())
    counts = {"read": read, "written": written, "rejected": rejected, "fixes": fixes}
    clean = (out / "clean.jsonl").read_bytes().splitlines()
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_bytes().splitlines()]
    return counts, clean, rejects
