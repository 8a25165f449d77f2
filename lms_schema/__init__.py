"""lms-schema: validate and normalize unified LMS API payloads (Bindbee ``/api/lms/v1/``).

>>> import lms_schema
>>> completion = lms_schema.loads(data, lms_schema.Completion)   # strict; ValidationError
>>> report = lms_schema.validate(payload, lms_schema.Page[lms_schema.User])
>>> lms_schema.dumps(completion)                                  # canonical JSON bytes
>>> result = lms_schema.normalize(messy, lms_schema.Completion)   # lenient; every change in .fixes
"""

from ._absent import ABSENT, Absent, JSONObject
from ._api import dumps, loads, structure, unstructure
from ._converter import configure_converter, converter
from ._durations import Duration, DurationError, format_duration, parse_duration
from ._enums import Grade, OpenEnum, Status
from ._errors import CODES, Issue, Report, ValidationError
from ._models import (
    Category,
    Completion,
    Content,
    Course,
    Enrollment,
    Page,
    PartialCategory,
    PartialCompletion,
    PartialContent,
    PartialCourse,
    PartialEnrollment,
    PartialSkill,
    PartialUser,
    Skill,
    User,
)
from ._normalize import Fix, Normalized, normalize
from ._policy import RULES, NormalizationPolicy
from ._validate import validate

__version__ = "0.1.0"

__all__ = [
    "ABSENT",
    "CODES",
    "RULES",
    "Absent",
    "Category",
    "Completion",
    "Content",
    "Course",
    "Duration",
    "DurationError",
    "Enrollment",
    "Fix",
    "Grade",
    "Issue",
    "JSONObject",
    "NormalizationPolicy",
    "Normalized",
    "OpenEnum",
    "Page",
    "PartialCategory",
    "PartialCompletion",
    "PartialContent",
    "PartialCourse",
    "PartialEnrollment",
    "PartialSkill",
    "PartialUser",
    "Report",
    "Skill",
    "Status",
    "User",
    "ValidationError",
    "configure_converter",
    "converter",
    "dumps",
    "format_duration",
    "loads",
    "normalize",
    "parse_duration",
    "structure",
    "unstructure",
    "validate",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("lms_schema._"):
        _obj.__module__ = "lms_schema"
del _name, _obj
