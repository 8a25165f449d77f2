"""What ``lms-schema normalize`` does with the records of one unit, as a picklable generator.

:func:`repair_unit` reads a unit and yields one :class:`Repair` per event, in file order: a
notice about the file, a stop (an HTTP archive, or a file whose model cannot be told), or a
record that was ``written`` (its canonical JSON) or ``rejected`` (its errors). The command
line prints and writes them; Dask and Spark workers write them to part files::

    for event in repair_unit(unit, RunConfig(), NormalizationPolicy()):
        if event.kind == "written":
            out.write(event.canonical + b"\\n")
        elif event.kind == "rejected":
            rejects.write(encode(event.reject_entry()) + b"\\n")

Counting ``written`` and ``rejected`` events gives the records read (read = written +
rejected); a ``stop`` or an error ``notice`` is an I/O problem of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import attrs

from .._lenient.policy import NormalizationPolicy
from .._models.models import Page
from .._normalize import Fix, normalize
from .._values.absent import ABSENT
from .._values.issues import Issue, format_path
from .._values.jsonvalue import encode
from .._values.leaf import FieldError
from .checks import _is_page, issue_dict
from .readers import Record, Unit, read_unit
from .report import escape
from .run import RunConfig, shift_line, unit_model

__all__ = ["Repair", "prefixed", "repair_record", "repair_unit"]


@attrs.frozen
class Repair:
    """One event of :func:`repair_unit`.

    ``kind``: ``notice`` (``issues`` holds the file's notice), ``stop`` (the file is not
    read further; ``message`` says why), ``written`` (``canonical`` is the record's canonical
    JSON, without a newline) or ``rejected`` (``issues`` are its errors, paths inside the
    file). ``fixes`` are the record's repairs (a rejected record has them too).
    """

    kind: Literal["notice", "stop", "written", "rejected"]
    record: Record | None = None
    canonical: bytes | None = None
    issues: tuple[dict[str, Any], ...] = ()
    fixes: tuple[Fix, ...] = ()
    message: str = ""

    def position(self, line_offset: int = 0) -> dict[str, Any]:
        """``file``, ``line`` and ``record`` (the record's JSONPath in its file)."""
        record = self.record
        assert record is not None
        return {
            "file": record.file,
            "line": shift_line(record.line, line_offset),
            "record": format_path(record.position),
        }

    def reject_entry(self, line_offset: int = 0) -> dict[str, Any]:
        """The line of the rejects file: file, line, record, errors, payload (the original;
        None when it was not JSON)."""
        assert self.record is not None
        payload = self.record.payload
        return {
            **self.position(line_offset),
            "errors": [
                {"path": i["path"], "code": i["code"], "message": i["message"]} for i in self.issues
            ],
            "payload": None if isinstance(payload, FieldError) else payload,
        }

    def fix_entries(self, line_offset: int = 0) -> list[dict[str, Any]]:
        """The lines of the fixes file: file, line, record, path, rule, before, after."""
        assert self.record is not None
        position = self.position(line_offset)
        return [
            {
                **position,
                "path": prefixed(self.record, fix.path),
                "rule": fix.rule,
                **({} if fix.before is ABSENT else {"before": fix.before}),
                "after": None if fix.after is ABSENT else fix.after,
            }
            for fix in self.fixes
        ]


def prefixed(record: Record, path: str) -> str:
    """An issue path of ``record`` as a path inside its file (``$.items[3].score``)."""
    if not record.position:
        return path
    return format_path(record.position) + path[1:]


def _issue(record: Record, issue: Issue) -> dict[str, Any]:
    return issue_dict(record, issue, prefixed(record, issue.path))


def repair_unit(unit: Unit, config: RunConfig, policy: NormalizationPolicy) -> Iterator[Repair]:
    """The events of normalizing ``unit`` with ``policy`` (module-level and picklable)."""
    model = unit_model(unit, config)
    for record in read_unit(unit, config.read):
        if record.kind == "notice":
            yield Repair("notice", record, issues=(_issue(record, record.payload),))
            continue
        if record.kind == "exchange":
            yield Repair(
                "stop",
                record,
                message=f"lms-schema: {escape(unit.display)}: normalize does not read HTTP "
                "archives (validate does)",
            )
            return
        if record.kind == "envelope":
            continue  # a page's items are the records
        if model is None:
            yield Repair(
                "stop",
                record,
                message=f"{escape(unit.display)}: $: cannot tell the model of "
                f"{escape(unit.display)} from its name or its directories; "
                "pass --model NAME [unknown_model]",
            )
            return
        yield repair_record(record, model, policy)


def repair_record(record: Record, model: type, policy: NormalizationPolicy) -> Repair:
    """Normalize one record (a page on one line as a page of ``model``)."""
    payload = record.payload
    if isinstance(payload, FieldError):
        return Repair(
            "rejected", record, issues=(_issue(record, Issue("$", payload.code, payload.message)),)
        )
    cls: Any = model
    if record.kind == "record" and _is_page(payload):
        cls = Page[model]  # type: ignore[valid-type]
    result = normalize(payload, cls, policy=policy)
    if result.errors or result.payload is None:
        issues = tuple(_issue(record, issue) for issue in result.errors)
        return Repair("rejected", record, issues=issues, fixes=result.fixes)
    return Repair("written", record, canonical=encode(result.payload), fixes=result.fixes)
