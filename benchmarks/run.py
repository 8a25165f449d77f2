"""Run every benchmark in one process and rewrite ``benchmarks/RESULTS.md``.

    python3 -m benchmarks            # full run (about 10 minutes on 2 cores)
    python3 -m benchmarks --quick    # small corpus, for iterating; prints, writes nothing

Peers are interleaved round by round (lms-schema, pydantic, msgspec, jsonschema, repeat) so
that machine noise hits them alike; each figure is the best and the median of the rounds, in
microseconds of CPU time (``time.process_time``: the machine is shared) per record. The CLI
runs as a subprocess, timed by the wall clock; its peak RSS is its own ``VmHWM``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pydantic

import lms_schema
from lms_schema import Completion, Page

from . import corpus, peers
from .lake import END as LAKE_END
from .lake import START as LAKE_START

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
KEEP_START = "<!-- kept:start -->"
KEEP_END = "<!-- kept:end -->"

LMS, PYD, MSG, JS = "lms-schema", "pydantic v2", "msgspec", "jsonschema"


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()  # the standard library: it writes any int


class Timer:
    """Interleaved best-of-N / median timings of whole workloads."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds

    def run(
        self,
        jobs: dict[str, Callable[[], object]],
        records: int,
        counts: dict[str, int] | None = None,
    ) -> dict[str, tuple[float, float]]:
        """``counts`` gives the records of jobs that run on fewer than ``records``."""
        counts = counts or {}
        samples: dict[str, list[float]] = {name: [] for name in jobs}
        for job in jobs.values():  # warm-up: build caches, compile validators
            job()
        for _ in range(self.rounds):
            for name, job in jobs.items():
                gc.collect()
                gc.disable()  # as timeit does: the corpus's own objects are not the measure
                try:
                    start = time.process_time()
                    job()
                    end = time.process_time()
                finally:
                    gc.enable()
                samples[name].append((end - start) / counts.get(name, records) * 1e6)
        return {name: (min(s), statistics.median(s)) for name, s in samples.items()}


# -- verdicts: which corpus records each peer judges differently from lms-schema -------------


def _verdicts(
    valid: list[dict[str, Any]], invalid: list[tuple[str, str, dict[str, Any]]]
) -> dict[str, Any]:
    adapter = pydantic.TypeAdapter(peers.PydCompletion)
    decoder = msgspec.json.Decoder(peers.MsgCompletion)
    validator = peers.jsonschema_validator()

    def pyd(record: dict[str, Any]) -> bool:
        try:
            adapter.validate_json(_json_bytes(record))
        except pydantic.ValidationError:
            return False
        return True

    def msg(record: dict[str, Any]) -> bool:
        try:
            decoder.decode(_json_bytes(record))
        except msgspec.ValidationError:
            return False
        return True

    def ours(record: dict[str, Any]) -> bool:
        return lms_schema.validate(record, Completion).ok

    out: dict[str, Any] = {}
    for name, accepts in ((LMS, ours), (PYD, pyd), (MSG, msg), (JS, validator.is_valid)):
        rejected = [r for r in valid if not accepts(r)]
        accepted = Counter(kind for kind, _, r in invalid if accepts(r))
        reasons = Counter(_why_rejected(r) for r in rejected)
        out[name] = {
            "valid_rejected": len(rejected),
            "invalid_accepted": sum(accepted.values()),
            "accepted_kinds": dict(sorted(accepted.items())),
            "rejected_reasons": dict(reasons.most_common()),
        }
    return out


def _why_rejected(record: dict[str, Any]) -> str:
    """A coarse label for why a peer rejects a valid record (for the table)."""
    grade, duration = record.get("grade"), record.get("time_duration")
    if duration in ("P1W", "P1M"):
        return f"duration {duration}"
    if grade is None:
        return "null grade"
    if grade not in {"A", "B", "C", "D", "F", "PASS", "FAIL", "-"}:
        return "pass-through grade"
    return "other (expanded relation, null enum)"


# -- the CLI ------------------------------------------------------------------------------


def _write_jsonl(path: Path, count: int, seed: int) -> None:
    import random

    rng = random.Random(seed)
    with path.open("wb") as handle:
        batch = []
        for index in range(count):
            batch.append(orjson.dumps(corpus.completion(rng)))
            if len(batch) == 10_000 or index == count - 1:
                handle.write(b"\n".join(batch) + b"\n")
                batch = []


def _run_process(argv: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS in MiB) of one module run in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.rss", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1) or "peak-rss-kib" not in err:
        raise RuntimeError(f"{argv} failed: {err[-2000:]}")
    peak = int(err.rsplit("peak-rss-kib", 1)[1].split()[0])
    return usage.ru_utime + usage.ru_stime, wall, peak / 1024


def _cli(
    sizes: list[int], rounds: int, workdir: Path
) -> dict[int, dict[str, tuple[float, float, float]]]:
    commands = {
        LMS: ["lms_schema", "validate", "--model", "completion"],
        PYD: ["benchmarks.jsonl_peer", "pydantic"],
        MSG: ["benchmarks.jsonl_peer", "msgspec"],
    }
    out: dict[int, dict[str, tuple[float, float, float]]] = {}
    for size in sizes:
        path = workdir / f"completions-{size}.jsonl"
        _write_jsonl(path, size, seed=size)
        best: dict[str, tuple[float, float, float]] = {}
        for _ in range(rounds):
            for name, argv in commands.items():
                cpu, wall, rss = _run_process([*argv, str(path)])
                old = best.get(name, (0.0, 0.0, 0.0))
                best[name] = (max(size / cpu, old[0]), max(size / wall, old[1]), max(rss, old[2]))
        path.unlink()
        out[size] = best
    return out


# -- the report ----------------------------------------------------------------------------


def _machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
    }


def _versions() -> dict[str, str]:
    names = [
        "lms-schema",
        "attrs",
        "cattrs",
        "orjson",
        "pydantic",
        "pydantic-core",
        "msgspec",
        "jsonschema",
    ]
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001 - not installed as a distribution (run from a checkout)
            out[name] = lms_schema.__version__ if name == "lms-schema" else "?"
    return out


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "n/a"


def _table(title: str, rows: dict[str, tuple[float, float]], note: str = "") -> list[str]:
    pyd = rows.get(PYD, (None, None))[0]
    msg = rows.get(MSG, (None, None))[0]
    out = [f"### {title}", ""]
    if note:
        out += [note, ""]
    out += [
        "| library | best µs/record | median µs/record | vs pydantic | vs msgspec |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (best, median) in rows.items():
        out.append(
            f"| {name} | {best:.2f} | {median:.2f} | {_ratio(best, pyd)} | {_ratio(best, msg)} |"
        )
    return [*out, ""]


def measure(args: argparse.Namespace) -> list[str]:
    timer = Timer(args.rounds)
    valid = corpus.completions(args.records)
    # Time on the records every model-building peer accepts (msgspec's timedelta has no weeks
    # or months), so that no peer aborts a page; the verdict table covers all records.
    decoder = msgspec.json.Decoder(peers.MsgCompletion)

    def msgspec_accepts(record: dict[str, Any]) -> bool:
        try:
            decoder.decode(orjson.dumps(record))
        except msgspec.ValidationError:
            return False
        return True

    timed = [r for r in valid if msgspec_accepts(r)]
    page_dicts = corpus.pages(timed)
    page_bytes = [orjson.dumps(p) for p in page_dicts]
    n = len(timed)
    # jsonschema is ~50x slower than the others: time it on the first 5,000 records.
    js_dicts, js_bytes = page_dicts[:50], page_bytes[:50]
    js_n = sum(len(p["items"]) for p in js_dicts)
    invalid = corpus.invalid_records(args.invalid)
    lines: list[str] = []

    page_type = Page[Completion]
    pyd_page = pydantic.TypeAdapter(peers.PydPage)
    msg_page = msgspec.json.Decoder(peers.MsgPage)
    js_page = peers.jsonschema_validator("PaginatedResponse_LmsCompletion_")
    print(
        f"corpus: {n} records in {len(page_dicts)} pages; {len(invalid)} invalid records",
        flush=True,
    )

    r1 = timer.run(
        {
            LMS: lambda: [lms_schema.loads(b, page_type) for b in page_bytes],
            PYD: lambda: [pyd_page.validate_json(b) for b in page_bytes],
            MSG: lambda: [msg_page.decode(b) for b in page_bytes],
            JS: lambda: [list(js_page.iter_errors(orjson.loads(b))) for b in js_bytes],
        },
        n,
        {JS: js_n},
    )
    print("(1)", r1, flush=True)
    r2 = timer.run(
        {
            LMS: lambda: [lms_schema.structure(p, page_type) for p in page_dicts],
            PYD: lambda: [pyd_page.validate_python(p) for p in page_dicts],
            MSG: lambda: [msgspec.convert(p, peers.MsgPage) for p in page_dicts],
            JS: lambda: [list(js_page.iter_errors(p)) for p in js_dicts],
        },
        n,
        {JS: js_n},
    )
    print("(2)", r2, flush=True)
    ours = [lms_schema.structure(p, page_type) for p in page_dicts]
    theirs = [pyd_page.validate_python(p) for p in page_dicts]
    structs = [msg_page.decode(b) for b in page_bytes]
    encoder = msgspec.json.Encoder()
    r3 = timer.run(
        {
            LMS: lambda: [lms_schema.dumps(m) for m in ours],
            PYD: lambda: [m.model_dump_json(exclude_unset=True) for m in theirs],
            MSG: lambda: [encoder.encode(s) for s in structs],
        },
        n,
    )
    print("(3)", r3, flush=True)

    bad = [r for _, _, r in invalid]
    good = timed[: len(bad)]
    pyd_one = pydantic.TypeAdapter(peers.PydCompletion)
    js_one = peers.jsonschema_validator()

    def pyd_errors(records: list[dict[str, Any]]) -> None:
        for record in records:
            try:
                pyd_one.validate_python(record)
            except pydantic.ValidationError as exc:
                exc.errors()

    def msg_errors(records: list[dict[str, Any]]) -> None:
        for record in records:
            try:
                msgspec.convert(record, peers.MsgCompletion)
            except msgspec.ValidationError as exc:
                str(exc)

    r4 = timer.run(
        {
            f"{LMS} invalid": lambda: [lms_schema.validate(r, Completion) for r in bad],
            f"{LMS} valid": lambda: [lms_schema.validate(r, Completion) for r in good],
            f"{PYD} invalid": lambda: pyd_errors(bad),
            f"{PYD} valid": lambda: pyd_errors(good),
            f"{MSG} invalid": lambda: msg_errors(bad),
            f"{MSG} valid": lambda: msg_errors(good),
            f"{JS} invalid": lambda: [list(js_one.iter_errors(r)) for r in bad],
            f"{JS} valid": lambda: [list(js_one.iter_errors(r)) for r in good],
        },
        len(bad),
    )
    print("(4)", r4, flush=True)

    cli: dict[int, dict[str, tuple[float, float, float]]] = {}
    if args.cli_records:
        with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
            cli = _cli(sorted({args.cli_small, args.cli_records}), 1, Path(tmp))
        print("(5)", cli, flush=True)

    verdicts = _verdicts(valid, invalid)

    machine = _machine()
    lines += _targets(r1, r2, r3, r4, cli)
    lines += [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['python']}, "
        f"{machine['os']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()) + ".",
        "",
        f"Corpus: {len(valid)} seeded completion records ({n} timed: the ones every "
        f"model-building peer accepts), in pages of 100 (`Page` envelope); {len(invalid)} "
        f"records with exactly one error each. Best and median of {args.rounds} interleaved "
        "rounds after a warm-up round, in CPU time (`time.process_time`), with the garbage "
        "collector off while a job runs (as `timeit` does).",
        "",
    ]
    lines += _table(
        "(1) JSON bytes -> models (`loads(b, Page[Completion])`)",
        r1,
        "jsonschema builds no models: its row is `orjson.loads` + every error of `iter_errors`, "
        "timed on the first 5,000 records.",
    )
    lines += _table(
        "(2) dicts -> models (`structure(d, Page[Completion])`)",
        r2,
        "msgspec: `msgspec.convert(d, Page)`; jsonschema: every error of `iter_errors`, no models.",
    )
    lines += _table(
        "(3) models -> JSON bytes (`dumps(page)`)",
        r3,
        "pydantic: `model_dump_json(exclude_unset=True)` (absent keys stay absent).",
    )
    lines += _table(
        "(4) validation with all error paths (`validate(d, Completion)`)",
        r4,
        "One record at a time. msgspec stops at the first error; the others report all.",
    )
    ratio_lines = []
    for lib in (LMS, PYD, MSG, JS):
        inv, val = r4.get(f"{lib} invalid"), r4.get(f"{lib} valid")
        if inv and val:
            ratio_lines.append(f"| {lib} | {inv[0] / val[0]:.2f}x |")
    lines += [
        "Invalid record cost as a multiple of a valid one (best):",
        "",
        "| library | invalid / valid |",
        "|---|---:|",
        *ratio_lines,
        "",
    ]
    if cli:
        lines += [
            "### (5) CLI: `lms-schema validate --model completion FILE.jsonl`",
            "",
            "One process per file, start-up included; records/s by the process's CPU time "
            "(user + system) and by the wall clock; peers run the same streaming loop "
            "(`benchmarks/jsonl_peer.py`: one line at a time, `validate_json` / `Decoder.decode`).",
            "",
            "| records in file | library | records/s (CPU) | records/s (wall) | vs pydantic "
            "| vs msgspec | peak RSS MiB |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        for size, rows in cli.items():
            pyd_rate, msg_rate = rows[PYD][0], rows[MSG][0]
            for name, (rate, wall_rate, rss) in rows.items():
                lines.append(
                    f"| {size:,} | {name} | {rate:,.0f} | {wall_rate:,.0f} | "
                    f"{pyd_rate / rate:.2f}x | {msg_rate / rate:.2f}x | {rss:.1f} |"
                )
        lines += ["", "(Ratios are time ratios from the CPU rates: peer rate / our rate.)", ""]
    lines += [
        "### Records judged differently from the contract",
        "",
        f"Over the {len(valid)} valid records and {len(invalid)} one-error records above.",
        "",
        "| library | valid records rejected | invalid records accepted "
        "| which invalid ones it accepts | why it rejects valid ones |",
        "|---|---:|---:|---|---|",
    ]
    for name, v in verdicts.items():
        kinds = ", ".join(f"{k} ({c})" for k, c in v["accepted_kinds"].items()) or "-"
        reasons = ", ".join(f"{k} ({c})" for k, c in v["rejected_reasons"].items()) or "-"
        lines.append(
            f"| {name} | {v['valid_rejected']} | {v['invalid_accepted']} | {kinds} | {reasons} |"
        )
    return [*lines, ""]


def _target_row(name: str, value: float, limit: float, unit: str, higher: bool = False) -> str:
    met = value >= limit if higher else value <= limit
    if met:
        verdict = "met"
    elif higher:
        verdict = f"missed: {limit / value - 1:.0%} short"
    else:
        verdict = f"missed by {value / limit - 1:.0%}"
    bound = ">=" if higher else "<="
    return f"| {name} | {bound} {limit:g}{unit} | {value:.2f}{unit} | {verdict} |"


def _targets(
    r1: dict[str, tuple[float, float]],
    r2: dict[str, tuple[float, float]],
    r3: dict[str, tuple[float, float]],
    r4: dict[str, tuple[float, float]],
    cli: dict[int, dict[str, tuple[float, float, float]]],
) -> list[str]:
    """The issue's targets, judged on the best figures of this run."""
    rows = [
        "### Targets (issue 5), judged on this run's best figures",
        "",
        "| target | limit | measured | |",
        "|---|---:|---:|---|",
    ]
    for label, r in (("(1) bytes -> models", r1), ("(2) dicts -> models", r2)):
        ours = r[LMS][0]
        rows.append(_target_row(f"{label} vs pydantic", ours / r[PYD][0], 1.0, "x"))
        rows.append(_target_row(f"{label} vs msgspec", ours / r[MSG][0], 3.0, "x"))
    rows.append(_target_row("(3) models -> bytes vs pydantic", r3[LMS][0] / r3[PYD][0], 1.0, "x"))
    ratio = r4[f"{LMS} invalid"][0] / r4[f"{LMS} valid"][0]
    rows.append(_target_row("(4) invalid record / valid record", ratio, 3.0, "x"))
    if cli:
        small, big = min(cli), max(cli)
        rate = cli[big][LMS][0] / 1000
        rows.append(
            _target_row(f"(5) CLI records/s (CPU), {big:,} records", rate, 100, "k", higher=True)
        )
        growth = cli[big][LMS][2] / cli[small][LMS][2]
        rows.append(_target_row(f"(5) CLI peak RSS, {big:,} / {small:,} records", growth, 1.1, "x"))
    return [*rows, ""]


HEADER = """# Benchmark results

Written by `python3 -m benchmarks` (see `benchmarks/run.py`); do not edit the measured part by
hand. Lower µs/record is better; "vs pydantic" and "vs msgspec" are time ratios from the same
run (below 1.00x means lms-schema is faster).

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10k records, 3 rounds, small CLI files; no file written",
    )
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--invalid", type=int, default=1_900)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cli-records", type=int, default=1_000_000)
    parser.add_argument("--cli-small", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.records, args.invalid, args.rounds = 10_000, 950, 3
        args.cli_records, args.cli_small = 20_000, 5_000
    body = measure(args)
    if args.quick:
        print("\n".join(body))
        return 0
    kept = ""
    if args.output.exists():
        text = args.output.read_text()
        if KEEP_START in text and KEEP_END in text:
            kept = text[text.index(KEEP_START) : text.index(KEEP_END) + len(KEEP_END)] + "\n"
        if LAKE_START in text and LAKE_END in text:  # benchmarks/lake.py's own block
            kept += text[text.index(LAKE_START) : text.index(LAKE_END) + len(LAKE_END)] + "\n"
    args.output.write_text(
        HEADER + "## Current (after)\n\n" + "\n".join(body) + ("\n" + kept if kept else "")
    )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
