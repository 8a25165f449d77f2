"""What a user's code sees under ``mypy --strict``: this file is type-checked with the
package (``[tool.mypy] files``) and run by tests/test_typecheck.py. ``assert_type`` fails
mypy when an inferred type is not the one written, and does nothing at run time."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import assert_type
from uuid import UUID

import lms_schema
from lms_schema import (
    ABSENT,
    Absent,
    Completion,
    Duration,
    Grade,
    Issue,
    Normalized,
    Page,
    PartialUser,
    Report,
    User,
    value_or_none,
)

ROOT = Path(__file__).parent.parent.parent


def main() -> None:
    data = (ROOT / "examples" / "completion.json").read_bytes()
    completion = lms_schema.loads(data, Completion)
    assert_type(completion, Completion)
    assert_type(completion.id, UUID)
    assert_type(completion.remote_id, str | None)
    assert_type(completion.started_at, datetime | Absent | None)
    assert_type(completion.user, UUID | PartialUser | Absent | None)
    assert_type(completion.grade, Grade | Absent | None)
    assert_type(completion.time_duration, Duration | Absent | None)
    assert_type(value_or_none(completion.started_at), datetime | None)
    assert_type(value_or_none(completion.score), int | None)

    if completion.score is not ABSENT and completion.score is not None:
        assert_type(completion.score, int)  # narrowed by ``is ABSENT`` / ``is None``

    page_bytes = (ROOT / "examples" / "completions-page.json").read_bytes()
    page = lms_schema.loads(page_bytes, Page[Completion])
    assert_type(page, Page[Completion])
    assert_type(page.items, list[Completion])
    for item in page:
        assert_type(item, Completion)
    assert_type(len(page), int)

    user_payload = lms_schema.unstructure(
        lms_schema.loads((ROOT / "examples" / "user.json").read_bytes(), User)
    )
    assert_type(lms_schema.structure(user_payload, User), User)

    report = lms_schema.validate(lms_schema.unstructure(completion), Completion)
    assert_type(report, Report)
    assert_type(report.ok, bool)
    assert_type(report.errors, tuple[Issue, ...])

    result = lms_schema.normalize({"score": "95%"}, Completion)
    assert_type(result, Normalized[Completion])
    assert_type(result.value, Completion | None)

    duration = Duration("PT1H15M")
    assert_type(duration + Duration("PT1M"), Duration)
    assert_type(duration + timedelta(minutes=1), Duration)
    assert_type(timedelta(minutes=1) + duration, Duration)
    assert_type(datetime(2000, 1, 1) + duration, datetime)
    assert_type(duration < timedelta(hours=2), bool)
    assert_type(duration.microseconds, int)
    assert_type(duration.total_seconds(), float)
    assert_type(Duration.parse("P1D"), Duration)
    assert_type(lms_schema.dumps(completion), bytes)


if __name__ == "__main__":
    main()
