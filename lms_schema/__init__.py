"""lms-schema: validate and normalize unified LMS API payloads (Bindbee ``/api/lms/v1/``).

>>> import lms_schema
>>> completion = lms_schema.loads(data, lms_schema.Completion)   # strict; ValidationError
>>> report = lms_schema.validate(payload, lms_schema.Page[lms_schema.User])
>>> lms_schema.dumps(completion)                                  # canonical JSON bytes
>>> result = lms_schema.normalize(messy, lms_schema.Completion)   # lenient; every change in .fixes

Your own models: subclass one (``@attrs.frozen(kw_only=True) class MyCompletion(Completion)``)
and every function takes it; see ``docs/extending.md``. ``lms_schema.debug.record_declines()``
shows why the generated fast paths fell back to the slower path.
"""

from . import debug  # noqa: F401 - lms_schema.debug.record_declines()
from ._api import dumps, loads, structure, unstructure
from ._convert.converter import configure_converter, converter, issues_from_cattrs
from ._exchange import validate_exchange
from ._lenient.policy import RULES, NormalizationPolicy
from ._models.errorbodies import ErrorDetail, ErrorResponse, HTTPValidationError
from ._models.models import (
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
from ._request.expand import Expand, Expansion, format_expand, parse_expand
from ._request.query import (
    CategoryByIdQuery,
    CategoryQuery,
    CompletionByIdQuery,
    CompletionQuery,
    ContentByIdQuery,
    ContentQuery,
    CourseByIdQuery,
    CourseQuery,
    EnrollmentByIdQuery,
    EnrollmentQuery,
    Query,
    SkillByIdQuery,
    SkillQuery,
    UserByIdQuery,
    UserQuery,
)
from ._schema import json_schema, openapi
from ._validate import validate
from ._values.absent import ABSENT, Absent, JSONObject, value_or_none
from ._values.durations import Duration, DurationError, format_duration, parse_duration
from ._values.enums import Grade, OpenEnum, Status
from ._values.issues import CODES, Issue, Report, ValidationError

__version__ = "0.1.0"

__all__ = [
    "ABSENT",
    "CODES",
    "RULES",
    "Absent",
    "Category",
    "CategoryByIdQuery",
    "CategoryQuery",
    "Completion",
    "CompletionByIdQuery",
    "CompletionQuery",
    "Content",
    "ContentByIdQuery",
    "ContentQuery",
    "Course",
    "CourseByIdQuery",
    "CourseQuery",
    "Duration",
    "DurationError",
    "Enrollment",
    "EnrollmentByIdQuery",
    "EnrollmentQuery",
    "ErrorDetail",
    "ErrorResponse",
    "Expand",
    "Expansion",
    "Fix",
    "Grade",
    "HTTPValidationError",
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
    "Query",
    "Report",
    "Skill",
    "SkillByIdQuery",
    "SkillQuery",
    "Status",
    "User",
    "UserByIdQuery",
    "UserQuery",
    "ValidationError",
    "configure_converter",
    "converter",
    "dumps",
    "format_duration",
    "format_expand",
    "issues_from_cattrs",
    "json_schema",
    "loads",
    "normalize",
    "openapi",
    "parse_duration",
    "parse_expand",
    "structure",
    "unstructure",
    "validate",
    "validate_exchange",
    "value_or_none",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("lms_schema._"):
        _obj.__module__ = "lms_schema"
del _name, _obj
