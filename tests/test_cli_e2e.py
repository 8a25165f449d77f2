"""End-to-end: the command line in a subprocess (``python -m lms_schema``) on files written here."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "018b18ef-c487-703c-afd9-0ca478ccd9d7"
GOOD: dict[str, Any] = {
    "id": U1,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
COMPLETION: dict[str, Any] = {
    **GOOD,
    "user": U2,
    "score": 95,
    "grade": "PASS",
    "started_at": "2021-10-16T00:00:00Z",
    "completed_at": "2021-10-16T01:00:00Z",
    "time_duration": "PT30M",
}


def env(extra_path: Path | None = None) -> dict[str, str]:
    paths = [str(ROOT)] + ([str(extra_path)] if extra_path else [])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def cli(
    *args: str,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    extra_path: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lms_schema", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        check=False,
        cwd=cwd,
        env=env(extra_path),
        timeout=120,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def lines(text: str) -> list[str]:
    """The lines of JSON Lines output: split at "\n" only (str.splitlines() also splits at
    U+2028, U+0085 and other separators that JSON strings may hold raw)."""
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []


def jsonl(*records: Any) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def issues_of(
    result: subprocess.CompletedProcess[str],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects[-1]["type"] == "summary"
    assert all(o["type"] == "issue" for o in objects[:-1])
    return objects[:-1], objects[-1]


# -- inputs ------------------------------------------------------------------------------------


def test_a_record_an_array_and_a_page_each_item_a_record(tmp_path: Path) -> None:
    (tmp_path / "user.json").write_text(json.dumps(GOOD))
    (tmp_path / "skills.json").write_text(json.dumps([GOOD, {**GOOD, "id": "nope"}, GOOD]))
    page = {
        "cursor": None,
        "page_size": 3,
        "items": [COMPLETION, {**COMPLETION, "score": "9"}, COMPLETION],
    }
    (tmp_path / "completions-page.json").write_text(json.dumps(page))
    result = cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{tmp_path}/completions-page.json: $.items[1].score: expected an integer or null, got "
        "string [wrong_type]",
        f"{tmp_path}/skills.json: $[1].id: 'nope' is not a UUID (expected 8-4-4-4-12 hex) "
        "[invalid_uuid]",
    ]
    summary = lines(result.stderr)
    assert summary[0].startswith("7 records checked: 5 valid, 2 invalid, 2 warnings in 3 files (")
    # the repeated id of the page is a warning, hidden but announced
    assert summary[1:] == [
        "errors: invalid_uuid 1, wrong_type 1",
        "warnings: duplicate_id 2 (not shown: pass --warnings to see them)",
    ]
    shown = cli("validate", "--warnings", str(tmp_path / "completions-page.json"))
    assert lines(shown.stdout)[1:] == [
        f"{tmp_path}/completions-page.json: $.items[1].id: warning: id {U1} is also the id of "
        "$.items[0] [duplicate_id]",
        f"{tmp_path}/completions-page.json: $.items[2].id: warning: id {U1} is also the id of "
        "$.items[0] [duplicate_id]",
    ]


def test_a_page_envelope_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"cursor": 3, "page_size": 1, "items": [GOOD]}))
    result = cli("validate", str(path))
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{path}: $.cursor: expected a string or null, got integer [wrong_type]"
    ]
    assert "invalid page envelopes: 1" in result.stderr


def test_json_lines_and_ndjson_with_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "users.jsonl").write_text(jsonl(GOOD, {**GOOD, "id": 1}) + "\n" + "{oops\n")
    (tmp_path / "skills.ndjson").write_text(jsonl(GOOD, GOOD))
    result = cli("validate", str(tmp_path))
    assert result.returncode == 1
    out = lines(result.stdout)
    assert (
        out[0]
        == f"{tmp_path}/users.jsonl:2: $.id: expected a UUID string, got integer [wrong_type]"
    )
    assert out[1].startswith(f"{tmp_path}/users.jsonl:4: $: not valid JSON: ")
    assert out[1].endswith("[invalid_json]")
    assert lines(result.stderr)[0].startswith("5 records checked: 3 valid, 2 invalid")


def test_gzip_by_suffix_and_by_magic_bytes(tmp_path: Path) -> None:
    (tmp_path / "users.jsonl.gz").write_bytes(
        gzip.compress(jsonl(GOOD, {**GOOD, "id": 2}).encode())
    )
    (tmp_path / "skill.json").write_bytes(gzip.compress(json.dumps(GOOD).encode()))  # no .gz
    result = cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{tmp_path}/users.jsonl.gz:2: $.id: expected a UUID string, got integer [wrong_type]"
    ]
    assert lines(result.stderr)[0].startswith(
        "3 records checked: 2 valid, 1 invalid, 0 warnings in 2 files"
    )


def test_a_corrupt_gzip_file_is_an_io_problem(tmp_path: Path) -> None:
    bad = tmp_path / "users.jsonl.gz"
    bad.write_bytes(gzip.compress(jsonl(GOOD).encode())[:-12])
    (tmp_path / "user.json").write_text(json.dumps(GOOD))
    result = cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert lines(result.stdout)[-1].startswith(f"{bad}: $: ")
    assert lines(result.stdout)[-1].endswith("[unreadable]")


@pytest.mark.parametrize(
    ("content", "args"),
    [
        (jsonl(GOOD, {**GOOD, "id": 5}), ()),  # sniffed: JSON Lines
        (json.dumps([GOOD, {**GOOD, "id": 5}]), ()),  # sniffed: an array
        (json.dumps([GOOD, {**GOOD, "id": 5}]), ("--input-format", "json")),
        (jsonl(GOOD, {**GOOD, "id": 5}), ("--input-format", "jsonl")),
    ],
)
def test_standard_input(content: str, args: tuple[str, ...]) -> None:
    result = cli("validate", "--model", "users", *args, "-", stdin=content.encode())
    assert result.returncode == 1
    line = 2 if content.startswith("{") else None
    where = "<stdin>:2: $" if line else "<stdin>: $[1]"
    assert lines(result.stdout) == [f"{where}.id: expected a UUID string, got integer [wrong_type]"]


def test_gzip_on_standard_input() -> None:
    result = cli("validate", "--model", "user", "-", stdin=gzip.compress(json.dumps(GOOD).encode()))
    assert result.returncode == 0, result.stderr
    assert lines(result.stderr)[0].startswith("1 record checked: 1 valid")


def test_standard_input_needs_a_model() -> None:
    result = cli("validate", "-", stdin=json.dumps(GOOD).encode())
    assert result.returncode == 2
    assert lines(result.stdout) == [
        "<stdin>: $: cannot tell the model of <stdin> from its name or its directories; pass "
        "--model NAME [unknown_model]"
    ]


def test_a_byte_order_mark_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "user.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    result = cli("validate", "--warnings", str(path))
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == [
        f"{path}: $: warning: the file starts with a UTF-8 byte-order mark (ignored) [bom]"
    ]
    strict = cli("validate", "--strict", str(path))
    assert strict.returncode == 1


def test_utf16_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_bytes(json.dumps([GOOD]).encode("utf-16"))
    result = cli("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_large_array_and_a_large_page_stream_item_by_item(tmp_path: Path) -> None:
    # Over the stream threshold (16 MiB), read with ijson; the positions are the same.
    filler = "x" * 1000
    record = {**GOOD, "custom_fields": {"note": filler}}
    count = 18_000
    array = tmp_path / "users.json"
    with array.open("w") as handle:
        handle.write("[")
        for index in range(count):
            handle.write(
                ("," if index else "")
                + json.dumps(record if index != 17_001 else {**record, "id": 1})
            )
        handle.write("]")
    page = tmp_path / "skills-page.json"
    with page.open("w") as handle:
        handle.write('{"cursor": null, "items": [')
        for index in range(count):
            item = {**record, "id": f"018b18ef-c487-703c-afd9-{index:012x}"}
            handle.write(
                ("," if index else "")
                + json.dumps(item if index != 17_002 else {**item, "remote_id": 7})
            )
        handle.write('], "page_size": 17}')
    assert array.stat().st_size > 16 << 20
    result = cli("validate", "--warnings", str(array), str(page))
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{array}: $[17001].id: expected a UUID string, got integer [wrong_type]",
        f"{page}: $.items[17002].remote_id: expected a string or null, got integer [wrong_type]",
        f"{page}: $.page_size: warning: page_size is 17 but the page has 18000 items "
        "[page_size_mismatch]",
    ]
    assert lines(result.stderr)[0].startswith("36000 records checked: 35998 valid, 2 invalid")


def test_a_truncated_large_array_says_so(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    record = json.dumps({**GOOD, "custom_fields": {"n": "x" * 1000}})
    path.write_text("[" + ",".join([record] * 17_500)[:-500])
    result = cli("validate", str(path))
    assert result.returncode == 1
    (last,) = [line for line in lines(result.stdout) if "invalid_json" in line]
    assert "cut off" in last
    assert last.startswith(f"{path}: $[")


# -- never pass what was not checked --------------------------------------------------------------


def test_the_wrong_model_gets_a_warning_that_is_announced(tmp_path: Path) -> None:
    path = tmp_path / "completions.jsonl"
    path.write_text(jsonl(COMPLETION, COMPLETION))
    result = cli("validate", "--model", "course", str(path))
    assert result.returncode == 0
    assert result.stdout == ""
    assert "model_mismatch 2" in result.stderr
    assert "(not shown: pass --warnings to see them)" in result.stderr
    assert cli("validate", "--model", "course", "--strict", str(path)).returncode == 1
    shown = cli("validate", "--model", "course", "--warnings", str(path))
    mismatch = [line for line in lines(shown.stdout) if "model_mismatch" in line]
    assert mismatch[0] == (
        f"{path}:1: $: warning: the keys fit completion better than course: 6 keys that course "
        "does not define ('user', 'score', 'grade', 'started_at', 'completed_at', ...), 0 that "
        "completion does not; pass --model completion if the file holds completions "
        "[model_mismatch]"
    )
    # the right model: nothing to say
    right = cli("validate", "--warnings", str(path))
    assert (right.returncode, right.stdout) == (0, "")


def test_file_and_directory_names_tell_the_model(tmp_path: Path) -> None:
    (tmp_path / "user-completions.json").write_text(json.dumps(COMPLETION))
    (tmp_path / "completions").mkdir()
    (tmp_path / "completions" / "2025-01-01.jsonl").write_text(jsonl(COMPLETION))
    result = cli("validate", "--verbose", "--warnings", str(tmp_path))
    assert (result.returncode, result.stdout) == (0, "")
    assert f"lms-schema: {tmp_path}/completions/2025-01-01.jsonl: Completion" in result.stderr
    assert f"lms-schema: {tmp_path}/user-completions.json: Completion" in result.stderr


def test_an_unknown_model_is_an_error_for_that_file_only(tmp_path: Path) -> None:
    (tmp_path / "capture.json").write_text(json.dumps(GOOD))
    (tmp_path / "user.json").write_text(json.dumps({**GOOD, "id": 3}))
    result = cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert lines(result.stdout) == [
        f"{tmp_path}/capture.json: $: cannot tell the model of {tmp_path}/capture.json from its "
        "name or its directories; pass --model NAME [unknown_model]",
        f"{tmp_path}/user.json: $.id: expected a UUID string, got integer [wrong_type]",
    ]
    assert "model unknown: 1 file not checked (pass --model)" in result.stderr


def test_your_own_model_class(tmp_path: Path) -> None:
    package = tmp_path / "mine"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "import attrs\nfrom lms_schema import Completion\n\n"
        "@attrs.frozen\nclass MyCompletion(Completion):\n    tenant: str = 'x'\n"
    )
    path = tmp_path / "dump.jsonl"
    path.write_text(jsonl({**COMPLETION, "tenant": "acme"}, {**COMPLETION, "tenant": 5}))
    result = cli("validate", "--model", "mine.models:MyCompletion", str(path), extra_path=tmp_path)
    assert result.returncode == 1, result.stderr
    assert lines(result.stdout) == [
        f"{path}:2: $.tenant: expected a string, got integer [wrong_type]"
    ]
    bad = cli("validate", "--model", "mine.models:Nope", str(path), extra_path=tmp_path)
    assert bad.returncode == 2
    assert "has no attribute 'Nope'" in bad.stderr


def test_an_empty_directory_and_unread_suffixes_are_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "users.jsonl").write_text("")
    result = cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert lines(result.stderr) == [
        lines(result.stderr)[0],
        "skipped in directories (not an input suffix): 1 .txt",
        f"lms-schema: no payloads found in {tmp_path}",
    ]
    assert lines(result.stderr)[0].startswith(
        "0 records checked: 0 valid, 0 invalid, 0 warnings in 1 file"
    )
    assert cli("validate", "--allow-empty", str(tmp_path)).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("validate", str(empty)).returncode == 2


def test_a_missing_path_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "user.json").write_text(json.dumps(GOOD))
    (tmp_path / "skill.json").write_text(json.dumps(GOOD))
    result = cli(
        "validate",
        str(tmp_path / "user.json"),
        str(tmp_path / "nosuch.json"),
        str(tmp_path / "skill.json"),
    )
    assert result.returncode == 2
    assert lines(result.stdout) == [
        f"{tmp_path}/nosuch.json: $: No such file or directory [unreadable]"
    ]
    assert lines(result.stderr)[0].startswith("2 records checked: 2 valid, 0 invalid")
    assert "unreadable: 1 path" in result.stderr


def test_a_key_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "user.json"
    forged = "a\nb: $.fake: injected [x]"
    path.write_text(json.dumps({**GOOD, forged: 1, "remote_id": "\u2028\x1b[31m"}))
    result = cli("validate", "--warnings", str(path))
    assert lines(result.stdout) == [
        f"{path}: $['a\\nb: $.fake: injected [x]']: warning: unknown key 'a\\nb: $.fake: "
        "injected [x]' (ignored) [unknown_key]"
    ]
    as_json = cli("validate", "--format", "json", str(path))
    issues, _ = issues_of(as_json)
    assert issues[0]["path"] == "$['" + forged + "']"
    github = cli("validate", "--format", "github", "--warnings", str(path))
    assert len(lines(github.stdout)) == 1
    # a file name with a newline
    odd = tmp_path / "us\ner.json"
    odd.write_text(json.dumps({**GOOD, "id": 1}))
    named = cli("validate", "--model", "user", str(odd))
    assert lines(named.stdout) == [
        f"{tmp_path}/us\\ner.json: $.id: expected a UUID string, got integer [wrong_type]"
    ]


# -- output formats --------------------------------------------------------------------------------


def test_the_json_format(tmp_path: Path) -> None:
    path = tmp_path / "completions.jsonl"
    path.write_text(jsonl(COMPLETION, {**COMPLETION, "score": "x", "extra": 1}))
    result = cli("validate", "--format", "json", str(path))
    assert result.returncode == 1
    issues, summary = issues_of(result)
    assert issues == [
        {
            "type": "issue",
            "file": str(path),
            "line": 2,
            "record": "$",
            "id": U1,
            "path": "$.score",
            "code": "wrong_type",
            "severity": "error",
            "message": "expected an integer or null, got string",
        },
        {
            "type": "issue",
            "file": str(path),
            "line": 2,
            "record": "$",
            "id": U1,
            "path": "$.extra",
            "code": "unknown_key",
            "severity": "warning",
            "message": "unknown key 'extra' (ignored)",
        },
    ]
    assert summary["records"] == 2
    assert (summary["valid"], summary["invalid"]) == (1, 1)
    assert summary["errors"] == {"wrong_type": 1}
    assert summary["warnings"] == {"unknown_key": 1}
    assert summary["exit_status"] == 1
    assert summary["files"] == 1
    assert summary["interrupted"] is False
    page = tmp_path / "users-page.json"
    page.write_text(
        json.dumps({"cursor": None, "page_size": 2, "items": [GOOD, {**GOOD, "id": "x"}]})
    )
    issues, _ = issues_of(cli("validate", "--format", "json", str(page)))
    assert [(i["record"], i["path"], i["line"], i["id"], i["code"]) for i in issues] == [
        ("$.items[1]", "$.items[1].id", None, "x", "invalid_uuid"),
    ]


def test_junit_and_github_formats(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    (tmp_path / "users.jsonl").write_text(jsonl(GOOD, {**GOOD, "id": 1}))
    (tmp_path / "skill.json").write_text(json.dumps(GOOD))
    junit = cli("validate", "--format", "junit", str(tmp_path))
    assert junit.returncode == 1
    root = ET.fromstring(junit.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {f"{tmp_path}/skill.json", f"{tmp_path}/users.jsonl"}
    failure = cases[f"{tmp_path}/users.jsonl"].find("failure")
    assert failure is not None and "users.jsonl:2: $.id" in (failure.text or "")
    assert cases[f"{tmp_path}/skill.json"].find("failure") is None
    github = cli("validate", "--format", "github", str(tmp_path))
    assert lines(github.stdout) == [
        f"::error file={tmp_path}/users.jsonl,line=2,title=wrong_type::$.id: expected a UUID "
        "string, got integer"
    ]


def test_max_errors_stops_printing_but_counts(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text(jsonl(*[{**GOOD, "id": n} for n in range(5)]))
    result = cli("validate", "--max-errors", "2", str(path))
    assert result.returncode == 1
    assert len(lines(result.stdout)) == 2
    assert "0 valid, 5 invalid" in result.stderr
    assert "3 more problems not printed (--max-errors)" in result.stderr
    _, summary = issues_of(cli("validate", "--format", "json", "--max-errors", "1", str(path)))
    assert (summary["invalid"], summary["not_printed"]) == (5, 4)


def test_quiet_prints_no_summary(tmp_path: Path) -> None:
    (tmp_path / "user.json").write_text(json.dumps(GOOD))
    result = cli("validate", "--quiet", str(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- normalize -------------------------------------------------------------------------------------


def test_normalize_with_rejects_and_fixes(tmp_path: Path) -> None:
    source = tmp_path / "completions.jsonl"
    text = (
        jsonl(
            {**COMPLETION, "grade": "passed"},
            {**COMPLETION, "score": "abc"},
        )
        + "{broken\n"
    )
    source.write_text(text)
    page = tmp_path / "completions-page.json"
    page.write_text(
        json.dumps(
            {
                "cursor": None,
                "page_size": 2,
                "items": [{**COMPLETION, "score": "95"}, {**COMPLETION, "user": 3}],
            }
        )
    )
    out, rejects, fixes = (
        tmp_path / "out.jsonl",
        tmp_path / "rejects.jsonl",
        tmp_path / "fixes.jsonl",
    )
    result = cli(
        "normalize",
        str(source),
        str(page),
        "-o",
        str(out),
        "--rejects",
        str(rejects),
        "--fixes",
        str(fixes),
    )
    assert result.returncode == 1
    assert "5 records read = 2 written + 3 rejected; 2 fixes" in result.stderr
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [w["grade"] for w in written] == ["PASS", "PASS"]
    assert [w["score"] for w in written] == [95, 95]
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["file"], r["line"], r["record"]) for r in rejected] == [
        (str(source), 2, "$"),
        (str(source), 3, "$"),
        (str(page), None, "$.items[1]"),
    ]
    assert rejected[0]["payload"] == {**COMPLETION, "score": "abc"}
    assert rejected[0]["errors"][0]["path"] == "$.score"
    assert rejected[1]["errors"][0]["code"] == "invalid_json"
    assert rejected[2]["errors"][0]["path"] == "$.items[1].user"
    assert rejected[2]["payload"] == {**COMPLETION, "user": 3}
    fixed = [json.loads(line) for line in fixes.read_text().splitlines()]
    assert fixed == [
        {
            "file": str(source),
            "line": 1,
            "record": "$",
            "path": "$.grade",
            "rule": "grade.synonym",
            "before": "passed",
            "after": "PASS",
        },
        {
            "file": str(page),
            "line": None,
            "record": "$.items[0]",
            "path": "$.items[0].score",
            "rule": "integer.numeric_string",
            "before": "95",
            "after": 95,
        },
    ]
    assert source.read_text() == text  # the input is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["completions.jsonl", "completions-page.json", "out.jsonl", "rejects.jsonl", "fixes.jsonl"]
    )


def test_normalize_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text(jsonl(GOOD))
    result = cli("normalize", str(source), "-o", str(source))
    assert result.returncode == 2
    assert "refusing to write" in result.stderr
    assert source.read_text() == jsonl(GOOD)


def test_normalize_to_standard_output(tmp_path: Path) -> None:
    source = tmp_path / "users.json"
    source.write_text(json.dumps([{**GOOD, "id": U1.upper()}, GOOD]))
    result = cli("normalize", str(source), "-o", "-")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in lines(result.stdout)] == [U1, U1]
    assert "2 records read = 2 written + 0 rejected; 0 fixes" in result.stderr


def test_a_wrong_rule_lists_the_valid_ones(tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text(jsonl(GOOD))
    result = cli("normalize", "--disable", "grade.nope", str(source))
    assert result.returncode == 2
    assert (
        "unknown normalization rule(s) in --disable: 'grade.nope'; the rules are: grade.case, "
        in result.stderr
    )


def _ctrl_c_as_at_a_terminal() -> None:
    """In the child, before Python starts: Ctrl-C at its default. A shell's background job
    (``pytest ... &``) starts with SIGINT ignored, and Python then leaves it ignored, so the
    Ctrl-C tests would not test the command line's handling when the suite runs that way."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(args: list[str], first: bytes, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Start the command reading an open pipe, feed it ``first``, wait until it has read it,
    then press Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lms_schema", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env(),
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    assert process.stdin is not None
    process.stdin.write(first)
    process.stdin.flush()
    time.sleep(3)  # the interpreter starts and reads what is there
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


def test_ctrl_c_prints_the_partial_summary_and_exits_130(tmp_path: Path) -> None:
    result = _interrupt(
        ["validate", "--model", "user", "--input-format", "jsonl", "-"],
        jsonl(GOOD, {**GOOD, "id": 1}).encode(),
        tmp_path,
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert "lms-schema: interrupted" in result.stderr
    assert "2 records checked: 1 valid, 1 invalid" in result.stderr
    assert lines(result.stdout) == [
        "<stdin>:2: $.id: expected a UUID string, got integer [wrong_type]"
    ]


def test_an_interrupted_normalize_leaves_no_output_file(tmp_path: Path) -> None:
    result = _interrupt(
        [
            "normalize",
            "--model",
            "user",
            "--input-format",
            "jsonl",
            "-",
            "-o",
            "out.jsonl",
            "--rejects",
            "r.jsonl",
        ],
        jsonl(GOOD, GOOD).encode(),
        tmp_path,
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text(jsonl(*[{**GOOD, "id": n} for n in range(20_000)]))
    process = subprocess.Popen(
        [sys.executable, "-m", "lms_schema", "validate", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    code = process.wait(timeout=120)
    assert first.startswith(str(path).encode() + b":1: $.id")
    assert code == 141
    assert "Traceback" not in err
    assert "Broken pipe" not in err
    assert str(path) not in err


# -- --jobs ----------------------------------------------------------------------------------------


def test_jobs_2_gives_the_output_of_jobs_1(tmp_path: Path) -> None:
    big = tmp_path / "completions.jsonl"
    records = [
        {**COMPLETION, "score": "x"}
        if n % 97 == 0
        else {**COMPLETION, "extra": n}
        if n % 89 == 0
        else COMPLETION
        for n in range(3000)
    ]
    big.write_text(jsonl(*records))
    (tmp_path / "users.json").write_text(json.dumps([GOOD, {**GOOD, "id": 1}]))
    (tmp_path / "b-users.jsonl").write_text("\n" + jsonl({**GOOD, "id": 2}))
    for fmt in ("text", "json"):
        one = cli("validate", "--warnings", "--format", fmt, str(tmp_path))
        two = cli(
            "validate",
            "--warnings",
            "--format",
            fmt,
            "--jobs",
            "2",
            "--chunk-size",
            "50000",
            str(tmp_path),
        )
        assert one.returncode == two.returncode == 1
        if fmt == "json":
            strip = [json.loads(line) for line in lines(one.stdout)]
            other = [json.loads(line) for line in lines(two.stdout)]
            for summary in (strip[-1], other[-1]):
                del summary["seconds"], summary["records_per_second"]
            assert strip == other
        else:
            assert one.stdout == two.stdout
            assert lines(one.stderr)[1:] == lines(two.stderr)[1:]
            assert lines(one.stderr)[0].split(" (")[0] == lines(two.stderr)[0].split(" (")[0]
            assert "completions.jsonl:2911: $.score" in one.stdout  # lines across chunks


# -- conventions -----------------------------------------------------------------------------------


def test_version_help_rules_and_codes() -> None:
    import lms_schema
    from lms_schema._cli import _parser

    version = cli("--version")
    assert (version.returncode, version.stdout) == (0, f"lms-schema {lms_schema.__version__}\n")
    helped = cli("validate", "--help")
    assert "exit status:" in helped.stdout and "examples:" in helped.stdout
    assert "130  interrupted" in helped.stdout
    parser = _parser()
    for action in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        for option in action._actions:
            assert option.help, (action.prog, option.dest)
    rules = cli("rules")
    assert lines(rules.stdout)[0].split()[0] == "grade.case"
    assert len(lines(rules.stdout)) == len(lms_schema.RULES)
    codes = cli("codes")
    assert {line.split()[0] for line in lines(codes.stdout)} == set(lms_schema.CODES)


def test_sample_writes_records_of_each_kind() -> None:
    import lms_schema

    valid = cli("sample", "--model", "completion", "-n", "5", "--seed", "3")
    assert valid.returncode == 0, valid.stderr
    records = [json.loads(line) for line in lines(valid.stdout)]
    assert len(records) == 5
    for record in records:
        assert lms_schema.validate(record, lms_schema.Completion).ok
    again = cli("sample", "--model", "completion", "-n", "5", "--seed", "3")
    assert again.stdout == valid.stdout
    invalid = cli("sample", "--model", "user", "-n", "4", "--kind", "invalid")
    assert [
        lms_schema.validate(json.loads(x), lms_schema.User).ok for x in lines(invalid.stdout)
    ] == [False] * 4
    messy = cli("sample", "--model", "completion", "-n", "4", "--kind", "messy")
    assert all(
        lms_schema.normalize(json.loads(x), lms_schema.Completion).ok for x in lines(messy.stdout)
    )
    expanded = cli("sample", "--model", "completion", "-n", "3", "--expand", "user")
    for record in map(json.loads, lines(expanded.stdout)):
        assert record.get("user") is None or isinstance(record["user"], dict)
    bad = cli("sample", "--model", "completion", "--expand", "nope")
    assert bad.returncode == 2 and "nope" in bad.stderr


def test_sample_without_hypothesis_says_what_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "hypothesis"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('hypothesis is not installed')\n")
    done = subprocess.run(
        [sys.executable, "-m", "lms_schema", "sample", "--model", "completion"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "lms-schema: lms-schema sample needs Hypothesis: pip install 'lms-schema[hypothesis]'\n"
    )


def test_ctrl_c_with_jobs_stops_the_workers(tmp_path: Path) -> None:
    path = tmp_path / "completions.jsonl"
    path.write_text(
        jsonl(*[{**COMPLETION, "score": "x"} if n % 50 == 0 else COMPLETION for n in range(60_000)])
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lms_schema",
            "validate",
            "-j",
            "2",
            "--chunk-size",
            "100000",
            str(path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    text = err.decode()
    if process.returncode == 1:  # the machine was fast enough to finish first: no interrupt
        assert "60000 records checked" in text  # every record of the file
        return
    assert process.returncode == 130, text
    assert "Traceback" not in text
    assert "lms-schema: interrupted" in text
    assert " records checked: " in text
    assert out.decode().startswith(f"{path}:1: $.score")


def test_a_page_on_a_json_lines_line_is_its_items(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    page = {"cursor": None, "page_size": 2, "items": [GOOD, {**GOOD, "id": 4}]}
    path.write_text(jsonl(GOOD, page))
    result = cli("validate", "--format", "json", str(path))
    issues, summary = issues_of(result)
    assert [(i["line"], i["record"], i["path"]) for i in issues] == [
        (2, "$.items[1]", "$.items[1].id")
    ]
    assert (summary["records"], summary["invalid"]) == (3, 1)
    text = cli("validate", str(path))
    assert lines(text.stdout) == [
        f"{path}:2: $.items[1].id: expected a UUID string, got integer [wrong_type]"
    ]
