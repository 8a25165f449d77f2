"""``lms-schema validate`` warns ``duplicate_key`` for every key repeated in one object.

On by default (``--no-duplicate-keys`` turns it off), ``--strict`` makes it fail; each warning
is told on the record it belongs to (a page's item or envelope, an array's element, a JSON
Lines line, a HAR entry's body), at its JSONPath in the file, also when a large document is
streamed and with ``--jobs``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lms_schema._capture.readers import ReadOptions, Unit, read_unit
from lms_schema._cli import main

ROOT = Path(__file__).parent.parent
U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
USER = f'"id": "{U1}", "remote_id": null, "modified_at": "2021-10-16T00:00:00Z"'

#: line 1: a user with a repeated top-level key and a repeated key inside custom_fields (the
#: second spelled with a \u escape); line 2: a page whose second item and whose envelope repeat
#: a key; line 3: a clean user.
LINES = [
    "{" + USER + ', "remote_id": "r", "custom_fields": {"a": 1, "b": {"c": 1, "\\u0063": 2}}}',
    '{"cursor": null, "items": [{'
    + USER
    + ', "custom_fields": null}, {'
    + USER.replace(U1, U2)
    + ', "custom_fields": {"x": [{"k": 1, "k": 2, "k": 3}]}}], "page_size": 2, "cursor": "c"}',
    "{" + USER + ', "custom_fields": null}',
]


def _json_issues(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[Any]]:
    code = main(["validate", "--format", "json", *argv])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, [(i["line"], i["record"], i["path"]) for i in lines if i["type"] == "issue"]


EXPECTED = [
    (1, "$", "$.remote_id"),
    (1, "$", "$.custom_fields.b.c"),
    (2, "$.items[1]", "$.items[1].custom_fields.x[0].k"),
    (2, "$.items[1]", "$.items[1].custom_fields.x[0].k"),
    (2, "$", "$.cursor"),
]


def test_every_repeated_key_at_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text("\n".join(LINES) + "\n")
    code, issues = _json_issues([str(path)], capsys)
    assert code == 0
    assert issues == EXPECTED
    main(["validate", "--warnings", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{path}:1: $.remote_id: warning: key 'remote_id' repeated in one object (occurrence 2); "
        "parsers disagree on which value counts (orjson, msgspec and the json module keep the "
        "last) [duplicate_key]"
    )
    assert [line.split(": warning: key ")[1][:25] for line in out] == [
        "'remote_id' repeated in o",
        "'c' repeated in one objec",
        "'k' repeated in one objec",
        "'k' repeated in one objec",
        "'cursor' repeated in one ",
    ]
    assert "(occurrence 3)" in out[3]


def test_strict_fails_and_the_option_turns_it_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text("\n".join(LINES) + "\n")
    assert main(["validate", "--strict", str(path)]) == 1
    err = capsys.readouterr().err
    assert "warnings: duplicate_key 5" in err
    assert main(["validate", "--strict", "--no-duplicate-keys", str(path)]) == 0
    assert "duplicate_key" not in capsys.readouterr().err
    code, issues = _json_issues(["--no-duplicate-keys", str(path)], capsys)
    assert (code, issues) == (0, [])


def test_a_top_level_array_and_a_whole_page_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    array = tmp_path / "users.json"
    second = f'{{{USER}, "id": "{U2}", "custom_fields": null}}'
    array.write_text(f'[{{{USER}, "custom_fields": null}}, {second}]')
    code, issues = _json_issues([str(array)], capsys)
    assert (code, issues) == (0, [(None, "$[1]", "$[1].id")])
    page = tmp_path / "page-users.json"
    page.write_text(LINES[1])
    code, issues = _json_issues([str(page)], capsys)
    assert code == 0
    assert issues == [(None, record, where) for _, record, where in EXPECTED[2:]]


def test_streamed_documents_report_the_same(tmp_path: Path) -> None:
    """A document above the stream threshold is read as ijson events: same warnings, same
    records, whether it is a page, an array or an object without items."""
    cases = {
        "page.json": LINES[1],
        "array.json": "[" + ", ".join(LINES) + "]",
        "object.json": LINES[0],
        "string.json": '"x"',
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        unit = Unit(str(path), "json")
        small = ReadOptions(duplicate_keys=True)
        streamed = ReadOptions(duplicate_keys=True, stream_threshold=8)
        whole = [(r.position, r.kind, r.extra) for r in read_unit(unit, small)]
        assert [(r.position, r.kind, r.extra) for r in read_unit(unit, streamed)] == whole, name
        if name != "string.json":
            assert any(extra for _, _, extra in whole), name
        off = ReadOptions(stream_threshold=8)
        assert all(not r.extra for r in read_unit(unit, off) if r.kind != "envelope"), name


def test_a_har_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "{" + USER + ', "custom_fields": null, "remote_id": "again"}'
    entry = {
        "request": {"method": "GET", "url": f"/api/lms/v1/users/{U1}"},
        "response": {"status": 200, "content": {"text": body, "mimeType": "application/json"}},
    }
    path = tmp_path / "capture.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    code, issues = _json_issues([str(path)], capsys)
    assert (code, issues) == (0, [(None, "$.log.entries[0]", "$.remote_id")])
    assert main(["validate", "--strict", str(path)]) == 1


def test_jobs_report_the_same(tmp_path: Path) -> None:
    for number in range(3):
        (tmp_path / f"users-{number}.jsonl").write_text("\n".join(LINES) + "\n")

    def run(*extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "lms_schema", "validate", "--format", "json", *extra],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 0, result.stderr
        return "\n".join(line for line in result.stdout.splitlines() if '"issue"' in line)

    one = run(".")
    assert one.count('"duplicate_key"') == 15
    assert run("--jobs", "2", "--chunk-size", "100", ".") == one
