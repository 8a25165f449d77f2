"""HTTP archives as real tools write them.

Recorded here by mitmproxy (``mitmdump`` with its ``hardump`` option) in front of a stand-in
server on 127.0.0.1, and hand-written archives in mitmproxy's exact shape for what a
recording cannot easily produce."""

from __future__ import annotations

import base64
import gzip
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
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
COMPLETION: dict[str, Any] = {**GOOD, "user": U2, "score": 95, "grade": "PASS"}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m lms_schema`` of this checkout."""
    return subprocess.run(
        [sys.executable, "-m", "lms_schema", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def lines(text: str) -> list[str]:
    return text.splitlines()


# -- a mitmproxy-shaped archive, by hand ----------------------------------------------------


def response(
    status: int,
    text: str | None,
    mime: str = "application/json",
    headers: list[dict[str, str]] | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(text or ""), "compression": 0, "mimeType": mime}
    if text is not None:
        content["text"] = text
    if encoding:
        content["encoding"] = encoding
    return {
        "status": status,
        "statusText": "",
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers or [{"name": "Content-Type", "value": mime}],
        "content": content,
        "redirectURL": "",
        "headersSize": 100,
        "bodySize": len(text or ""),
    }


def entry(method: str, url: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "startedDateTime": "2025-01-01T00:00:00+00:00",
        "time": 1.0,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "queryString": [],
            "headersSize": 10,
            "bodySize": 0,
        },
        "response": answer,
        "cache": {},
        "timings": {"connect": 0, "ssl": 0, "send": 0, "receive": 0, "wait": 0},
        "serverIPAddress": "127.0.0.1",
    }


def archive(*entries: dict[str, Any]) -> bytes:
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": "mitmproxy", "version": "11.0.2", "comment": ""},
            "pages": [],
            "entries": list(entries),
        }
    }
    return json.dumps(document, indent=4).encode()


BASE = "http://127.0.0.1:8000/api/lms/v1"
NO_RESPONSE = {
    "status": 0,
    "statusText": "",
    "httpVersion": "",
    "headers": [],
    "cookies": [],
    "content": {},
    "redirectURL": "",
    "headersSize": -1,
    "bodySize": -1,
    "_transferSize": 0,
    "_error": "Connection refused",
}


def test_what_real_captures_contain(tmp_path: Path) -> None:
    page = {"cursor": None, "page_size": 1, "items": [COMPLETION]}
    path = tmp_path / "browser.har"
    path.write_bytes(
        archive(
            entry("OPTIONS", f"{BASE}/users", response(204, "")),
            entry("HEAD", f"{BASE}/users", response(200, "")),
            entry("GET", f"{BASE}/users/{U1}", response(200, json.dumps(GOOD))),
            # stream_large_bodies: no text kept, the header says 8000 bytes
            entry(
                "GET",
                f"{BASE}/completions",
                response(200, "", headers=[{"name": "content-length", "value": "8000"}]),
            ),
            entry("GET", f"{BASE}/completions/", response(307, "")),  # FastAPI's redirect
            entry("GET", f"{BASE}/nope", response(404, '{"detail": "Not Found"}')),
            entry("GET", f"{BASE}/users", NO_RESPONSE),
            entry("GET", f"{BASE}/users", response(200, "<html>login</html>", "text/html")),
            entry(
                "GET",
                f"{BASE}/completions",
                response(
                    200,
                    base64.b64encode(gzip.compress(json.dumps(page).encode())).decode(),
                    encoding="base64",
                ),
            ),
            entry("GET", "https://cdn.example.com/app.js", response(200, "x", "text/javascript")),
        )
    )
    result = cli("validate", "--warnings", str(path))
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{path}#entries[3]: $: warning: the response body was not recorded (the archive states "
        "8000 bytes); only the request and status were checked [body_not_recorded]",
        f"{path}#entries[4]: url: warning: '/api/lms/v1/completions/' is not an LMS endpoint "
        "(expected /api/lms/v1/<collection> or /api/lms/v1/<collection>/<id> with a collection "
        "among users, courses, contents, categories, skills, enrollments, completions) (the "
        "server answered 307) [unknown_endpoint]",
        f"{path}#entries[5]: url: warning: '/api/lms/v1/nope' is not an LMS endpoint (expected "
        "/api/lms/v1/<collection> or /api/lms/v1/<collection>/<id> with a collection among users, "
        "courses, contents, categories, skills, enrollments, completions) (the server answered "
        "404) [unknown_endpoint]",
        f"{path}#entries[6]: status: the request got no response: Connection refused [no_response]",
        lines(result.stdout)[4],
    ]
    html = lines(result.stdout)[4]
    assert html.startswith(
        f"{path}#entries[7]: $: the body is text/html (content.mimeType), not JSON: not valid JSON"
    )
    assert html.endswith("[invalid_json]")
    summary = lines(result.stderr)
    assert summary[0].startswith("7 records checked: 5 valid, 2 invalid, 3 warnings in 1 file")
    assert "HAR entries skipped: 1 HEAD, 1 OPTIONS, 1 not LMS" in summary


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("offline.zhar", lambda data: zlib.compress(data, 9)),  # mitmproxy's compressed HAR
        ("bom.har", lambda data: b"\xef\xbb\xbf" + data),  # Windows tools
        ("utf16.har", lambda data: data.decode().encode("utf-16")),
        ("capture.har.gz", gzip.compress),
    ],
)
def test_encodings_of_an_archive(tmp_path: Path, name: str, encode: Any) -> None:
    path = tmp_path / name
    body = json.dumps({**GOOD, "remote_id": 5})
    path.write_bytes(encode(archive(entry("GET", f"{BASE}/users/{U1}", response(200, body)))))
    result = cli("validate", str(path))
    assert result.returncode == 1, result.stderr
    assert lines(result.stdout) == [
        f"{path}#entries[0]: $.remote_id: expected a string or null, got integer [wrong_type]"
    ]


def test_a_truncated_archive_says_it_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "cut.har"
    path.write_bytes(
        archive(entry("GET", f"{BASE}/users/{U1}", response(200, json.dumps(GOOD))))[:-40]
    )
    result = cli("validate", str(path))
    assert result.returncode == 1
    (line,) = lines(result.stdout)
    assert line.startswith(f"{path}: $: not valid JSON: ")
    assert line.endswith("(the archive is cut off: truncated?) [invalid_json]")


# -- a recording by mitmproxy ---------------------------------------------------------------


def _mitmdump() -> str:
    found = os.environ.get("LMS_SCHEMA_MITMDUMP") or shutil.which("mitmdump")
    beside = Path(sys.executable).parent / "mitmdump"
    if found is None and beside.exists():
        found = str(beside)
    if found is None:
        pytest.fail("mitmdump not found: pip install -e '.[test]' installs mitmproxy")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _StandIn(http.server.BaseHTTPRequestHandler):
    """The LMS API's stand-in: a few canned answers."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: bytes, mime: str = "application/json", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == f"/api/lms/v1/users/{U1}":
            self._send(200, json.dumps(GOOD).encode())
        elif path == "/api/lms/v1/completions":
            page = {
                "cursor": None,
                "page_size": 2,
                "items": [COMPLETION, {**COMPLETION, "id": U2, "score": "x"}],
            }
            body = gzip.compress(json.dumps(page).encode())
            self._send(200, body, Content_Encoding="gzip")
        elif path == "/api/lms/v1/completions/":
            self._send(307, b"", Location="/api/lms/v1/completions")
        elif path == "/api/lms/v1/users":
            self._send(200, b"<html>sign in</html>", "text/html; charset=utf-8")
        else:
            self._send(404, b'{"detail":"Not Found"}')

    def do_OPTIONS(self) -> None:
        self._send(204, b"", Access_Control_Allow_Origin="*")


@pytest.fixture
def stand_in() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _through(proxy: int, method: str, url: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", proxy, timeout=20)
    try:
        connection.request(method, url)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def test_an_archive_recorded_by_mitmproxy(tmp_path: Path, stand_in: int) -> None:
    proxy = _free_port()
    dead = _free_port()  # nothing listens here: the request gets no response
    har = tmp_path / "recorded.har"
    process = subprocess.Popen(
        [
            _mitmdump(),
            "--listen-host", "127.0.0.1",
            "--listen-port", str(proxy),
            "--set", f"hardump={har}",
            "--set", f"confdir={tmp_path / 'mitm'}",
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", proxy), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(
                        f"mitmdump did not start: {process.stderr.read()!r}"  # type: ignore[union-attr]
                    )
                time.sleep(0.2)
        base = f"http://127.0.0.1:{stand_in}"
        statuses = [
            _through(proxy, "OPTIONS", f"{base}/api/lms/v1/users"),
            _through(proxy, "GET", f"{base}/api/lms/v1/users/{U1}"),
            _through(proxy, "GET", f"{base}/api/lms/v1/completions"),
            _through(proxy, "GET", f"{base}/api/lms/v1/completions/"),
            _through(proxy, "GET", f"{base}/api/lms/v1/nope"),
            _through(proxy, "GET", f"{base}/api/lms/v1/users"),
            _through(proxy, "GET", f"{base}/static/app.js"),
            _through(proxy, "GET", f"http://127.0.0.1:{dead}/api/lms/v1/users"),
        ]
        assert statuses == [204, 200, 200, 307, 404, 200, 404, 502]
    finally:
        process.send_signal(signal.SIGINT)  # mitmdump writes the archive when it stops
        try:
            process.wait(timeout=60)
        finally:
            process.kill()
            if process.stderr is not None:
                process.stderr.close()
    recorded = json.loads(har.read_text())
    assert recorded["log"]["creator"]["name"] == "mitmproxy"
    assert len(recorded["log"]["entries"]) == 8
    result = cli("validate", "--warnings", str(har))
    assert result.returncode == 1
    out = lines(result.stdout)
    assert out[0] == (
        f"{har}#entries[2]: $.items[1].score: expected an integer or null, got string [wrong_type]"
    )
    assert out[1].startswith(f"{har}#entries[3]: url: warning: '/api/lms/v1/completions/' is not")
    assert out[1].endswith("(the server answered 307) [unknown_endpoint]")
    assert out[2].startswith(f"{har}#entries[4]: url: warning: '/api/lms/v1/nope' is not")
    assert out[2].endswith("(the server answered 404) [unknown_endpoint]")
    assert out[3].startswith(
        f"{har}#entries[5]: $: the body is text/html; charset=utf-8 (content.mimeType), not JSON"
    )
    assert out[4].startswith(f"{har}#entries[7]: status: the request got no response: ")
    assert out[4].endswith("[no_response]")
    assert len(out) == 5
    assert "HAR entries skipped: 1 OPTIONS, 1 not LMS" in result.stderr
    # the zlib-compressed form mitmproxy writes for a .zhar name reads the same
    zhar = tmp_path / "recorded.zhar"
    zhar.write_bytes(zlib.compress(har.read_bytes(), 9))
    again = cli("validate", "--warnings", str(zhar))
    assert [line.replace(str(zhar), str(har)) for line in lines(again.stdout)] == out
