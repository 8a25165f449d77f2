"""The Bindbee request layer: the ``expand`` grammar (``expand``), the fourteen query
classes (``query``), what a request implies about its response (``expectations``), filter
checks (``filters``) and HTTP archives (``har``)::

    from lms_schema._request.expand import parse_expand
    parse_expand("user,course", Completion)
"""
