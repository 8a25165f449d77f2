"""``lms-schema sample``: records drawn from the Hypothesis strategies, reproducibly by seed.

::

    for record in draw(Completion, 100, "messy", expand=None, seed=7, page=False):
        print(record)

Needs the ``hypothesis`` extra; importing this module imports Hypothesis.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from .. import strategies as lst
from .._models.models import Page

__all__ = ["draw"]


def draw(
    model: type, n: int, kind: str, expand: str | None, seed_value: int, page: bool
) -> list[Any]:
    """``n`` records of ``model`` of the given ``kind`` (``valid``, ``invalid``: the payload
    of :func:`~lms_schema.strategies.invalid_payloads`, ``messy``), the same for the same
    seed. Raises ``ValueError`` for an argument the strategies refuse."""
    cls: Any = Page[model] if page else model  # type: ignore[valid-type]
    try:
        if kind == "invalid":
            strategy: st.SearchStrategy[Any] = lst.invalid_payloads(cls).map(lambda pair: pair[0])
        elif kind == "messy":
            strategy = lst.messy_payloads(cls)
        else:
            strategy = lst.payloads(cls, expand=expand)
    except Exception as exc:  # noqa: BLE001 - Hypothesis' InvalidArgument and friends
        raise ValueError(str(exc)) from None
    found: list[Any] = []
    attempt = 0
    while len(found) < n and attempt < 100:

        @seed(seed_value * 1000 + attempt)
        @settings(
            max_examples=n - len(found),
            database=None,
            phases=[Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=False,
        )
        @given(strategy)
        def collect(value: Any) -> None:
            if len(found) < n:
                found.append(value)

        try:
            collect()
        except Exception as exc:  # noqa: BLE001 - e.g. an expand the model does not have
            raise ValueError(str(exc)) from None
        attempt += 1
    return found
