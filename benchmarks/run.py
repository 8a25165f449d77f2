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
LMS_JOBS = "lms-schema --jobs 2"


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
        LMS_JOBS: ["lms_schema", "validate", "--jobs", "2", "--model", "completion"],
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


Rows = dict[str, tuple[float, float]]


def _table(title: str, rows: Rows, note: str = "", level: str = "###") -> list[str]:
    pyd = rows.get(PYD, (None, None))[0]
    msg = rows.get(MSG, (None, None))[0]
    out = [f"{level} {title}", ""]
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


def _each(fn: Callable[[Any], object], values: list[Any]) -> Callable[[], None]:
    """One call per value, each result dropped before the next call (a single-record API)."""

    def job() -> None:
        for value in values:
            fn(value)

    return job


def _all(fn: Callable[[Any], object], values: list[Any]) -> Callable[[], None]:
    """One call per page, every result kept until the end (a page-at-a-time consumer)."""

    def job() -> None:
        kept = [fn(value) for value in values]
        del kept

    return job


# The shapes timed per corpus: (section key, title, what lms-schema / pydantic / msgspec call)
OPERATIONS = ("loads", "structure", "dumps", "unstructure")


def _shape_jobs(
    op: str, per_record: bool, data: dict[str, list[Any]]
) -> dict[str, Callable[[], None]]:
    """The three peers' jobs for one operation on one granularity of one corpus."""
    run = _each if per_record else _all
    if per_record:
        one, pyd, msg = Completion, PYD_ONE, MSG_ONE
        msg_type: Any = peers.MsgCompletion
    else:
        one, pyd, msg = Page[Completion], PYD_PAGE, MSG_PAGE
        msg_type = peers.MsgPage
    if op == "loads":
        return {
            LMS: run(lambda b: lms_schema.loads(b, one), data["bytes"]),
            PYD: run(pyd.validate_json, data["bytes"]),
            MSG: run(msg.decode, data["bytes"]),
        }
    if op == "structure":
        return {
            LMS: run(lambda d: lms_schema.structure(d, one), data["dicts"]),
            PYD: run(pyd.validate_python, data["dicts"]),
            MSG: run(lambda d: msgspec.convert(d, msg_type), data["dicts"]),
        }
    if op == "dumps":
        return {
            LMS: run(lms_schema.dumps, data["ours"]),
            PYD: run(lambda m: m.model_dump_json(exclude_unset=True), data["theirs"]),
            MSG: run(ENCODER.encode, data["structs"]),
        }
    assert op == "unstructure"
    return {
        LMS: run(lms_schema.unstructure, data["ours"]),
        PYD: run(lambda m: m.model_dump(mode="json", exclude_unset=True), data["theirs"]),
        MSG: run(msgspec.to_builtins, data["structs"]),
    }


PYD_ONE: Any = pydantic.TypeAdapter(peers.PydCompletion)
PYD_PAGE: Any = pydantic.TypeAdapter(peers.PydPage)
MSG_ONE: Any = msgspec.json.Decoder(peers.MsgCompletion)
MSG_PAGE: Any = msgspec.json.Decoder(peers.MsgPage)
ENCODER = msgspec.json.Encoder()


def _msgspec_accepts(record: dict[str, Any]) -> bool:
    try:
        MSG_ONE.decode(orjson.dumps(record))
    except msgspec.ValidationError:
        return False
    return True


def _prepare(records: list[dict[str, Any]], per_record: bool) -> dict[str, list[Any]]:
    dicts: list[Any] = records if per_record else corpus.pages(records)
    blobs = [orjson.dumps(d) for d in dicts]
    one: Any = Completion if per_record else Page[Completion]
    return {
        "dicts": dicts,
        "bytes": blobs,
        "ours": [lms_schema.structure(d, one) for d in dicts],
        "theirs": [(PYD_ONE if per_record else PYD_PAGE).validate_python(d) for d in dicts],
        "structs": [(MSG_ONE if per_record else MSG_PAGE).decode(b) for b in blobs],
    }


def _memory(records: list[dict[str, Any]]) -> dict[str, float]:
    """Bytes allocated (tracemalloc) per structured completion, results held, after a
    warm-up pass (caches built): lms-schema models, pydantic models, msgspec Structs."""
    import tracemalloc

    makers: dict[str, Callable[[Any], object]] = {
        LMS: lambda d: lms_schema.structure(d, Completion),
        PYD: PYD_ONE.validate_python,
        MSG: lambda d: msgspec.convert(d, peers.MsgCompletion),
    }
    out = {}
    for name, make in makers.items():
        for d in records:
            make(d)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = [make(d) for d in records]
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        out[name] = (after - before) / len(kept)
        del kept
    return out


def measure(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """(the targets table, the rest of the report)."""
    timer = Timer(args.rounds)
    granularities = [True] if args.per_record else [True, False]
    shapes: dict[tuple[str, bool, str], Rows] = {}
    repeats: dict[str, tuple[float, float]] = {}
    timed_counts: dict[str, tuple[int, int]] = {}
    memory: dict[str, dict[str, float]] = {}
    for kind in args.corpus:
        valid = corpus.records(kind, args.records)
        timed = [r for r in valid if _msgspec_accepts(r)]
        repeats[kind] = corpus.repetition(timed)
        timed_counts[kind] = (len(valid), len(timed))
        memory[kind] = _memory(timed[: min(len(timed), 5000)])
        for per_record in granularities:
            data = _prepare(timed, per_record)
            jobs: dict[str, Callable[[], None]] = {}
            for op in OPERATIONS:
                for name, job in _shape_jobs(op, per_record, data).items():
                    jobs[f"{op}|{name}"] = job
            result = timer.run(jobs, len(timed))
            for key, value in result.items():
                op, name = key.split("|")
                shapes.setdefault((kind, per_record, op), {})[name] = value
            print(kind, "per record" if per_record else "pages", flush=True)
            for op in OPERATIONS:
                print("  ", op, shapes[kind, per_record, op], flush=True)

    # validate() and normalize(), one record per call
    mixed = [r for r in corpus.records("mixed", args.invalid) if _msgspec_accepts(r)]
    default = corpus.records("default", args.invalid)
    invalid = corpus.invalid_records(args.invalid)
    bad = [r for _, _, r in invalid]
    messy = corpus.messy_records(args.invalid)

    def pyd_errors(record: dict[str, Any]) -> None:
        try:
            PYD_ONE.validate_python(record)
        except pydantic.ValidationError as exc:
            exc.errors()

    def msg_errors(record: dict[str, Any]) -> None:
        try:
            msgspec.convert(record, peers.MsgCompletion)
        except msgspec.ValidationError as exc:
            str(exc)

    check = {
        f"{LMS} valid default": _each(lambda r: lms_schema.validate(r, Completion), default),
        f"{LMS} valid mixed": _each(lambda r: lms_schema.validate(r, Completion), mixed),
        f"{LMS} invalid mixed": _each(lambda r: lms_schema.validate(r, Completion), bad),
        f"{PYD} valid default": _each(pyd_errors, default),
        f"{PYD} valid mixed": _each(pyd_errors, mixed),
        f"{PYD} invalid mixed": _each(pyd_errors, bad),
        f"{MSG} valid default": _each(msg_errors, default),
        f"{MSG} valid mixed": _each(msg_errors, mixed),
        f"{MSG} invalid mixed": _each(msg_errors, bad),
    }
    r_validate = {}
    for key, value in timer.run(check, len(default)).items():
        r_validate[key] = value
    # the mixed sample is smaller (msgspec refuses P1W/P1M): rescale its per-record figures
    for key in list(r_validate):
        if key.endswith("valid mixed") and "invalid" not in key:
            best, median = r_validate[key]
            scale = len(default) / len(mixed)
            r_validate[key] = (best * scale, median * scale)
    print("validate", r_validate, flush=True)
    lax = pydantic.TypeAdapter(peers.PydLaxCompletion)

    def structure_one(record: dict[str, Any]) -> object:
        return lms_schema.structure(record, Completion)

    def normalize_one(record: dict[str, Any]) -> object:
        return lms_schema.normalize(record, Completion)

    r_normalize = timer.run(
        {
            f"{LMS} structure() clean": _each(structure_one, default),
            f"{LMS} normalize() clean": _each(normalize_one, default),
            f"{LMS} normalize() messy": _each(normalize_one, messy),
            f"{PYD} lax clean": _each(lax.validate_python, default),
            f"{PYD} lax messy": _each(lax.validate_python, messy),
        },
        len(default),
    )
    print("normalize", r_normalize, flush=True)

    cli: dict[int, dict[str, tuple[float, float, float]]] = {}
    if args.cli_records:
        with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
            cli = _cli(sorted({args.cli_small, args.cli_records}), args.cli_rounds, Path(tmp))
        print("CLI", cli, flush=True)

    verdicts = _verdicts(corpus.completions(args.records), invalid) if args.verdicts else {}

    targets = _targets(args, shapes, r_validate, r_normalize, cli)
    machine = _machine()
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['python']}, "
        f"{machine['os']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()) + ".",
        "",
        f"Best and median of {args.rounds} interleaved rounds after a warm-up round, in CPU "
        "time (`time.process_time`), with the garbage collector off while a job runs (as "
        "`timeit` does). *Per record*: one record per call (`loads(b, Completion)`, "
        "`validate_json`, `Decoder(Completion).decode`), each result dropped before the next "
        "call. *Pages*: pages of 100 (`Page[Completion]`), results kept.",
        "",
        "### The corpora",
        "",
        "Each record's own id is new, user/course/content/category ids come from pools of "
        "5,000 / 300 / 1,000 / 50, timestamps are drawn to the second over a year "
        "(`benchmarks/corpus.py`). *Repeated* is the share of values that equal an earlier value "
        "of the corpus (what a cache keyed by value can hit; `custom_fields`/`raw_data` not "
        "counted).",
        "",
        "| corpus | shape | records (timed) | ids repeated | date-times repeated |",
        "|---|---|---:|---:|---:|",
    ]
    shape_text = {
        "default": "no `expand`: 3 relations as UUIDs, no `raw_data`, `custom_fields` null",
        "mixed": "80 % `user` a UUID, some expanded/null relations, 15 % `raw_data`",
        "expanded": "`expand=user,course,content`: every relation an object",
    }
    for kind in args.corpus:
        ids, times = repeats[kind]
        total, timed_n = timed_counts[kind]
        lines.append(
            f"| {kind} | {shape_text[kind]} | {total:,} ({timed_n:,}) | {ids:.0%} | {times:.0%} |"
        )
    lines += [
        "",
        "Timed: the records every model-building peer accepts (msgspec's `timedelta` has no "
        "weeks or months).",
        "",
    ]
    titles = {
        "loads": "JSON bytes -> models (`loads`)",
        "structure": "dicts -> models (`structure`)",
        "dumps": "models -> JSON bytes (`dumps`)",
        "unstructure": "models -> dicts (`unstructure`)",
    }
    notes = {
        "loads": "pydantic `validate_json`, msgspec `Decoder.decode`.",
        "structure": "pydantic `validate_python`, msgspec `msgspec.convert`.",
        "dumps": "pydantic `model_dump_json(exclude_unset=True)` (absent keys stay absent), "
        "msgspec `Encoder.encode`.",
        "unstructure": "pydantic `model_dump(mode='json', exclude_unset=True)`, msgspec "
        "`msgspec.to_builtins`.",
    }
    for kind in args.corpus:
        for per_record in granularities:
            lines += [f"### Corpus `{kind}`, {'per record' if per_record else 'pages'}", ""]
            for op in OPERATIONS:
                lines += _table(titles[op], shapes[kind, per_record, op], notes[op], "####")
    lines += [
        "### `validate(d, Completion)`, one record per call",
        "",
        "pydantic: `validate_python` and, when it raises, `errors()`; msgspec: "
        "`msgspec.convert` (stops at the first error). *invalid mixed*: mixed records with "
        "exactly one error each (`corpus.invalid_records`).",
        "",
        "| library | record | best µs/record | median µs/record | vs pydantic |",
        "|---|---|---:|---:|---:|",
    ]
    for key, (best, median) in r_validate.items():
        lib, what = key.split(" ", 2)[0:2], key.rsplit(" ", 2)[-2:]
        name = " ".join(lib) if key.startswith(PYD) else lib[0]
        pyd = r_validate.get(f"{PYD} {' '.join(what)}", (None, None))[0]
        lines.append(
            f"| {name} | {' '.join(what)} | {best:.2f} | {median:.2f} | {_ratio(best, pyd)} |"
        )
    lines += [
        "",
        "### `normalize(d, Completion)`, one record per call",
        "",
        "Default-corpus records: *clean* as the API sends them, *messy* with three repairs "
        'each (a braced upper-case id, `"95"` for a score, a space-separated date-time). '
        "pydantic's lax mode coerces silently and records nothing; it is shown for scale.",
        "",
        "| job | best µs/record | median µs/record | vs `structure()` clean |",
        "|---|---:|---:|---:|",
    ]
    base = r_normalize[f"{LMS} structure() clean"][0]
    for key, (best, median) in r_normalize.items():
        lines.append(f"| {key} | {best:.2f} | {median:.2f} | {_ratio(best, base)} |")
    lines += [
        "",
        "### Memory per structured completion",
        "",
        "Bytes allocated (`tracemalloc`) per completion structured from a dict and held, "
        "after a warm-up pass (value caches built), on up to 5,000 records of each corpus.",
        "",
        "| corpus | lms-schema | pydantic v2 | msgspec |",
        "|---|---:|---:|---:|",
    ]
    for kind in args.corpus:
        m = memory[kind]
        lines.append(f"| {kind} | {m[LMS]:,.0f} | {m[PYD]:,.0f} | {m[MSG]:,.0f} |")
    lines.append("")
    if cli:
        lines += [
            "### CLI: `lms-schema validate --model completion FILE.jsonl`",
            "",
            "One process per file (mixed corpus), start-up included; records/s by the "
            "process's CPU time (user + system, its worker processes included) and by the wall "
            "clock, best of "
            f"{args.cli_rounds}; peers run the same streaming loop "
            "(`benchmarks/jsonl_peer.py`: one line at a time, `validate_json` / "
            "`Decoder.decode`).",
            "",
            "| records in file | run | records/s (CPU) | records/s (wall) | vs pydantic "
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
        lines += [
            "",
            "(Ratios are time ratios from the CPU rates: peer rate / our rate. With "
            "`--jobs 2` the CPU rate counts both workers; its gain is in the wall rate.)",
            "",
        ]
    if verdicts:
        lines += [
            "### Records judged differently from the contract",
            "",
            f"Over {args.records} valid records of the mixed corpus and {len(invalid)} "
            "one-error records.",
            "",
            "| library | valid records rejected | invalid records accepted "
            "| which invalid ones it accepts | why it rejects valid ones |",
            "|---|---:|---:|---|---|",
        ]
        for name, v in verdicts.items():
            kinds = ", ".join(f"{k} ({c})" for k, c in v["accepted_kinds"].items()) or "-"
            reasons = ", ".join(f"{k} ({c})" for k, c in v["rejected_reasons"].items()) or "-"
            lines.append(
                f"| {name} | {v['valid_rejected']} | {v['invalid_accepted']} | {kinds} "
                f"| {reasons} |"
            )
    return targets, [*lines, ""]


def _verdict(value: float, limit: float, higher: bool = False) -> str:
    met = value >= limit if higher else value <= limit
    if met:
        return "met"
    if higher:
        return f"**not met** ({value / limit:.0%} of the limit)"
    return f"**not met** (over by {value / limit - 1:.0%})"


def _targets(
    args: argparse.Namespace,
    shapes: dict[tuple[str, bool, str], Rows],
    r_validate: Rows,
    r_normalize: Rows,
    cli: dict[int, dict[str, tuple[float, float, float]]],
) -> list[str]:
    """Issue 17's targets, judged on the best figures of this run."""
    rows = [
        "### Targets (issue 17), judged on this run's best figures",
        "",
        "| target | limit | measured | |",
        "|---|---:|---:|---|",
    ]

    def row(name: str, value: float, limit: float, unit: str = "x", higher: bool = False) -> None:
        bound = ">=" if higher else "<="
        rows.append(
            f"| {name} | {bound} {limit:g}{unit} | {value:.2f}{unit} | "
            f"{_verdict(value, limit, higher)} |"
        )

    for (kind, per_record, op), r in shapes.items():
        where = f"`{kind}` {'per record' if per_record else 'pages'}"
        ours = r[LMS][0]
        row(f"{op} vs pydantic, {where}", ours / r[PYD][0], 0.8)
        if op in ("loads", "structure"):
            row(f"{op} vs msgspec, {where}", ours / r[MSG][0], 2.5)
    for corpus_name in ("default", "mixed"):
        ours = r_validate[f"{LMS} valid {corpus_name}"][0]
        row(
            f"validate() valid vs pydantic validate_python, `{corpus_name}`",
            ours / r_validate[f"{PYD} valid {corpus_name}"][0],
            1.0,
        )
    inv = r_validate[f"{LMS} invalid mixed"][0] / r_validate[f"{LMS} valid mixed"][0]
    row("validate() invalid / valid record (mixed)", inv, 2.0)
    base = r_normalize[f"{LMS} structure() clean"][0]
    row("normalize() clean / structure()", r_normalize[f"{LMS} normalize() clean"][0] / base, 1.5)
    row("normalize() messy / structure()", r_normalize[f"{LMS} normalize() messy"][0] / base, 4.0)
    if cli:
        big = max(cli)
        rates = cli[big]
        row(
            f"CLI records/s (CPU) vs the pydantic loop, {big:,} records",
            rates[LMS][0] / rates[PYD][0],
            1.2,
            higher=True,
        )
        row(f"CLI records/s (CPU), {big:,} records", rates[LMS][0] / 1000, 250, "k", higher=True)
        if LMS_JOBS in rates:
            speedup = rates[LMS_JOBS][1] / rates[LMS][1]
            rows.append(
                f"| CLI `--jobs 2` speed-up (wall), {big:,} records | (2 cores) | "
                f"{speedup:.2f}x | reported |"
            )
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
        help="3,000 records, 3 rounds, small CLI files, no verdicts; no file written",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        choices=sorted(corpus.CORPORA),
        help="a corpus to time (repeatable; default: all three)",
    )
    parser.add_argument(
        "--per-record", action="store_true", help="time one record per call only (no pages)"
    )
    parser.add_argument("--records", type=int, default=20_000, help="records per corpus")
    parser.add_argument("--invalid", type=int, default=1_900)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cli-records", type=int, default=1_000_000)
    parser.add_argument("--cli-small", type=int, default=100_000)
    parser.add_argument("--cli-rounds", type=int, default=1)
    parser.add_argument("--no-verdicts", dest="verdicts", action="store_false")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.corpus = args.corpus or ["default", "mixed", "expanded"]
    if args.quick:
        args.records, args.invalid, args.rounds = 3_000, 950, 3
        args.cli_records, args.cli_small = 20_000, 5_000
        args.verdicts = False
    targets, body = measure(args)
    if args.quick or args.output == Path("-"):
        print("\n".join([*targets, *body]))
        return 0
    kept = ""
    if args.output.exists():
        text = args.output.read_text()
        if KEEP_START in text:  # the hand-written part, and the sections others append
            kept = text[text.index(KEEP_START) :]
        if LAKE_START in text and LAKE_END in text and LAKE_START not in kept:
            kept += text[text.index(LAKE_START) : text.index(LAKE_END) + len(LAKE_END)] + "\n"
    args.output.write_text(
        HEADER + "## Current\n\n" + "\n".join([*targets, *body]) + ("\n" + kept if kept else "")
    )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
