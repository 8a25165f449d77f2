"""JSON Schema and OpenAPI export: the contract as other languages and tools read it.

``json_schema(cls, expand=...)`` (:mod:`.jsonschema`) reads the field descriptions
(:func:`lms_schema._models.fields.fields_of`) and the strict grammars (:mod:`.grammars`);
``openapi()`` (:mod:`.openapi`) builds the fourteen endpoints from it; :mod:`.inexpressible`
is the one list of what no schema can say; :mod:`.cli` prints them (``lms-schema schema``,
``lms-schema openapi``)::

    from lms_schema._schema import json_schema, openapi
    json_schema(lms_schema.Completion)["$defs"]["Duration"]["pattern"]
"""

from .jsonschema import json_schema
from .openapi import openapi

__all__ = ["json_schema", "openapi"]
