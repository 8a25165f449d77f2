"""The summary of a run and the output formats: text, JSON Lines, JUnit XML, GitHub annotations.

::

    summary = Summary()
    summary.add(outcome)                        # a checks.Outcome
    summary.merge(other)                        # from another process
    print(text_line(issue))                     # FILE[:LINE]: PATH: message [code]
    print(json_line(summary.as_json(exit_status=0)))

Every part of a line that comes from the data (file names, keys, values) has its control
characters and line separators escaped (:func:`escape`), so one problem is one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import attrs

__all__ = [
    "Summary",
    "escape",
    "exit_status",
    "github_line",
    "json_line",
    "junit_document",
    "summary_text",
    "text_line",
    "where",
]

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every control character and line separator escaped (``\\n``,
    ``\\x1b``, ``\\u2028``): safe to print on one line."""
    return _UNSAFE.sub(_escaped, text)


def _count(table: dict[str, int], key: str, n: int = 1) -> None:
    table[key] = table.get(key, 0) + n


@attrs.define
class Summary:
    """Counts of a run; :meth:`merge` adds another's (from another process or chunk)."""

    records: int = 0
    invalid: int = 0
    with_warnings: int = 0
    errors: dict[str, int] = attrs.field(factory=dict)
    warnings: dict[str, int] = attrs.field(factory=dict)
    files: int = 0
    skipped_files: dict[str, int] = attrs.field(factory=dict)
    unreadable: int = 0
    unknown_model: int = 0
    har_skipped: dict[str, int] = attrs.field(factory=dict)
    notices: int = 0
    invalid_envelopes: int = 0

    @property
    def valid(self) -> int:
        """Records checked without error."""
        return self.records - self.invalid

    @property
    def warning_count(self) -> int:
        """Warnings of every code."""
        return sum(self.warnings.values())

    @property
    def io_problems(self) -> int:
        """Paths or files that could not be read, and files whose model is unknown."""
        return self.unreadable + self.unknown_model

    def add(
        self,
        status: str,
        issues: Iterable[dict[str, Any]],
        reason: str | None = None,
        records: int = 1,
    ) -> None:
        """Count one outcome of :func:`~lms_schema._capture.checks.check_record` (standing
        for ``records`` records: a run of quiet lines)."""
        if status == "skipped":
            _count(self.har_skipped, reason or "other")
            return
        bad = warned = False
        for issue in issues:
            if issue["severity"] == "error":
                bad = True
                _count(self.errors, issue["code"])
                if issue["code"] == "unreadable":
                    self.unreadable += 1
                elif issue["code"] == "unknown_model":
                    self.unknown_model += 1
            else:
                warned = True
                _count(self.warnings, issue["code"])
        if status == "notice":
            self.notices += 1
            return
        if status == "envelope":
            self.invalid_envelopes += bad
            return
        self.records += records
        self.invalid += bad
        self.with_warnings += warned

    def merge(self, other: Summary) -> None:
        """Add the counts of ``other``."""
        self.records += other.records
        self.invalid += other.invalid
        self.with_warnings += other.with_warnings
        self.files += other.files
        self.unreadable += other.unreadable
        self.unknown_model += other.unknown_model
        self.notices += other.notices
        self.invalid_envelopes += other.invalid_envelopes
        for mine, theirs in (
            (self.errors, other.errors),
            (self.warnings, other.warnings),
            (self.skipped_files, other.skipped_files),
            (self.har_skipped, other.har_skipped),
        ):
            for key, n in theirs.items():
                _count(mine, key, n)

    def as_json(
        self, *, exit_status: int, seconds: float, interrupted: bool = False, **extra: Any
    ) -> dict[str, Any]:
        """The ``{"type": "summary", ...}`` object of the JSON Lines output."""
        return {
            "type": "summary",
            "records": self.records,
            "valid": self.valid,
            "invalid": self.invalid,
            "records_with_warnings": self.with_warnings,
            "errors": dict(sorted(self.errors.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "files": self.files,
            "skipped_files": dict(sorted(self.skipped_files.items())),
            "unreadable": self.unreadable,
            "unknown_model": self.unknown_model,
            "invalid_page_envelopes": self.invalid_envelopes,
            "har_entries_skipped": dict(sorted(self.har_skipped.items())),
            "seconds": round(seconds, 3),
            "records_per_second": round(self.records / seconds) if seconds > 0 else None,
            "interrupted": interrupted,
            "exit_status": exit_status,
            **extra,
        }


def exit_status(
    summary: Summary, *, strict: bool = False, allow_empty: bool = False, missing: int = 0
) -> int:
    """``lms-schema validate``'s exit status: 2 for I/O problems (``missing`` paths not yet
    counted in ``summary``) or nothing found, 1 for an invalid record (``strict``: or a
    warning), else 0."""
    if missing or summary.io_problems:
        return 2
    if summary.invalid or summary.invalid_envelopes or (strict and summary.warning_count):
        return 1
    if summary.records == 0 and not allow_empty:
        return 2
    return 0


def where(issue: dict[str, Any]) -> str:
    """``FILE``, ``FILE:LINE`` or ``FILE#entries[i]`` (an HTTP archive entry)."""
    file = escape(issue["file"])
    if issue["line"] is not None:
        return f"{file}:{issue['line']}"
    record = issue["record"]
    if record.startswith("$.log.entries["):
        return f"{file}#{record[6:]}"
    return file


def text_line(issue: dict[str, Any]) -> str:
    """``FILE[:LINE]: JSONPATH: message [code]`` (``warning: `` before a warning's message)."""
    prefix = "warning: " if issue["severity"] == "warning" else ""
    return (
        f"{where(issue)}: {escape(issue['path'])}: {prefix}{escape(issue['message'])} "
        f"[{issue['code']}]"
    )


def json_line(obj: dict[str, Any]) -> str:
    """One JSON Lines line: ASCII-only, so no character of the data can break the line."""
    return json.dumps(obj, ensure_ascii=True, separators=(", ", ": "))


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(issue: dict[str, Any]) -> str:
    """A GitHub Actions workflow command: ``::error file=F,line=L,title=CODE::PATH: message``."""
    level = "error" if issue["severity"] == "error" else "warning"
    props = [f"file={_gh_property(escape(issue['file']))}"]
    if issue["line"] is not None:
        props.append(f"line={issue['line']}")
    props.append(f"title={_gh_property(issue['code'])}")
    record = issue["record"] if issue["record"].startswith("$.log.entries[") else None
    path = f"{record[6:]}: " if record else ""
    message = f"{path}{escape(issue['path'])}: {escape(issue['message'])}"
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def junit_document(files: dict[str, list[dict[str, Any]]], summary: Summary, seconds: float) -> str:
    """JUnit XML: one test case per file, failing with its errors (warnings in system-out)."""
    cases = []
    failures = 0
    for file, issues in files.items():
        errors = [i for i in issues if i["severity"] == "error"]
        warnings = [i for i in issues if i["severity"] != "error"]
        body = ""
        if errors:
            failures += 1
            text = "\n".join(text_line(i) for i in errors)
            body += (
                f'<failure message={quoteattr(f"{len(errors)} error(s)")} type="invalid">'
                f"{xml_escape(_xml_safe(text))}</failure>"
            )
        if warnings:
            text = "\n".join(text_line(i) for i in warnings)
            body += f"<system-out>{xml_escape(_xml_safe(text))}</system-out>"
        cases.append(
            f'<testcase classname="lms-schema" name={quoteattr(_xml_safe(escape(file)))}>'
            f"{body}</testcase>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites><testsuite name="lms-schema validate" tests="{len(cases)}" '
        f'failures="{failures}" errors="0" time="{seconds:.3f}">'
        + "".join(cases)
        + "</testsuite></testsuites>\n"
    )


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def _codes(table: dict[str, int]) -> str:
    return ", ".join(
        f"{code} {n}" for code, n in sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def summary_text(
    summary: Summary,
    *,
    seconds: float,
    warnings_shown: bool,
    noun: str = "checked",
) -> list[str]:
    """The summary lines for stderr."""
    s = summary
    plural = "s" if s.records != 1 else ""
    rate = f", {s.records / seconds:,.0f} records/s" if seconds > 0 and s.records else ""
    files = f" in {s.files} file{'s' if s.files != 1 else ''}"
    lines = [
        f"{s.records} record{plural} {noun}: {s.valid} valid, {s.invalid} invalid, "
        f"{s.warning_count} warning{'s' if s.warning_count != 1 else ''}{files} "
        f"({seconds:.2f} s{rate})"
    ]
    if s.errors:
        lines.append(f"errors: {_codes(s.errors)}")
    if s.warnings:
        hidden = "" if warnings_shown else " (not shown: pass --warnings to see them)"
        lines.append(f"warnings: {_codes(s.warnings)}{hidden}")
    if s.skipped_files:
        lines.append(
            "skipped in directories (not an input suffix): "
            + ", ".join(f"{n} {suffix}" for suffix, n in sorted(s.skipped_files.items()))
        )
    if s.har_skipped:
        lines.append(
            "HAR entries skipped: "
            + ", ".join(f"{n} {reason}" for reason, n in sorted(s.har_skipped.items()))
        )
    if s.invalid_envelopes:
        lines.append(f"invalid page envelopes: {s.invalid_envelopes}")
    if s.unreadable:
        lines.append(f"unreadable: {s.unreadable} path{'s' if s.unreadable != 1 else ''}")
    if s.unknown_model:
        lines.append(
            f"model unknown: {s.unknown_model} file{'s' if s.unknown_model != 1 else ''} "
            "not checked (pass --model)"
        )
    return lines
