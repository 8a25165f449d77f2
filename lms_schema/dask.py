"""Validate and normalize a data lake of captures on Dask, with the command line's answers.

Needs the ``dask`` extra (``pip install 'lms-schema[dask]'``). Every function runs the same
code as ``lms-schema validate`` / ``normalize`` (:mod:`lms_schema._capture`) in Dask tasks, on
whatever scheduler is current: synchronous, threads, processes, or a ``distributed`` cluster
(an active ``Client``)::

    import lms_schema.dask as lsd
    from dask.distributed import Client

    client = Client("tcp://scheduler:8786")              # or Client(LocalCluster(...)), or none
    issues = lsd.validate("lake/2025-*/completions*.jsonl")   # a dask.bag.Bag of issue dicts
    errors = issues.filter(lsd.is_error).count().compute()
    print(lsd.summary("lake/"))                        # the command line's JSON summary
    counts = lsd.normalize("lake/", "clean/", rejects_dir="rejects/")
    assert counts["read"] == counts["written"] + counts["rejected"]

An issue dict has exactly the keys of ``lms-schema validate --format json``'s issue objects
(type, file, line, record, id, path, code, severity, message). JSON Lines files larger than
``blocksize`` are read in byte blocks in parallel; each block's line numbers are shifted by
the newlines of the blocks before it (counted by small tasks of their own), so they are the
file's. JSON documents and HTTP archives are read whole per file (streamed when large).
Paths are opened by the workers: on a cluster they must be on a file system every worker
sees at the same path. A ``dask.bag.Bag`` of records (dicts, or JSON text) is checked too:
its issues name the file ``<bag partition N>`` and the record's number in its partition
(text is read as a JSON Lines line: blank ones are skipped, as ``dask.bag.read_text`` gives
them).
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from ._capture.checks import check_record, quiet_lines
from ._capture.readers import Lane, Missing, ReadOptions, Record, Unit, value_records
from ._capture.repair import Repair, repair_record, repair_unit
from ._capture.report import Summary, exit_status
from ._capture.run import (
    RunConfig,
    UnitResult,
    count_lines,
    lake_config,
    missing_issue,
    process_unit,
)
from ._lenient.policy import NormalizationPolicy
from ._values.jsonvalue import encode

try:
    import dask.bag
    from dask.base import compute as _dask_compute
    from dask.delayed import Delayed, delayed
except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
    raise ImportError("lms_schema.dask needs Dask: pip install 'lms-schema[dask]'") from exc

from dask.bag import Bag

# dask's own functions are not annotated: typed once here
_compute: Callable[..., tuple[Any, ...]] = _dask_compute
_from_delayed: Callable[..., Bag] = dask.bag.from_delayed

__all__ = ["BLOCKSIZE", "is_error", "normalize", "summary", "validate"]

BLOCKSIZE = 64 << 20
"""JSON Lines files larger than this (64 MiB) are read in blocks of about this size, in
parallel."""


def is_error(issue: dict[str, Any]) -> bool:
    """True for an issue of severity ``error`` (a module-level function: it pickles)."""
    return bool(issue["severity"] == "error")


# -- planning ----------------------------------------------------------------------------------


def _paths(source: Any) -> list[str]:
    """A path, a glob or a list of them, as the command line's paths (a glob that matches
    nothing stays as it is, and is reported missing)."""
    raw = [source] if isinstance(source, str | os.PathLike) else list(source)
    paths: list[str] = []
    for item in raw:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"expected a path, a glob, a list of paths or a dask Bag, got {item!r}")
        text = os.fspath(item)
        if glob.has_magic(text) and not os.path.exists(text):
            matches = sorted(glob.glob(text, recursive=True))
            paths.extend(matches or [text])
        else:
            paths.append(text)
    return paths


def _is_bag(source: Any) -> bool:
    return isinstance(source, dask.bag.Bag)


def _plus(offset: int, lines: int) -> int:
    return offset + lines


def _offsets(items: Iterable[Unit | Missing]) -> list[int | Delayed]:
    """For each item, the lines of its file before it: 0, or a task adding the newlines of
    the block before (a small counting task) to that block's offset, a chain per file."""
    offsets: list[int | Delayed] = []
    previous: dict[str, tuple[int | Delayed, Delayed]] = {}
    for item in items:
        if isinstance(item, Missing) or item.end is None:
            offsets.append(0)
            continue
        offset: int | Delayed = 0
        if item.chunk and item.path in previous:
            before, lines = previous[item.path]
            offset = delayed(_plus, pure=True)(before, lines)
        offsets.append(offset)
        previous[item.path] = (offset, delayed(count_lines, pure=True)(item))
    return offsets


# -- validate ----------------------------------------------------------------------------------


def _unit_result(unit: Unit, config: RunConfig, offset: int) -> UnitResult:
    """``process_unit`` with the issues' lines shifted by the blocks before (picklable)."""
    result = process_unit(unit, config)
    return UnitResult(result.shifted(offset), result.summary, result.lines)


def _missing_result(item: Missing) -> UnitResult:
    issue = missing_issue(item)
    summary = Summary()
    summary.add("notice", [issue])
    return UnitResult([issue], summary)


def _bag_display(partition: int) -> str:
    return f"<bag partition {partition}>"


def _bag_records(
    records: Iterable[Any],
    partition: int,
    options: ReadOptions | None = None,
    quiet: Lane | None = None,
) -> Iterable[Record]:
    display = _bag_display(partition)
    for number, value in enumerate(records, start=1):
        yield from value_records(display, number, value, options, quiet)


def _bag_result(records: Iterable[Any], partition: int, config: RunConfig) -> UnitResult:
    """The issues and summary of one partition of a bag of records (picklable)."""
    assert config.model is not None
    summary = Summary()
    issues: list[dict[str, Any]] = []
    quiet = quiet_lines(config.model, config.check, config.read)  # JSON text with nothing to say
    for record in _bag_records(records, partition, config.read, quiet):
        outcome = check_record(record, config.model, config.check)
        summary.add(outcome.status, outcome.issues, outcome.reason, outcome.records)
        issues.extend(outcome.issues)
    return UnitResult(issues, summary)


def _results(source: Any, config: RunConfig) -> tuple[list[Delayed], dict[str, int]]:
    """One task per unit (or bag partition), each giving a :class:`UnitResult`; the files
    skipped in directories."""
    if _is_bag(source):
        if config.model is None:
            raise TypeError("a bag of records has no file names to tell the model: pass model=")
        parts = source.to_delayed()
        return [delayed(_bag_result)(part, n, config) for n, part in enumerate(parts)], {}
    from ._capture.readers import plan

    planned = plan(_paths(source), config.read)
    tasks: list[Delayed] = []
    for item, offset in zip(planned.items, _offsets(planned.items), strict=True):
        if isinstance(item, Missing):
            tasks.append(delayed(_missing_result)(item))
        elif item.path == "-":
            raise TypeError("standard input (-) cannot be read on Dask workers")
        else:
            tasks.append(delayed(_unit_result)(item, config, offset))
    return tasks, dict(planned.skipped)


def _issues(result: UnitResult) -> list[dict[str, Any]]:
    return result.issues


def validate(
    source: Any,
    model: type | str | None = None,
    *,
    blocksize: int = BLOCKSIZE,
    strict: bool = False,
    duplicate_keys: bool = True,
) -> Bag:
    """Every problem of ``source`` as a lazy ``dask.bag.Bag`` of issue dicts, in input order.

    ``source``: a path (file or directory), a glob, a list of them, or a bag of records.
    ``model``: the model of every record (a class or a name such as ``"completions"``);
    None tells it from each file's name, as the command line does. ``strict``: unknown and
    repeated keys are errors (``--strict``). ``duplicate_keys``: every key repeated in one
    object of JSON text is a ``duplicate_key`` warning, as ``lms-schema validate`` has it
    (False: ``--no-duplicate-keys``; records that arrive decoded have lost their repeats).
    """
    tasks, _ = _results(source, lake_config(model, blocksize, strict, duplicate_keys))
    return _from_delayed([delayed(_issues)(task) for task in tasks])


def _merged(skipped: dict[str, int], *results: UnitResult) -> Summary:
    total = Summary(skipped_files=dict(skipped))
    for result in results:
        total.merge(result.summary)
    return total


def summary(
    source: Any,
    model: type | str | None = None,
    *,
    blocksize: int = BLOCKSIZE,
    strict: bool = False,
    duplicate_keys: bool = True,
) -> dict[str, Any]:
    """The command line's JSON summary object of ``source`` (computed now): the same keys
    and counts; ``seconds`` is this computation's wall time and ``exit_status`` the status
    ``lms-schema validate`` would exit with."""
    started = time.perf_counter()
    tasks, skipped = _results(source, lake_config(model, blocksize, strict, duplicate_keys))
    (total,) = _compute(delayed(_merged)(skipped, *tasks))
    seconds = time.perf_counter() - started
    status = exit_status(total, strict=strict)
    assert isinstance(total, Summary)
    return total.as_json(exit_status=status, seconds=seconds, not_printed=0)


# -- normalize ---------------------------------------------------------------------------------


def _write_part(
    events: Iterable[Repair], out_path: str, rejects_path: str | None, offset: int
) -> dict[str, int]:
    counts = {"read": 0, "written": 0, "rejected": 0, "fixes": 0, "problems": 0}
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    if rejects_path is not None:
        os.makedirs(os.path.dirname(rejects_path), exist_ok=True)
    with open(out_path, "wb") as out, open(rejects_path or os.devnull, "wb") as rejects:
        for event in events:
            if event.kind == "notice":
                counts["problems"] += event.issues[0]["severity"] == "error"
                continue
            if event.kind == "stop":
                counts["problems"] += 1
                break
            counts["read"] += 1
            counts["fixes"] += len(event.fixes)
            if event.kind == "rejected":
                counts["rejected"] += 1
                rejects.write(encode(event.reject_entry(offset)) + b"\n")
            else:
                assert event.canonical is not None
                counts["written"] += 1
                out.write(event.canonical + b"\n")
    return counts


def _normalize_unit(
    unit: Unit,
    config: RunConfig,
    policy: NormalizationPolicy,
    out_path: str,
    rejects_path: str | None,
    offset: int,
) -> dict[str, int]:
    """Normalize one unit into its part files (picklable)."""
    return _write_part(repair_unit(unit, config, policy), out_path, rejects_path, offset)


def _normalize_partition(
    records: Iterable[Any],
    partition: int,
    config: RunConfig,
    policy: NormalizationPolicy,
    out_path: str,
    rejects_path: str | None,
) -> dict[str, int]:
    """Normalize one partition of a bag of records into its part files (picklable)."""
    model = config.model
    assert model is not None
    events = (
        repair_record(record, model, policy)
        for record in _bag_records(records, partition)
        if record.kind != "envelope"
    )
    return _write_part(events, out_path, rejects_path, 0)


def _missing_counts(item: Missing) -> dict[str, int]:
    return {"read": 0, "written": 0, "rejected": 0, "fixes": 0, "problems": 1}


def _added(*parts: dict[str, int]) -> dict[str, int]:
    total = {"read": 0, "written": 0, "rejected": 0, "fixes": 0, "problems": 0}
    for part in parts:
        for key, n in part.items():
            total[key] += n
    return total


def normalize(
    source: Any,
    out_dir: str | os.PathLike[str],
    model: type | str | None = None,
    *,
    policy: NormalizationPolicy | None = None,
    rejects_dir: str | os.PathLike[str] | None = None,
    blocksize: int = BLOCKSIZE,
) -> dict[str, int]:
    """Repair ``source`` (as :func:`validate` takes it) into canonical JSON Lines parts
    ``out_dir/part-NNNNN.jsonl`` (one per file, block or bag partition, in input order) and,
    with ``rejects_dir``, the records that cannot be repaired in the rejects file's shape of
    ``lms-schema normalize --rejects``. Runs now; returns the counts: ``read``, ``written``,
    ``rejected`` (read = written + rejected), ``fixes``, and ``problems`` (paths that cannot
    be read, files whose model is unknown: as the command line, they do not stop the others).
    """
    policy = NormalizationPolicy() if policy is None else policy
    if not isinstance(policy, NormalizationPolicy):
        raise TypeError(f"policy must be a NormalizationPolicy, got {policy!r}")
    config = lake_config(model, blocksize, False)
    out = os.fspath(out_dir)
    rejects = None if rejects_dir is None else os.fspath(rejects_dir)

    def where(n: int) -> tuple[str, str | None]:
        name = f"part-{n:05d}.jsonl"
        return os.path.join(out, name), None if rejects is None else os.path.join(rejects, name)

    tasks: list[Delayed] = []
    if _is_bag(source):
        if config.model is None:
            raise TypeError("a bag of records has no file names to tell the model: pass model=")
        for n, part in enumerate(source.to_delayed()):
            tasks.append(delayed(_normalize_partition)(part, n, config, policy, *where(n)))
    else:
        from ._capture.readers import plan

        planned = plan(_paths(source), config.read, ("json", "jsonl"))
        units = [item for item in planned.items if isinstance(item, Unit)]
        if any(unit.path == "-" for unit in units):
            raise TypeError("standard input (-) cannot be read on Dask workers")
        n = 0
        for item, offset in zip(planned.items, _offsets(planned.items), strict=True):
            if isinstance(item, Missing):
                tasks.append(delayed(_missing_counts)(item))
                continue
            tasks.append(delayed(_normalize_unit)(item, config, policy, *where(n), offset))
            n += 1
    os.makedirs(out, exist_ok=True)
    if rejects is not None:
        os.makedirs(rejects, exist_ok=True)
    (total,) = _compute(delayed(_added)(*tasks))
    return {key: int(n) for key, n in total.items()}
