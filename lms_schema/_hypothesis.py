"""Hypothesis' entry point: register a strategy for every lms-schema model and open enum.

Installed through ``[project.entry-points.hypothesis]`` in ``pyproject.toml``; Hypothesis calls
:func:`_hypothesis_setup_hook` when it is imported, after which ``st.from_type(Completion)``,
``st.from_type(Page[User])``, ``st.from_type(Grade)`` and ``st.from_type(Duration)`` draw from
:mod:`lms_schema.strategies`. Models and open enums defined later (a user's
``class MyCompletion(Completion)``, ``class Level(OpenEnum)``) are registered as they are
defined.

The hook imports nothing of :mod:`lms_schema.strategies` and analyses no class: every
registration is a function Hypothesis calls when a strategy is first needed. So
``from lms_schema import strategies`` may be the first import of a process (importing
Hypothesis from inside it runs this hook), and a model of any shape cannot make
``import hypothesis`` fail.
"""

from __future__ import annotations

from typing import Any, get_args

_installed = False


def _strategies() -> Any:
    from . import strategies  # at draw time: never half-initialised

    return strategies


def _model(tp: Any) -> Any:
    return _strategies().models(tp)


def _page(tp: Any) -> Any:
    return _strategies().models(tp) if get_args(tp) else NotImplemented


def _enum(tp: Any) -> Any:
    return _strategies().enum_values(tp).map(tp)


def _duration(tp: Any) -> Any:
    return _strategies().duration_values()


def _every_subclass(cls: type) -> list[type]:
    """Every live subclass, without the classes attrs replaced by their slotted copies (they
    linger until the garbage collector runs; registering one would keep it alive)."""
    out: list[type] = []
    stack: list[type] = list(cls.__subclasses__())
    while stack:
        sub = stack.pop(0)
        if "__attrs_base_of_slotted__" not in sub.__dict__:
            out.append(sub)
        stack.extend(sub.__subclasses__())
    return out


def _hypothesis_setup_hook() -> None:
    global _installed
    from hypothesis import strategies as st

    from ._models.fields import ModelBase
    from ._models.models import Page, on_new_model
    from ._values.durations import Duration
    from ._values.enums import OpenEnum, on_new_open_enum

    def register_model(cls: type) -> None:
        st.register_type_strategy(cls, _model)

    def register_enum(cls: type) -> None:
        st.register_type_strategy(cls, _enum)

    for model in _every_subclass(ModelBase):
        register_model(model)
    for enum in _every_subclass(OpenEnum):
        register_enum(enum)
    st.register_type_strategy(Page, _page)
    st.register_type_strategy(Duration, _duration)
    if not _installed:
        _installed = True
        on_new_model(register_model)
        on_new_open_enum(register_enum)
