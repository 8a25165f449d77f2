"""One unit of work, start to end: read its records, resolve the model, check each record.

:func:`iter_unit` yields the outcomes one at a time (for a single process that prints as it
goes); :func:`process_unit` collects them with the unit's summary into a picklable
:class:`UnitResult` (for a pool of processes, Dask or Spark)::

    config = RunConfig(model=None, read=ReadOptions(), check=CheckOptions())
    for unit in units:
        result = process_unit(unit, config)          # in any process
        summary.merge(result.summary)
        issues = result.shifted(line_offset)          # chunk line numbers -> file line numbers
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from .._values.issues import Issue
from .checks import (
    QUIET_OUTCOME,
    CheckOptions,
    Outcome,
    check_record,
    issue_dict,
    model_from_path,
    quiet_lines,
    resolve_model,
)
from .readers import QUIET, Missing, ReadOptions, Record, Unit, read_unit
from .report import Summary

__all__ = [
    "RunConfig",
    "UnitResult",
    "count_lines",
    "iter_unit",
    "lake_config",
    "missing_issue",
    "process_unit",
    "shift_line",
    "unit_model",
]


@attrs.frozen
class RunConfig:
    """What every unit of a run shares: the forced model (None: from each file's name),
    how to read and how to check."""

    model: type | None = None
    read: ReadOptions = attrs.field(factory=ReadOptions)
    check: CheckOptions = attrs.field(factory=CheckOptions)


def lake_config(
    model: type | str | None, chunk_bytes: int, strict: bool, duplicate_keys: bool = False
) -> RunConfig:
    """The configuration of a Dask or Spark run: ``model`` a class, a name (``"completions"``)
    or None (told by each file's name); JSON Lines files larger than ``chunk_bytes`` read in
    blocks; ``duplicate_keys``: repeated keys are warnings (as ``lms-schema validate`` has
    them by default). Raises ``TypeError`` for arguments of the wrong type."""
    if isinstance(model, str):
        model = resolve_model(model)
    elif model is not None and not isinstance(model, type):
        raise TypeError(f"model must be a model class, a model name or None, got {model!r}")
    if type(chunk_bytes) is not int or chunk_bytes < 0:
        raise TypeError(f"blocksize must be a non-negative int, got {chunk_bytes!r}")
    if type(duplicate_keys) is not bool:
        raise TypeError(f"duplicate_keys must be a bool, got {duplicate_keys!r}")
    read = ReadOptions(chunk_bytes=chunk_bytes, duplicate_keys=duplicate_keys)
    return RunConfig(model=model, read=read, check=CheckOptions(strict))


def unit_model(unit: Unit, config: RunConfig) -> type | None:
    """``--model``, else the model the file's name or directories tell."""
    return config.model or model_from_path(unit.path)


def iter_unit(unit: Unit, config: RunConfig) -> Iterator[tuple[Record, Outcome]]:
    """The outcome of every record of ``unit``, in file order. A file whose model cannot be
    told (and that is no HTTP archive) gives one ``unknown_model`` error and no records."""
    model = unit_model(unit, config)
    lane = quiet_lines(model, config.check, config.read) if model is not None else None
    for record in read_unit(unit, config.read, lane):
        if record is QUIET:  # a JSON Lines line with nothing to say
            yield record, QUIET_OUTCOME
            continue
        if model is None and record.kind not in ("notice", "exchange"):
            issue = Issue(
                "$",
                "unknown_model",
                f"cannot tell the model of {unit.display} from its name or its directories; "
                "pass --model NAME",
            )
            notice = Record(unit.display, None, (), "notice", issue)
            yield notice, Outcome("notice", [issue_dict(notice, issue)])
            return
        yield record, check_record(record, model, config.check)


@attrs.frozen
class UnitResult:
    """The issues of a unit in order, its summary, and (for a JSON Lines chunk) the number
    of lines it spans."""

    issues: list[dict[str, Any]]
    summary: Summary
    lines: int = 0

    def shifted(self, offset: int) -> list[dict[str, Any]]:
        """The issues with ``offset`` added to their line numbers (a chunk's lines count
        from 1)."""
        if not offset:
            return self.issues
        return [{**issue, "line": shift_line(issue["line"], offset)} for issue in self.issues]


def shift_line(line: int | None, offset: int) -> int | None:
    """A chunk's line number as the file's (a chunk's lines count from 1)."""
    return line + offset if line is not None and offset else line


def missing_issue(item: Missing) -> dict[str, Any]:
    """The ``unreadable`` issue of a path that cannot be read."""
    record = Record(item.path, None, (), "notice", None)
    return issue_dict(record, Issue("$", "unreadable", item.message))


def process_unit(unit: Unit, config: RunConfig) -> UnitResult:
    """Every issue of ``unit`` and its summary (module-level and picklable: for a pool)."""
    summary = Summary(files=1 if unit.chunk == 0 else 0)
    issues: list[dict[str, Any]] = []
    for _, outcome in iter_unit(unit, config):
        summary.add(outcome.status, outcome.issues, outcome.reason, outcome.records)
        issues.extend(outcome.issues)
    lines = count_lines(unit) if unit.end is not None else 0
    return UnitResult(issues, summary, lines)


def count_lines(unit: Unit) -> int:
    """The newlines in a JSON Lines chunk's byte range."""
    count = 0
    with open(unit.path, "rb") as handle:
        handle.seek(unit.start)
        left = (unit.end or 0) - unit.start
        while left > 0:
            block = handle.read(min(left, 1 << 20))
            if not block:
                break
            left -= len(block)
            count += block.count(b"\n")
    return count
