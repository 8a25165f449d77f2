"""The Hypothesis strategies of ``lms_schema.strategies``, and the core properties they drive."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given

import lms_schema
from lms_schema import Page, strategies
from lms_schema._models import MODELS

PAGES: tuple[Any, ...] = tuple(Page[cls] for cls in MODELS)  # type: ignore[valid-type]
ALL: tuple[Any, ...] = (*MODELS, *strategies.PARTIAL_MODELS, *PAGES)


def test_import_lms_schema_does_not_import_hypothesis() -> None:
    code = "import sys, lms_schema; sys.exit('hypothesis' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("cls", ALL, ids=str)
def test_payloads_validate(cls: Any) -> None:
    @given(strategies.payloads(cls))
    def check(payload: dict[str, Any]) -> None:
        report = lms_schema.validate(payload, cls)
        assert report.errors == ()

    check()
