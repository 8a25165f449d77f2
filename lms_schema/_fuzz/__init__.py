"""Fuzz harness: hostile inputs into loads(), validate(), structure() and normalize().

Run it for as long as you like, on every core (needs the ``hypothesis`` extra)::

    python3 -m lms_schema._fuzz --seconds 3600 --jobs 2        # two processes, counts added up
    python3 -m lms_schema._fuzz --inputs 2000000 --jobs 2      # until 2 million inputs
    python3 -m lms_schema._fuzz --seconds 300 --coverage       # + line/branch coverage
    python3 -m lms_schema._fuzz --replay fuzz-findings/finding-....json

It prints progress every ``--report-every`` seconds and a summary at the end: inputs tried,
inputs per second (per job too), how many of each input kind and each target class, and
findings. A finding (an oracle that fails, or an exception escaping lms-schema) is saved
under ``--findings`` and the message gives the command that replays it; a failure of the
harness itself is reported as a HARNESS FAILURE, exit status 3, never as a finding. See
``docs/fuzzing.md``.

Oracles (:mod:`lms_schema._fuzz.oracles`): ``loads()`` and ``structure()`` raise nothing
but ValidationError, ``validate()`` and ``normalize()`` nothing at all; ``validate()``
errors are exactly the issues ``structure()`` raises, and on JSON text exactly those of
``loads()``, with a ``duplicate_key`` warning for every repeated key; whatever structures
dumps and loads back equal; a normalized payload structures to its value and normalizes
again with no fixes. Inputs (:mod:`lms_schema._fuzz.inputs`), for the seven models, their
``Partial*`` forms and ``Page[X]``: see ``KINDS``. The *seeded* kinds draw a base payload
from Hypothesis once and make ``--per-base`` inputs of it with cheap mutations from
``random.Random(seed)`` (:mod:`lms_schema._fuzz.choices`), each checked by every oracle and
counted on its own: 32 times the inputs per CPU second of the Hypothesis kinds alone. No
walk in the harness recurses over the depth of an input (:mod:`lms_schema._fuzz.walk`).

``fuzz_one.hypothesis.fuzz_one_input(buffer)`` runs one input from a byte buffer, for
coverage-guided fuzzers (``--atheris``).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .campaign import main, replay
from .inputs import COUNTS, EXTRA_ORACLES, KINDS, TARGETS, Counts, fuzz_body, run_checks
from .oracles import Finding, HarnessError, check_bytes, check_payload, check_text

__all__ = [
    "COUNTS",
    "EXTRA_ORACLES",
    "KINDS",
    "TARGETS",
    "Counts",
    "Finding",
    "HarnessError",
    "check_bytes",
    "check_payload",
    "check_text",
    "fuzz_body",
    "fuzz_one",
    "main",
    "replay",
    "run_checks",
]

#: The harness as a Hypothesis test; ``fuzz_one.hypothesis.fuzz_one_input(buffer)`` for fuzzers.
fuzz_one = settings(database=None, deadline=None)(given(st.data())(fuzz_body))
