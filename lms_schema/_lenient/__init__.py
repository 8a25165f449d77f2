"""Lenient reading for :func:`lms_schema.normalize`: the policy and its named rules
(``policy``) and the readers that repair one value each, recording a fix (``readers``)::

    from lms_schema._lenient.policy import RULES, NormalizationPolicy
"""
