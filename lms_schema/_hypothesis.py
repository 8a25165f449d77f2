"""Hypothesis' entry point: register a strategy for every public lms-schema type.

Installed through ``[project.entry-points.hypothesis]`` in ``pyproject.toml``; Hypothesis calls
:func:`_hypothesis_setup_hook` when it is imported, after which ``st.from_type(Completion)``,
``st.from_type(Page[User])``, ``st.from_type(Grade)`` and ``st.from_type(Duration)`` draw from
:mod:`lms_schema.strategies`.
"""

from __future__ import annotations

from typing import Any, get_args


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from . import strategies
    from ._models.models import MODELS, Page
    from ._values.durations import Duration
    from ._values.enums import Grade, Status

    for cls in (*MODELS, *strategies.PARTIAL_MODELS):
        st.register_type_strategy(cls, strategies.models(cls))

    def page(tp: Any) -> Any:
        return strategies.models(tp) if get_args(tp) else NotImplemented

    st.register_type_strategy(Page, page)
    st.register_type_strategy(Grade, strategies.grades().map(Grade))
    st.register_type_strategy(Status, strategies.statuses().map(Status))
    st.register_type_strategy(Duration, strategies.duration_values())
