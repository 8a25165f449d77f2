"""Hypothesis profiles: ``ci`` (bounded, deterministic) and ``dev`` (more examples)."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    print_blob=True,
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.register_profile("fuzz", max_examples=50_000, deadline=None)
settings.load_profile("dev")
