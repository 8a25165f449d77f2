"""What the command line does with captured payloads, as importable, picklable functions.

The ``lms-schema`` command is a thin layer over three modules, which a distributed runner
(Dask, Spark, multiprocessing) can use on its own (:mod:`lms_schema.dask` and
:mod:`lms_schema.spark` do)::

    from lms_schema._capture import checks, readers, report, run

    options = readers.ReadOptions()
    summary = report.Summary()
    for unit in readers.plan(["dump.jsonl"], options).items:    # Unit or Missing
        model = checks.model_from_path(unit.path)                 # or checks.resolve_model(...)
        for record in readers.read_unit(unit, options):           # records with positions
            outcome = checks.check_record(record, model, checks.CheckOptions())
            summary.add(outcome.status, outcome.issues, outcome.reason, outcome.records)

    result = run.process_unit(unit, run.RunConfig())  # the same for a whole unit, picklable

* :mod:`.readers` -- opening inputs (gzip, zlib, byte-order marks, UTF-16), telling their
  format, and reading their records one at a time, each with its position;
* :mod:`.checks` -- model resolution and the checks of one record (a list of issue dicts);
* :mod:`.report` -- the summary counts and the output formats (text, json, junit, github);
* :mod:`.run` -- one unit start to end (model resolution included), for a process pool;
* :mod:`.repair` -- what ``normalize`` makes of a unit's records, event by event (Dask and
  Spark write the events to their own outputs);
* :mod:`.sample` -- records drawn from the Hypothesis strategies (imports Hypothesis).
"""
