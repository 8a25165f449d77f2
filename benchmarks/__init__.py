"""Benchmarks of lms-schema against pydantic v2, msgspec and jsonschema (run by hand).

``python3 -m benchmarks`` measures everything and rewrites ``benchmarks/RESULTS.md``.
Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""
