"""What the command line does with captured payloads, as importable, picklable functions.

The ``lms-schema`` command is a thin layer over three modules, which a distributed runner
(Dask, Spark, multiprocessing) can use on its own::

    from lms_schema._capture import readers, checks, report

    summary = report.Summary()
    for unit in readers.units(["dump.jsonl"], readers.ReadOptions()):
        for record in readers.read_unit(unit):                 # records with their positions
            model = checks.model_of(record, None)
            problems = checks.check_record(record, model, checks.CheckOptions())  # issue dicts
            summary.add_record(problems)

* :mod:`.readers` -- opening inputs (gzip, zlib, byte-order marks, UTF-16), telling their
  format, and reading their records one at a time, each with its position;
* :mod:`.checks` -- model resolution and the checks of one record (a list of issue dicts);
* :mod:`.report` -- the summary counts and the output formats (text, json, junit, github).
"""
