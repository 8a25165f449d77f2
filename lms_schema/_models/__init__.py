"""The models: the seven Bindbee objects, their partial forms, ``Page`` and the error bodies,
and what is read off them (relations). Imports only :mod:`lms_schema._values`::

    from lms_schema._models.models import Completion
    from lms_schema._models.relations import relations
    relations(Completion)["user"].target  # PartialUser
"""
