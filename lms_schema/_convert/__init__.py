"""The strict cattrs converter: the definition of the contract. One hook per field, installed
by :func:`~lms_schema._convert.converter.configure_converter`; cattrs' exceptions turned
into :class:`~lms_schema.Issue` lists with JSONPaths::

    from lms_schema._convert.converter import converter, issues_from_exception
"""
