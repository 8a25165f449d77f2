"""Debugging aids: why the generated fast paths declined a payload.

:func:`lms_schema.structure` and :func:`lms_schema.loads` first run code generated per model
(compiled under file names such as ``<lms_schema generated structure Completion #0>`` and
registered in :mod:`linecache`, so tracebacks show its lines and ``inspect.getsource`` works).
It only ever *declines*; the strict cattrs path then answers. A decline on valid data is a
silent fall-back to the slower path; :func:`record_declines` shows each one::

    import lms_schema
    from lms_schema.debug import record_declines

    with record_declines() as declines:
        lms_schema.loads(data, lms_schema.Page[lms_schema.Completion])
    for decline in declines:
        print(decline.model, decline.route, decline.path, decline.reason)
"""

from __future__ import annotations

from ._gen.declines import Decline, record_declines

__all__ = ["Decline", "record_declines"]

Decline.__module__ = __name__
