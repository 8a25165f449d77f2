"""Seeded, deterministic corpora of completion payloads, in three shapes (``CORPORA``).

* ``default``: what *Get Completion By Id* / *List Completions* return without ``expand``:
  ``user``, ``course`` and ``content`` as UUID strings (5 % null), a score, a grade, two
  date-times and a duration; no ``raw_data`` key, ``custom_fields`` null.
* ``mixed``: proportions of real syncs: relations mostly as UUIDs, some expanded (whole or
  partial), some null; custom_fields and raw_data on some records; mostly known grades with
  some pass-through source values; the common durations and a few unusual ones.
* ``expanded``: ``expand=user,course,content``: every relation an object (whole or a bracket
  selection), custom_fields on 40 %, raw_data on 15 %.

In all three, each record's own id is new (random), user, course, content and category ids
come from seeded pools (5,000 / 300 / 1,000 / 50: a sync references fewer of them than it has
completions) and every timestamp is drawn to the second over a year, so repeats are as rare as
in real captures; :func:`repetition` measures it. ``invalid_records`` gives records that each
carry exactly one error; ``messy_records`` default records with three repairs each for
``normalize()``.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "CORPORA",
    "completions",
    "invalid_records",
    "messy_records",
    "pages",
    "records",
    "repetition",
]

_KNOWN_GRADES = ["A", "B", "C", "D", "F", "PASS", "FAIL", "-"]
_SOURCE_GRADES = ["Passed", "Completed", "B+", "pass", "95%", "Satisfactory"]
_COMMON_DURATIONS = ["PT1H", "PT30M", "PT45M", "PT1H15M", "PT2H", "PT15M", "PT1H30M", "PT5H30M"]
_UNUSUAL_DURATIONS = ["P1D", "PT1H30M15.5S", "P1W", "P1M", "PT0S", "P1DT2H", "PT90M", "PT3600S"]
_STATUSES = ["ACTIVE", "PENDING", "INACTIVE", "archived"]
_FIRST = ["Jane", "Ana", "Li", "Omar", "Priya", "Tom", "Zoe", "Kwame"]
_LAST = ["Doe", "Silva", "Chen", "Haddad", "Iyer", "Berg", "Novak", "Mensah"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# A sync references a limited population: completions are many, users and courses fewer.
_POOL_SIZES = {"user": 5000, "course": 300, "content": 1000, "category": 50}
_pools: dict[tuple[int, str], list[str]] = {}


def _ref(rng: random.Random, kind: str) -> str:
    """The id of an existing user/course/content (drawn from a seeded pool)."""
    key = (_POOL_SIZES[kind], kind)
    pool = _pools.get(key)
    if pool is None:
        seeded = random.Random(f"pool-{kind}")
        pool = _pools[key] = [_uuid(seeded) for _ in range(_POOL_SIZES[kind])]
    return rng.choice(pool)


def _when(rng: random.Random) -> str:
    day = rng.randint(1, 28)
    hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    base = f"2025-{rng.randint(1, 12):02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    roll = rng.random()
    if roll < 0.80:
        return base + "Z"
    if roll < 0.92:
        return f"{base}.{rng.randint(0, 999):03d}Z"
    return base + rng.choice(["+02:00", "-05:00", "+05:30"])


def _custom_fields(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() < 0.6:
        return None
    return {
        "category_group": rng.choice(["REG", "TEMP", "CONTRACT"]),
        "hire_date": "1991-03-16T00:00:00",
        "cost_center": rng.randint(100, 999),
    }


def _base(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": _uuid(rng),
        "remote_id": None if rng.random() < 0.1 else f"c-{rng.randint(1, 10**6)}",
        "modified_at": _when(rng),
        "custom_fields": _custom_fields(rng),
    }
    if rng.random() < 0.15:
        record["raw_data"] = {
            "source": "cornerstone",
            "attempt": rng.randint(1, 3),
            "tags": ["mandatory", "compliance"][: rng.randint(0, 2)],
            "meta": {"region": rng.choice(["EU", "US", "APAC"]), "legacy": rng.random() < 0.5},
        }
    return record


def _full_user(rng: random.Random) -> dict[str, Any]:
    """An expanded user with every field."""
    user = _base(rng)
    user["id"] = _ref(rng, "user")
    user.update(
        first_name=rng.choice(_FIRST),
        last_name=rng.choice(_LAST),
        middle_name=None,
        email_address=f"user{rng.randint(1, 10**5)}@example.com",
        phone_number=None,
        status=rng.choice(_STATUSES),
    )
    return user


def _user(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.80:
        return _ref(rng, "user")
    if roll < 0.90:  # expanded in full
        return _full_user(rng)
    if roll < 0.95:  # expanded with a bracket selection
        return {"id": _ref(rng, "user"), "first_name": rng.choice(_FIRST)}
    return None


def _course(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.75:
        return _ref(rng, "course")
    if roll < 0.85:
        return {
            "id": _ref(rng, "course"),
            "name": f"Course {rng.randint(1, 500)}",
            "duration": rng.choice(_COMMON_DURATIONS),
            "categories": [_ref(rng, "category") for _ in range(rng.randint(0, 2))],
            "status": "ACTIVE",
        }
    return None


def _content(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.50:
        return _ref(rng, "content")
    if roll < 0.60:
        return {"id": _ref(rng, "content"), "title": f"Module {rng.randint(1, 50)}", "order": 1}
    return None


def completion(rng: random.Random) -> dict[str, Any]:
    """One valid completion payload."""
    record = _base(rng)
    record["user"] = _user(rng)
    record["course"] = _course(rng)
    if rng.random() < 0.9:
        record["content"] = _content(rng)
    record["score"] = rng.randint(0, 100) if rng.random() < 0.7 else None
    roll = rng.random()
    if roll < 0.70:
        record["grade"] = rng.choice(_KNOWN_GRADES)
    elif roll < 0.85:
        record["grade"] = None
    else:
        record["grade"] = rng.choice(_SOURCE_GRADES)
    roll = rng.random()
    if roll < 0.85:
        duration = rng.choice(_COMMON_DURATIONS)
    elif roll < 0.90:
        duration = rng.choice(_UNUSUAL_DURATIONS)
    else:
        duration = None
    started = _when(rng)
    # Completed some days after starting (2 % of records completed "before" starting, as
    # misconfigured sources do, which validate() warns about).
    start = datetime.fromisoformat(started)
    days = rng.randint(1, 40) if rng.random() >= 0.02 else -rng.randint(1, 5)
    completed = start + timedelta(days=days, minutes=rng.randint(0, 600))
    completed_text = completed.isoformat().replace("+00:00", "Z")
    record["started_at"] = started if rng.random() < 0.9 else None
    record["completed_at"] = completed_text if rng.random() < 0.85 else None
    record["time_duration"] = duration
    return record


def completions(count: int, seed: int = 20250801) -> list[dict[str, Any]]:
    """``count`` valid completion payloads of the mixed corpus (deterministic for a seed)."""
    rng = random.Random(seed)
    return [completion(rng) for _ in range(count)]


def _times(rng: random.Random, record: dict[str, Any]) -> None:
    started = _when(rng)
    start = datetime.fromisoformat(started)
    completed = start + timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
    record["started_at"] = started if rng.random() < 0.9 else None
    record["completed_at"] = (
        completed.isoformat().replace("+00:00", "Z") if rng.random() < 0.85 else None
    )


def default_completion(rng: random.Random) -> dict[str, Any]:
    """One completion as the API returns it without ``expand`` (the seed's shape)."""
    record: dict[str, Any] = {
        "id": _uuid(rng),
        "remote_id": f"c-{rng.randint(1, 10**6)}",
        "modified_at": _when(rng),
        "custom_fields": None,
        "user": _ref(rng, "user") if rng.random() < 0.95 else None,
        "course": _ref(rng, "course") if rng.random() < 0.95 else None,
        "content": _ref(rng, "content") if rng.random() < 0.95 else None,
        "score": rng.randint(0, 100) if rng.random() < 0.8 else None,
        "grade": rng.choice(_KNOWN_GRADES) if rng.random() < 0.85 else None,
    }
    _times(rng, record)
    record["time_duration"] = rng.choice(_COMMON_DURATIONS) if rng.random() < 0.9 else None
    return record


def expanded_completion(rng: random.Random) -> dict[str, Any]:
    """One completion of a request with ``expand=user,course,content``."""
    record = _base(rng)
    user = _full_user(rng)
    if rng.random() < 0.3:  # a bracket selection
        user = {"id": user["id"], "first_name": user["first_name"]}
    record["user"] = user
    record["course"] = {
        "id": _ref(rng, "course"),
        "name": f"Course {rng.randint(1, 500)}",
        "duration": rng.choice(_COMMON_DURATIONS),
        "categories": [_ref(rng, "category") for _ in range(rng.randint(0, 2))],
        "status": "ACTIVE",
    }
    record["content"] = {
        "id": _ref(rng, "content"),
        "title": f"Module {rng.randint(1, 50)}",
        "order": rng.randint(1, 9),
    }
    record["score"] = rng.randint(0, 100) if rng.random() < 0.7 else None
    record["grade"] = rng.choice(_KNOWN_GRADES) if rng.random() < 0.8 else None
    _times(rng, record)
    record["time_duration"] = rng.choice(_COMMON_DURATIONS)
    return record


#: The corpora, by the name ``--corpus`` takes.
CORPORA: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "default": default_completion,
    "mixed": completion,
    "expanded": expanded_completion,
}


def records(kind: str, count: int, seed: int = 20250801) -> list[dict[str, Any]]:
    """``count`` valid completion payloads of corpus ``kind``."""
    rng = random.Random(seed)
    make = CORPORA[kind]
    return [make(rng) for _ in range(count)]


_UUID_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME_SHAPE = re.compile(r"\d{4}-\d\d-\d\dT")


def repetition(items: list[dict[str, Any]]) -> tuple[float, float]:
    """(share of id values, share of date-time values) in ``items`` that repeat an earlier
    value of the corpus (what a cache keyed by value could hit)."""
    seen: set[str] = set()
    counts = {"id": [0, 0], "time": [0, 0]}
    stack: list[Any] = list(items)
    while stack:
        node = stack.pop()
        if type(node) is dict:  # verbatim objects are not parsed: not counted
            stack.extend(v for k, v in node.items() if k not in ("custom_fields", "raw_data"))
        elif type(node) is list:
            stack.extend(node)
        elif type(node) is str:
            kind = "id" if _UUID_SHAPE.fullmatch(node) else None
            if kind is None and _TIME_SHAPE.match(node):
                kind = "time"
            if kind is not None:
                counts[kind][1] += 1
                if node in seen:
                    counts[kind][0] += 1
                seen.add(node)
    return (
        counts["id"][0] / max(counts["id"][1], 1),
        counts["time"][0] / max(counts["time"][1], 1),
    )


def messy_records(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Default records with three repairs each for ``normalize()``: a braced upper-case id,
    a numeric-string score and a space-separated date-time."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        record = default_completion(rng)
        record["id"] = "{" + record["id"].upper() + "}"
        record["score"] = str(rng.randint(0, 100))
        record["modified_at"] = record["modified_at"].replace("T", " ")
        out.append(record)
    return out


def pages(records: list[dict[str, Any]], size: int = 100) -> list[dict[str, Any]]:
    """The records as list envelopes of ``size`` items (``Page`` form)."""
    out = []
    for start in range(0, len(records), size):
        items = records[start : start + size]
        last = start + size >= len(records)
        out.append(
            {
                "cursor": None if last else f"cursor-{start + size}",
                "page_size": len(items),
                "items": items,
            }
        )
    return out


# Each mutation introduces exactly one error (named by the JSONPath it should be reported at).
Mutation = Callable[[dict[str, Any], random.Random], str]


def _set(key: str, value: Any) -> Mutation:
    def mutate(record: dict[str, Any], rng: random.Random) -> str:
        record[key] = value
        return f"$.{key}"

    return mutate


def _drop(key: str) -> Mutation:
    def mutate(record: dict[str, Any], rng: random.Random) -> str:
        del record[key]
        return f"$.{key}"

    return mutate


def _id_without_dashes(record: dict[str, Any], rng: random.Random) -> str:
    record["id"] = record["id"].replace("-", "")
    return "$.id"


def _nested_user_status(record: dict[str, Any], rng: random.Random) -> str:
    record["user"] = {"id": _uuid(rng), "first_name": "Jane", "status": 3}
    return "$.user.status"


def _nested_course_category(record: dict[str, Any], rng: random.Random) -> str:
    record["course"] = {"id": _uuid(rng), "categories": [_uuid(rng), "not-a-uuid"]}
    return "$.course.categories[1]"


MUTATIONS: dict[str, Mutation] = {
    "32-hex id": _id_without_dashes,
    "placeholder date-time": _set("modified_at", "<string>"),
    "space-separated date-time": _set("started_at", "2025-08-01 10:00:00Z"),
    "+0100 offset": _set("started_at", "2025-08-01T10:00:00+0100"),
    "date-only": _set("completed_at", "2025-08-01"),
    "leap second": _set("completed_at", "2016-12-31T23:59:60Z"),
    "numeric-string score": _set("score", "85"),
    "bool score": _set("score", True),
    "float score": _set("score", 85.5),
    "huge score": _set("score", 10**20),
    "integer grade": _set("grade", 3),
    "bare PT duration": _set("time_duration", "PT"),
    "negative duration": _set("time_duration", "-PT1H"),
    "lower-case duration": _set("time_duration", "pt1h"),
    "user of wrong type": _set("user", 42),
    "nested user status": _nested_user_status,
    "nested course category": _nested_course_category,
    "missing modified_at": _drop("modified_at"),
    "custom_fields array": _set("custom_fields", ["REG"]),
}


def invalid_records(count: int, seed: int = 7) -> list[tuple[str, str, dict[str, Any]]]:
    """``count`` records with exactly one error each: (mutation name, error path, record)."""
    rng = random.Random(seed)
    names = sorted(MUTATIONS)
    out = []
    for index in range(count):
        record = completion(rng)
        name = names[index % len(names)]
        path = MUTATIONS[name](record, rng)
        out.append((name, path, record))
    return out
