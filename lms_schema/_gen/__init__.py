"""Generated fast paths: straight-line structure/unstructure/dump functions per model
(``fast``), msgspec mirrors for bytes (``mirror``), ``validate()``'s top level
(``validator``), ``normalize()``'s canonical walk (``canonical``), and their native form
(``native``: the same functions as rows of the C interpreter ``_native``, derived from the
field analysis). They only ever decline; the cattrs path then gives the answer, so both paths
agree by construction::

    from lms_schema._gen.fast import structurer
    structurer(Completion)(payload)  # a Completion; raises (declines) otherwise
"""
