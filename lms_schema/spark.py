"""Validate and normalize captures on Spark, with the command line's answers.

Needs the ``spark`` extra (``pip install 'lms-schema[spark]'``: PySpark, pandas, pyarrow).
Records move between the JVM and the Python workers as Arrow batches (``mapInArrow``); the
checks are the command line's (:mod:`lms_schema._capture`)::

    import lms_schema.spark as lss

    spark = lss.local_session(2)                       # or your cluster's SparkSession
    df = spark.read.text("lake/2025-*/completions*.jsonl")   # a row per line, column `value`
    problems = lss.validate(df, "completions")         # a DataFrame, one row per problem
    problems.groupBy("code").count().show()
    print(lss.summary(df, "completions"))              # the command line's JSON summary
    clean, rejects = lss.normalize(df, "completions")  # canonical JSON, and the rejects

    lss.validate(["lake/"], spark=spark)               # files: JSON, JSON Lines, HAR, gzip

A problem row has the fields of ``lms-schema validate --format json``'s issue objects (type,
file, line, record, id, path, code, severity, message). From a DataFrame of records, ``file``
is ``input_file_name()`` (``<dataframe>`` when the rows came from no file) and ``line`` the
row's ``line`` column when it has one (``spark.read.text`` gives none: None). From paths, the
files are read as the command line reads them: large JSON Lines files in blocks, each block's
line numbers shifted by the newlines of the blocks before (counted in a first, cheap pass), so
the rows equal the command line's objects. Paths are opened by the executors: on a cluster
they must be on a file system every executor sees at the same path (``/dbfs/...``, a mount);
read object stores with ``spark.read.text`` instead.

The Python workers must run the driver's interpreter (with pyarrow): :func:`local_session`
sets ``PYSPARK_PYTHON`` to it; on a cluster, set it in the cluster's configuration.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from ._capture.checks import CheckOptions, check_record, quiet_lines
from ._capture.readers import Lane, Missing, ReadOptions, Record, Unit, plan, value_records
from ._capture.repair import repair_record
from ._capture.report import Summary, exit_status
from ._capture.run import RunConfig, count_lines, lake_config, missing_issue, process_unit
from ._lenient.policy import NormalizationPolicy
from ._values.jsonvalue import encode

try:
    import pyarrow as pa  # type: ignore[import-untyped]
    from pyspark.sql import DataFrame, SparkSession, functions
except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
    raise ImportError(
        "lms_schema.spark needs PySpark, pandas and pyarrow: pip install 'lms-schema[spark]'"
    ) from exc

__all__ = [
    "BLOCKSIZE",
    "ISSUE_SCHEMA",
    "local_session",
    "normalize",
    "summary",
    "validate",
]

BLOCKSIZE = 64 << 20
"""JSON Lines files larger than this (64 MiB) are read in blocks of about this size, in
parallel."""

ISSUE_SCHEMA = (
    "type string, file string, line long, record string, id string, path string, "
    "code string, severity string, message string"
)
"""The schema of the problem rows: the fields of the command line's ``--format json`` issue
objects."""
_ISSUE_ARROW = pa.schema(
    [
        ("type", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("record", pa.string()),
        ("id", pa.string()),
        ("path", pa.string()),
        ("code", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
    ]
)
_SUMMARY_SCHEMA = "summary string"
_SUMMARY_ARROW = pa.schema([("summary", pa.string())])
_REPAIR_SCHEMA = (
    "kind string, file string, line long, record string, value string, "
    "errors array<struct<path: string, code: string, message: string>>, payload string"
)
_ERRORS = pa.list_(
    pa.struct([("path", pa.string()), ("code", pa.string()), ("message", pa.string())])
)
_REPAIR_ARROW = pa.schema(
    [
        ("kind", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("record", pa.string()),
        ("value", pa.string()),
        ("errors", _ERRORS),
        ("payload", pa.string()),
    ]
)
_UNIT_SCHEMA = "path string, format string, start long, end long, chunk long, offset long"
_NO_FILE = "<dataframe>"
_NO_MODEL = "a DataFrame of records has no file names to tell the model: pass model"


def local_session(cores: int = 2, **conf: str) -> SparkSession:
    """A ``local[cores]`` SparkSession whose Python workers run this interpreter (it sets
    ``PYSPARK_PYTHON`` when unset) with Arrow on; ``conf`` adds settings."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("lms-schema")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(cores, 1)))
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _display(file: str | None) -> str:
    """``input_file_name()`` as the command line names the file (a local path)."""
    if not file:
        return _NO_FILE
    if file.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(file).path)
    return file


def _records(
    rows: Iterable[dict[str, Any]], options: ReadOptions, quiet: Lane | None = None
) -> Iterator[Record]:
    for row in rows:
        if row["value"] is not None:
            display = _display(row["file"])
            yield from value_records(display, row["line"], row["value"], options, quiet)


def _prepared(df: DataFrame, column: str) -> DataFrame:
    if not isinstance(df, DataFrame):
        raise TypeError(f"expected a Spark DataFrame, got {df!r}")
    if column not in df.columns:
        raise TypeError(f"the DataFrame has no column {column!r} (its columns: {df.columns})")
    line = functions.col("line").cast("long") if "line" in df.columns and column != "line" else None
    return df.select(
        functions.col(column).cast("string").alias("value"),
        (functions.col("file") if "file" in df.columns else functions.input_file_name()).alias(
            "file"
        ),
        (line if line is not None else functions.lit(None).cast("long")).alias("line"),
    )


# -- validate ----------------------------------------------------------------------------------


def _check_batches(
    batches: Iterable[pa.RecordBatch], model: type, options: CheckOptions, read: ReadOptions
) -> Iterator[pa.RecordBatch]:
    """The problems of a partition's records (runs in the Python workers)."""
    quiet = quiet_lines(model, options, read)  # JSON text with nothing to say: no Record
    for batch in batches:
        issues: list[dict[str, Any]] = []
        for record in _records(batch.to_pylist(), read, quiet):
            issues.extend(check_record(record, model, options).issues)
        if issues:
            yield pa.RecordBatch.from_pylist(issues, schema=_ISSUE_ARROW)


def _unit(row: dict[str, Any]) -> Unit:
    return Unit(row["path"], row["format"], row["start"], row["end"], row["chunk"])


def _unit_batches(batches: Iterable[pa.RecordBatch], config: RunConfig) -> Iterator[pa.RecordBatch]:
    """The problems of units of files (runs in the Python workers)."""
    for batch in batches:
        for row in batch.to_pylist():
            result = process_unit(_unit(row), config)
            issues = result.shifted(row["offset"])
            if issues:
                yield pa.RecordBatch.from_pylist(issues, schema=_ISSUE_ARROW)


def _count_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        rows = batch.to_pylist()
        counts = [count_lines(_unit(row)) for row in rows]
        yield pa.RecordBatch.from_pylist(
            [{**row, "offset": n} for row, n in zip(rows, counts, strict=True)],
            schema=batch.schema,
        )


def _session(spark: SparkSession | None) -> SparkSession:
    if spark is not None:
        return spark
    active = SparkSession.getActiveSession()
    if active is None:
        raise TypeError("no active SparkSession: pass spark=")
    return active


def _units(
    spark: SparkSession, paths: list[str], config: RunConfig
) -> tuple[DataFrame | None, list[Missing], dict[str, int], int]:
    """A DataFrame of the files' units with each block's line offset (a first pass counts
    the newlines of every block but the last of each file); the missing paths; the files
    skipped in directories; the number of files."""
    planned = plan(paths, config.read)
    units = [item for item in planned.items if isinstance(item, Unit)]
    if any(unit.path == "-" for unit in units):
        raise TypeError("standard input (-) cannot be read on Spark executors")
    missing = [item for item in planned.items if isinstance(item, Missing)]
    files = sum(1 for unit in units if unit.chunk == 0)
    if not units:
        return None, missing, dict(planned.skipped), files
    blocks = [
        (u.path, u.format, u.start, u.end, u.chunk, 0)
        for u, after in zip(units, [*units[1:], None], strict=True)
        if u.end is not None and after is not None and after.path == u.path
    ]
    lines: dict[tuple[str, int], int] = {}
    if blocks:
        counted = spark.createDataFrame(blocks, _UNIT_SCHEMA).mapInArrow(
            _count_batches, _UNIT_SCHEMA
        )
        lines = {(r["path"], r["chunk"]): r["offset"] for r in counted.collect()}
    rows: list[tuple[Any, ...]] = []
    running = 0
    for unit in units:
        running = 0 if unit.chunk == 0 else running
        rows.append((unit.path, unit.format, unit.start, unit.end, unit.chunk, running))
        running += lines.get((unit.path, unit.chunk), 0)
    frame = spark.createDataFrame(rows, _UNIT_SCHEMA).repartition(min(len(rows), 1024))
    return frame, missing, dict(planned.skipped), files


def _paths(source: Any) -> list[str]:
    raw = [source] if isinstance(source, str | os.PathLike) else list(source)
    for item in raw:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"expected a DataFrame, a path or a list of paths, got {item!r}")
    return [os.fspath(item) for item in raw]


def validate(
    source: Any,
    model: type | str | None = None,
    *,
    column: str = "value",
    spark: SparkSession | None = None,
    blocksize: int = BLOCKSIZE,
    strict: bool = False,
    duplicate_keys: bool = True,
) -> DataFrame:
    """A DataFrame of every problem (schema :data:`ISSUE_SCHEMA`), computed lazily.

    ``source``: a DataFrame whose ``column`` holds one record per row (JSON text, as
    ``spark.read.text`` gives JSON Lines), or a path or list of paths (files or directories,
    read as the command line reads them, with ``spark`` or the active session). ``model``: a
    model class or name; with paths, None tells it from each file's name. ``strict``:
    unknown and repeated keys are errors (``--strict``). ``duplicate_keys``: every key
    repeated in one object of JSON text is a ``duplicate_key`` warning, as
    ``lms-schema validate`` has it (False: ``--no-duplicate-keys``).
    """
    config = lake_config(model, blocksize, strict, duplicate_keys)
    if isinstance(source, DataFrame):
        if config.model is None:
            raise TypeError(_NO_MODEL)
        check = functools.partial(
            _check_batches, model=config.model, options=config.check, read=config.read
        )
        return _prepared(source, column).mapInArrow(check, ISSUE_SCHEMA)
    session = _session(spark)
    frame, missing, _, _ = _units(session, _paths(source), config)
    found = [missing_issue(item) for item in missing]
    problems = session.createDataFrame(found, ISSUE_SCHEMA)
    if frame is None:
        return problems
    run = functools.partial(_unit_batches, config=config)
    return problems.unionByName(frame.mapInArrow(run, ISSUE_SCHEMA))


# -- summary -----------------------------------------------------------------------------------


def _as_text(summary: Summary, files: Iterable[str] = ()) -> str:
    return encode({"counts": attrs.asdict(summary), "files": sorted(files)}).decode()


def _from_text(text: str) -> tuple[Summary, list[str]]:
    import json

    found = json.loads(text)
    return Summary(**found["counts"]), found["files"]


def _summary_batches(
    batches: Iterable[pa.RecordBatch], model: type, options: CheckOptions, read: ReadOptions
) -> Iterator[pa.RecordBatch]:
    total = Summary()
    files: set[str] = set()  # counted once over all partitions, in the driver
    quiet = quiet_lines(model, options, read)
    for batch in batches:
        for record in _records(batch.to_pylist(), read, quiet):
            files.add(record.file)
            outcome = check_record(record, model, options)
            total.add(outcome.status, outcome.issues, outcome.reason, outcome.records)
    yield pa.RecordBatch.from_pylist([{"summary": _as_text(total, files)}], schema=_SUMMARY_ARROW)


def _unit_summaries(
    batches: Iterable[pa.RecordBatch], config: RunConfig
) -> Iterator[pa.RecordBatch]:
    total = Summary()
    for batch in batches:
        for row in batch.to_pylist():
            total.merge(process_unit(_unit(row), config).summary)
    yield pa.RecordBatch.from_pylist([{"summary": _as_text(total)}], schema=_SUMMARY_ARROW)


def summary(
    source: Any,
    model: type | str | None = None,
    *,
    column: str = "value",
    spark: SparkSession | None = None,
    blocksize: int = BLOCKSIZE,
    strict: bool = False,
    duplicate_keys: bool = True,
) -> dict[str, Any]:
    """The command line's JSON summary object of ``source`` (as :func:`validate` takes it),
    computed now: the same keys and counts; ``seconds`` is this computation's wall time and
    ``exit_status`` the status ``lms-schema validate`` would exit with. ``strict`` and
    ``duplicate_keys`` as for :func:`validate`."""
    started = time.perf_counter()
    config = lake_config(model, blocksize, strict, duplicate_keys)
    total = Summary()
    if isinstance(source, DataFrame):
        if config.model is None:
            raise TypeError(_NO_MODEL)
        run = functools.partial(
            _summary_batches, model=config.model, options=config.check, read=config.read
        )
        names: set[str] = set()
        for row in _prepared(source, column).mapInArrow(run, _SUMMARY_SCHEMA).collect():
            part, files = _from_text(row["summary"])
            names.update(files)
            total.merge(part)
        total.files = len(names)
    else:
        session = _session(spark)
        frame, missing, skipped, _ = _units(session, _paths(source), config)
        total.skipped_files = skipped
        for item in missing:
            total.add("notice", [missing_issue(item)])
        if frame is not None:
            run_units = functools.partial(_unit_summaries, config=config)
            for row in frame.mapInArrow(run_units, _SUMMARY_SCHEMA).collect():
                total.merge(_from_text(row["summary"])[0])
    seconds = time.perf_counter() - started
    status = exit_status(total, strict=strict)
    return total.as_json(exit_status=status, seconds=seconds, not_printed=0)


# -- normalize ---------------------------------------------------------------------------------


def _repair_batches(
    batches: Iterable[pa.RecordBatch], model: type, policy: NormalizationPolicy
) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        rows: list[dict[str, Any]] = []
        for record in _records(batch.to_pylist(), ReadOptions()):
            if record.kind == "envelope":
                continue  # a page's items are the records
            event = repair_record(record, model, policy)
            if event.kind == "written":
                assert event.canonical is not None
                rows.append(
                    {**event.position(), "kind": "written", "value": event.canonical.decode()}
                )
            else:
                entry = event.reject_entry()
                payload = entry.pop("payload")
                rows.append(
                    {
                        **entry,
                        "kind": "rejected",
                        "payload": None if payload is None else encode(payload).decode(),
                    }
                )
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=_REPAIR_ARROW)


def normalize(
    df: DataFrame,
    model: type | str,
    *,
    column: str = "value",
    policy: NormalizationPolicy | None = None,
) -> tuple[DataFrame, DataFrame]:
    """Repair the records of ``df``'s ``column``: ``(clean, rejects)``, computed lazily.

    ``clean`` has ``file``, ``line``, ``record`` and ``value`` (the canonical JSON text);
    ``rejects`` the rejects file's fields of ``lms-schema normalize --rejects``: ``file``,
    ``line``, ``record``, ``errors`` (path, code, message) and ``payload`` (the original,
    as JSON text; None when it was not JSON). Every record read is in one of the two. Both
    come from one ``mapInArrow``: ``persist()`` its result to compute it once.
    """
    resolved = lake_config(model, 0, False).model
    if resolved is None:
        raise TypeError("normalize needs the model of the records")
    policy = NormalizationPolicy() if policy is None else policy
    if not isinstance(policy, NormalizationPolicy):
        raise TypeError(f"policy must be a NormalizationPolicy, got {policy!r}")
    run = functools.partial(_repair_batches, model=resolved, policy=policy)
    repaired = _prepared(df, column).mapInArrow(run, _REPAIR_SCHEMA)
    kind = functions.col("kind")
    clean = repaired.where(kind == "written").select("file", "line", "record", "value")
    rejects = repaired.where(kind == "rejected").select(
        "file", "line", "record", "errors", "payload"
    )
    return clean, rejects
