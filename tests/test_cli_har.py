"""The CLI reads HTTP archives and checks every LMS entry with validate_exchange."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lms_schema._cli import main

DATA = Path(__file__).parent / "data"
HAR = DATA / "capture.har"
U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
RECORD = {"id": U1, "remote_id": None, "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def har(tmp_path: Path, *entries: dict[str, Any], name: str = "x.har") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


def entry(url: str, status: int = 200, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": url},
        "response": {"status": status, "content": content if content is not None else {}},
    }


def test_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(HAR))
    assert code == 1
    assert out == [
        f"{HAR}#entries[2]: $.items[0].user: expected a UUID string or null: the request did not "
        "expand 'user', got an expanded object [unexpected_expansion]",
        f"{HAR}#entries[4]: query.page_size: expected an integer from 1 to 200, got 500 "
        "[less_than_equal]",
        f"{HAR}: $.log.entries[6].response.status: required key 'status' is missing [invalid_har]",
    ]
    assert err.splitlines()[0].startswith("6 records checked: 3 valid, 3 invalid, 2 warnings in 1")
    assert err.splitlines()[1:] == [
        "errors: invalid_har 1, less_than_equal 1, unexpected_expansion 1",
        "warnings: unrequested_data 1, uuid_parsing 1 (not shown: pass --warnings to see them)",
        "HAR entries skipped: 1 not LMS",
    ]


def test_the_fixture_with_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--warnings", str(HAR))
    assert out[1:3] == [
        f"{HAR}#entries[2]: $.items[0].raw_data: warning: raw_data is present but the request did "
        "not ask for it (include_raw_data=false): expected it absent or null [unrequested_data]",
        f"{HAR}#entries[3]: path.id: warning: '42' is not a UUID (expected 8-4-4-4-12 hex) "
        "[uuid_parsing]",
    ]


def test_base64_and_plain_bodies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(RECORD)
    path = har(
        tmp_path,
        entry(f"/api/lms/v1/users/{U1}", content={"text": text}),
        entry(
            f"https://api.bindbee.dev/api/lms/v1/users/{U1}",
            content={"text": base64.encodebytes(text.encode()).decode(), "encoding": "base64"},
        ),
        entry(f"/api/lms/v1/users/{U1}", content={"text": "!!", "encoding": "base64"}),
        entry(f"/api/lms/v1/users/{U1}", content={"size": 0}),
    )
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert out == [
        f"{path}: $.log.entries[2].response.content.text: content.text is not valid base64 "
        "[invalid_har]",
    ]
    assert err.splitlines()[0].startswith("4 records checked: 3 valid, 1 invalid, 1 warning in 1")
    # a body that was not recorded: the request and status are still checked
    assert run(capsys, "--warnings", str(path))[1][1:] == [
        f"{path}#entries[3]: $: warning: the response body was not recorded; only the request "
        "and status were checked [body_not_recorded]",
    ]


def test_strict_makes_unknown_keys_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = har(
        tmp_path, entry(f"/api/lms/v1/users/{U1}", content={"text": json.dumps({**RECORD, "x": 1})})
    )
    assert run(capsys, str(path))[0] == 0
    code, out, _ = run(capsys, "--strict", str(path))
    assert (code, out) == (1, [f"{path}#entries[0]: $.x: unknown key 'x' [unknown_key]"])


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[]", "$: expected an object, got array [invalid_har]"),
        ('{"log": {"entries": {}}}', "$.log.entries: expected an array, got object [invalid_har]"),
        (
            '{"log": {"entries": [3]}}',
            "$.log.entries[0]: expected an object, got integer [invalid_har]",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET"}, "response": {}}]}}',
            "$.log.entries[0].request.url: required key 'url' is missing [invalid_har]",
        ),
    ],
)
def test_archives_that_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: str
) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text)
    code, out, _ = run(capsys, str(path))
    assert (code, out) == (1, [f"{path}: {line}"])


def test_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.har"
    path.write_bytes(b"\xff")
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert out[0].startswith(f"{path}: $: not valid JSON") and out[0].endswith("[invalid_json]")


def test_unrecorded_bodies_still_get_the_request_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = har(tmp_path, entry("/api/lms/v1/users/7"))
    code, out, _ = run(capsys, str(path))
    assert (code, out) == (
        1,
        [f"{path}#entries[0]: path.id: '7' is not a UUID (expected 8-4-4-4-12 hex) [uuid_parsing]"],
    )


def test_urls_that_are_not_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = har(tmp_path, entry("http://[::1/api/lms/v1/users", content={"text": "{}"}))
    code, out, _ = run(capsys, str(path))
    assert (code, out) == (
        1,
        [
            f"{path}#entries[0]: url: 'http://[::1/api/lms/v1/users' is not a URL: Invalid IPv6 "
            "URL [unknown_endpoint]"
        ],
    )


def test_only_lms_entries_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = har(tmp_path, entry("https://example.com/api/lms/v2/users"), entry("/other"))
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, [])  # nothing checked is no pass
    assert err.splitlines()[1:] == [
        "HAR entries skipped: 2 not LMS",
        f"lms-schema: no payloads found in {path}",
    ]


def test_directories_pick_up_archives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(HAR, tmp_path / "capture.har")
    (tmp_path / "user.json").write_text(json.dumps(RECORD))
    (tmp_path / "notes.txt").write_text("ignored")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 1
    assert len(out) == 3
    assert err.splitlines()[0].startswith("7 records checked: 4 valid, 3 invalid, 2 warnings in 2")
    assert "skipped in directories (not an input suffix): 1 .txt" in err


def test_normalize_leaves_archives_in_directories_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(HAR, tmp_path / "capture.har")
    assert main(["normalize", str(tmp_path)]) == 2  # nothing read
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0].startswith(
        "0 records read = 0 written + 0 rejected; 0 fixes"
    )
    assert captured.err.splitlines()[1:] == [
        "skipped in directories (not an input suffix): 1 .har",
        f"lms-schema: no payloads found in {tmp_path}",
    ]
