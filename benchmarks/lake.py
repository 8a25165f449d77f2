"""Records per second of ``lms-schema validate`` on one machine, with ``--jobs 2``, on Dask
(2 worker processes) and on Spark ``local[2]``: the same input, equal results checked.

    nice -n 10 python3 -m benchmarks.lake                  # 1,000,000 records; rewrites
                                                           # its own section of RESULTS.md
    python3 -m benchmarks.lake --records 20000 --print     # small, prints, writes nothing

Only the block between ``<!-- lake:start -->`` and ``<!-- lake:end -->`` of
``benchmarks/RESULTS.md`` is written (appended when missing). Each engine's start-up (the
process, the cluster, the JVM, and a first job on a one-record file, so the workers have
imported lms-schema) is timed apart from the run; run times are wall-clock seconds on a
machine shared with other work, so they are a lower bound of what 2 free cores do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson

from . import corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- lake:start -->", "<!-- lake:end -->"


def write_input(path: Path, count: int) -> None:
    """``count`` seeded completion records, one per line; every 997th has a string score
    (an error), every 1499th an unknown key (a warning)."""
    rng = random.Random(count)
    with path.open("wb") as handle:
        batch = []
        for index in range(count):
            record = corpus.completion(rng)
            if index % 997 == 996:
                record["score"] = "x"
            elif index % 1499 == 1498:
                record["vendor_extra"] = index
            batch.append(orjson.dumps(record))
            if len(batch) == 10_000 or index == count - 1:
                handle.write(b"\n".join(batch) + b"\n")
                batch = []


def _timeless(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in ("seconds", "records_per_second")}


def _cli(path: Path, *extra: str) -> tuple[float, float, list[dict[str, Any]], dict[str, Any]]:
    """(wall seconds, CPU seconds of the process and its children, issues, summary)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "lms_schema", "validate", "--format", "json", "-q"]
    start = time.perf_counter()
    before = os.times()
    done = subprocess.run(
        [*argv, "--model", "completion", *extra, str(path)],
        capture_output=True,
        check=False,
        env=env,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.decode()[-2000:])
    objects = [json.loads(line) for line in done.stdout.split(b"\n") if line]
    return wall, cpu, objects[:-1], objects[-1]


def tree_cpu() -> float:
    """CPU seconds (user + system) of this process and every live descendant (Dask's worker
    processes, the JVM and Spark's Python workers), each with its reaped children."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parent[pid] = int(fields[1])
        used[pid] = sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    me = os.getpid()

    def mine(pid: int) -> bool:
        while pid > 1:
            if pid == me:
                return True
            pid = parent.get(pid, 1)
        return False

    return sum(cpu for pid, cpu in used.items() if mine(pid))


def _timed(job: Callable[[], Any]) -> tuple[float, Any, float]:
    """(wall seconds, the job's value, CPU seconds of the process tree)."""
    cpu = tree_cpu()
    start = time.perf_counter()
    value = job()
    return time.perf_counter() - start, value, tree_cpu() - cpu


Row = tuple[str, float, float, float, str]  # name, start-up s, run s, run CPU s, equal


def measure(records: int, workdir: Path) -> list[str]:
    path = workdir / "completions.jsonl"
    tiny = workdir / "tiny" / "completions.jsonl"
    tiny.parent.mkdir()
    write_input(path, records)
    write_input(tiny, 1)
    size = path.stat().st_size
    rows: list[Row] = []

    # the command line: start-up is a run on a one-record file
    for name, extra in (("(one process)", ()), ("--jobs 2", ("--jobs", "2"))):
        startup, startup_cpu, _, _ = _cli(tiny, *extra)
        wall, cpu, issues, summary = _cli(path, *extra)
        if not extra:
            expected, expected_summary = issues, summary
        same = issues == expected and _timeless(summary) == _timeless(expected_summary)
        label = f"`lms-schema validate {name}`".replace(" (one process)`", "` (one process)")
        equal = _yes(same) if extra else "reference"
        rows.append((label, startup, wall - startup, cpu - startup_cpu, equal))

    # Dask: a LocalCluster of 2 worker processes
    import dask
    from dask.distributed import Client, LocalCluster

    import lms_schema.dask as lsd
    from lms_schema._cli import LOCAL_HTTP_ADDRESS

    def dask_start() -> tuple[Any, Any]:
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=LOCAL_HTTP_ADDRESS
        )
        client = Client(cluster)
        lsd.validate(str(tiny), "completion").compute()
        return cluster, client

    startup, (cluster, client), _ = _timed(dask_start)
    try:
        with dask.config.set(scheduler=client.get):
            run, issues, cpu = _timed(lambda: lsd.validate(str(path), "completion").compute())
            summary = lsd.summary(str(path), "completion")
    finally:
        client.close()
        cluster.close()
    same = issues == expected and _timeless(summary) == _timeless(expected_summary)
    name = "`lms_schema.dask.validate`, LocalCluster, 2 worker processes"
    rows.append((name, startup, run, cpu, _yes(same)))

    # Dask's own process pool (no distributed): the processes scheduler, 2 workers
    with dask.config.set(scheduler="processes", num_workers=2):
        startup, _, _ = _timed(lambda: lsd.validate(str(tiny), "completion").compute())
        run, issues, cpu = _timed(lambda: lsd.validate(str(path), "completion").compute())
        summary = lsd.summary(str(path), "completion")
    same = issues == expected and _timeless(summary) == _timeless(expected_summary)
    name = "`lms_schema.dask.validate`, processes scheduler, 2 workers"
    rows.append((name, startup, run, cpu, _yes(same)))

    # Spark local[2]: the files read as the command line reads them, and spark.read.text
    import lms_schema.spark as lss

    def spark_start() -> Any:
        spark = lss.local_session(2)
        lss.validate([str(tiny)], "completion", spark=spark).collect()
        return spark

    startup, spark, _ = _timed(spark_start)
    try:
        run, found, cpu = _timed(
            lambda: lss.validate([str(path)], "completion", spark=spark).collect()
        )
        got = sorted((row.asDict() for row in found), key=repr)
        summary = lss.summary([str(path)], "completion", spark=spark)
        same = got == sorted(expected, key=repr)
        same = same and _timeless(summary) == _timeless(expected_summary)
        rows.append(("`lms_schema.spark.validate(paths)`, local[2]", startup, run, cpu, _yes(same)))
        frame = spark.read.text(str(path))
        run, found, cpu = _timed(lambda: lss.validate(frame, "completion").collect())
        got = sorted((row.asDict() for row in found), key=repr)
        same = got == sorted(({**i, "line": None} for i in expected), key=repr)
        name = "`lms_schema.spark.validate(spark.read.text(...))`, local[2]"
        rows.append((name, 0.0, run, cpu, _yes(same, "(no line numbers)")))
    finally:
        spark.stop()

    return _report(records, size, len(expected), rows)


def _yes(same: bool, note: str = "") -> str:
    return ("yes" if same else "**NO**") + (f" {note}" if note else "")


def _report(records: int, size: int, issues: int, rows: list[Row]) -> list[str]:
    cpu = platform.processor() or platform.machine()
    versions = ", ".join(
        f"{name} {version(name)}" for name in ("dask", "distributed", "pyspark", "pyarrow")
    )
    out = [
        START,
        "## Data lake engines: the command line, Dask and Spark (issue 14)",
        "",
        "Written by `nice -n 10 python3 -m benchmarks.lake` (`benchmarks/lake.py`); only this "
        "block is rewritten.",
        f"Input: {records:,} seeded completion records in one JSON Lines file "
        f"({size / 1e6:,.0f} MB, {size / records:,.0f} bytes a record), {issues:,} issue "
        "objects (every 997th record has an error, every 1499th an unknown key; the corpus "
        "has warnings of its own). Machine: "
        f"{os.cpu_count()} cores ({cpu}), shared with other work while it ran; CPython "
        f"{platform.python_version()}; {versions}; Java {_java()}.",
        "",
        "Start-up: the process, cluster or JVM and a first job on a one-record file (the "
        "workers import lms-schema). Run: wall-clock seconds of the whole-input job after "
        "start-up (for the command line: the whole run less the one-record run). CPU: user + "
        "system seconds of the run in every process involved (the driver, the scheduler, the "
        "workers, the JVM); CPU µs/record is the cost a cluster pays per record. Equal: the "
        "same issue objects (Spark: as a set) and summary as the one-process run, checked in "
        "this run.",
        "",
        "| engine | start-up s | run s | records/s | run CPU s | CPU µs/record | equal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, startup, run, cpu_s, same in rows:
        rate = records / run if run > 0 else 0
        startup_text = f"{startup:.1f}" if startup else "(same session)"
        out.append(
            f"| {name} | {startup_text} | {run:.1f} | {rate:,.0f} | {cpu_s:.1f} | "
            f"{cpu_s / records * 1e6:.1f} | {same} |"
        )
    out += ["", END]
    return out


def _java() -> str:
    try:
        text = subprocess.run(
            ["java", "-version"], capture_output=True, check=False, text=True
        ).stderr
    except OSError:
        return "(none)"
    return text.split("\n")[0].split('"')[1] if '"' in text else text.strip()


def write_section(lines: list[str], results: Path = RESULTS) -> None:
    """Replace this benchmark's block of ``results`` (or append it)."""
    text = results.read_text() if results.exists() else ""
    block = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.lake")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--print", action="store_true", help="print; write nothing")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-lake-") as workdir:
        lines = measure(args.records, Path(workdir))
    print("\n".join(lines))
    if not args.print:
        write_section(lines, args.output)
        print(f"wrote the lake section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
