"""Generated fast paths: straight-line structure/unstructure/dump functions per model
(``fast``) and msgspec mirrors for bytes (``mirror``). They only ever decline; the cattrs path
then gives the answer, so both paths agree by construction::

    from lms_schema._gen.fast import structurer
    structurer(Completion)(payload)  # a Completion, or None when it declines
"""
