"""Reading HTTP Archive (HAR 1.2) files: the exchanges the CLI checks with validate_exchange.

Each ``log.entries[i]`` gives ``request.method``, ``request.url``, ``response.status`` and
``response.content.text`` (base64 when ``content.encoding`` is ``"base64"``; line breaks in
it are ignored; a base64 body that is still gzip-compressed is decompressed). Problems with
the archive itself are issues with code ``invalid_har`` at their JSONPath in the file.

What real recorders write is kept too: ``content.mimeType``, mitmproxy's ``response._error``
for a request that got no response (status 0), and whether the body was recorded at all (an
empty ``text`` while ``content.size`` or the ``Content-Length`` header says there was one, as
mitmproxy writes with ``stream_large_bodies``).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from typing import Any

import attrs

from .._values.issues import Issue, PathPart, format_path
from .._values.jsonvalue import decode
from .._values.leaf import FieldError, json_type_name

__all__ = ["HarExchange", "read_har"]


@attrs.frozen
class HarExchange:
    """One entry of a HAR file; ``body`` is None when the archive did not record it.

    ``mime_type`` is ``content.mimeType`` (``""`` when absent), ``error`` the recorder's
    error text for a request without response (mitmproxy's ``_error``), ``size`` the body
    size the archive or the ``Content-Length`` header states (None when neither does).
    """

    index: int
    method: str
    url: str
    status: int
    body: bytes | str | None
    mime_type: str = ""
    error: str | None = None
    size: int | None = None


class _HarError(Exception):
    def __init__(self, path: tuple[PathPart, ...], message: str) -> None:
        super().__init__(message)
        self.issue = Issue(format_path(path), "invalid_har", message)


_KINDS = {dict: "an object", list: "an array", str: "a string", int: "an integer"}


def _get(node: Any, key: str, path: tuple[PathPart, ...], kind: type) -> Any:
    if type(node) is not dict:
        raise _HarError(path, f"expected an object, got {json_type_name(node)}")
    if key not in node:
        raise _HarError((*path, key), f"required key {key!r} is missing")
    value = node[key]
    if type(value) is not kind:
        raise _HarError((*path, key), f"expected {_KINDS[kind]}, got {json_type_name(value)}")
    return value


def read_har(data: bytes) -> list[HarExchange | Issue]:
    """The entries of a HAR document in order: each an exchange, or the problem that kept it
    from being read (its path is a JSONPath in the archive). A document that is not a HAR
    gives one issue."""
    try:
        document = decode(data)
    except FieldError as exc:
        message = exc.message
        if _cut_off(message, data):
            message += " (the archive is cut off: truncated?)"
        return [Issue("$", exc.code, message)]
    try:
        log = _get(document, "log", (), dict)
        entries = _get(log, "entries", ("log",), list)
    except _HarError as bad:
        return [bad.issue]
    out: list[HarExchange | Issue] = []
    for index, entry in enumerate(entries):
        where: tuple[PathPart, ...] = ("log", "entries", index)
        try:
            out.append(_exchange(index, entry, where))
        except _HarError as bad:
            out.append(bad.issue)
    return out


def _exchange(index: int, entry: Any, where: tuple[PathPart, ...]) -> HarExchange:
    request = _get(entry, "request", where, dict)
    response = _get(entry, "response", where, dict)
    method = _get(request, "method", (*where, "request"), str)
    url = _get(request, "url", (*where, "request"), str)
    status = _get(response, "status", (*where, "response"), int)
    content = response.get("content")
    body: bytes | str | None = None
    mime_type = ""
    size = _declared_size(response)
    if type(content) is dict:
        if type(content.get("mimeType")) is str:
            mime_type = content["mimeType"]
        if type(content.get("size")) is int and content["size"] > 0:
            size = content["size"]
    if type(content) is dict and "text" in content:
        text = _get(content, "text", (*where, "response", "content"), str)
        body = text
        if content.get("encoding") == "base64":
            try:
                body = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                raise _HarError(
                    (*where, "response", "content", "text"), "content.text is not valid base64"
                ) from None
            if body[:2] == b"\x1f\x8b":  # still gzip-compressed (the recorder kept the wire)
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError, zlib.error):
                    raise _HarError(
                        (*where, "response", "content", "text"),
                        "content.text is gzip data that cannot be decompressed",
                    ) from None
        if not body and size:
            body = None  # "text": "" for a body the recorder did not keep
    error = response.get("_error")
    return HarExchange(
        index,
        method,
        url,
        status,
        body,
        mime_type=mime_type,
        error=error if type(error) is str else None,
        size=size,
    )


def _declared_size(response: dict[str, Any]) -> int | None:
    headers = response.get("headers")
    if type(headers) is not list:
        return None
    for header in headers:
        if type(header) is dict and str(header.get("name", "")).lower() == "content-length":
            try:
                value = int(str(header.get("value", "")))
            except ValueError:
                return None
            return value if value > 0 else None
    return None


def _cut_off(message: str, data: bytes) -> bool:
    found = re.search(r"\(char (\d+)\)", message)
    end = len(data.rstrip())
    return found is not None and end > 0 and int(found.group(1)) >= end - 1
