"""The same contract in pydantic v2, msgspec and jsonschema, each the way its docs recommend.

Where a peer cannot express a rule it gets the closest thing it has; ``run.py`` counts the
corpus records each peer then judges differently from lms-schema.

* pydantic v2: ``BaseModel`` classes with ``StrictInt``/``StrictStr`` (no ``"85"`` -> 85; a
  model-wide ``strict=True`` would refuse UUID and date-time strings in ``validate_python``), one
  ``TypeAdapter`` built once, ``validate_json`` on bytes and ``validate_python`` on dicts.
  Absent and null collapse to ``None`` (``model_fields_set`` remembers which), open enums are
  ``str``, durations ``timedelta`` (no months or years), relations ``UUID | PartialX | None``
  in smart-union mode.
* msgspec: ``Struct`` classes with ``UNSET`` for absent keys, one ``Decoder`` built once,
  ``msgspec.convert`` for dicts, ``msgspec.json.Encoder`` to encode.
* jsonschema: ``Draft202012Validator`` with format checking on, over the published
  ``PaginatedResponse[LmsCompletion]`` schema of ``bindbee-openapi-lms.json``. It validates
  but builds no models.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pydantic
from msgspec import UNSET, UnsetType
from pydantic import StrictInt, StrictStr

__all__ = ["OPENAPI", "jsonschema_validator", "msgspec_types", "pydantic_types"]

# The published OpenAPI document: $LMS_OPENAPI, else ../shared/reference/ next to the checkout.
_CANDIDATES = [
    Path(os.environ.get("LMS_OPENAPI", "/nonexistent")),
    *(p / "shared" / "reference" / "bindbee-openapi-lms.json" for p in Path(__file__).parents),
]
OPENAPI = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[-1])


# -- pydantic v2 ----------------------------------------------------------------------------


class _PydBase(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore", frozen=True)


class PydPartialUser(_PydBase):
    id: uuid.UUID | None = None
    remote_id: StrictStr | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, Any] | None = None
    raw_data: dict[str, Any] | None = None
    first_name: StrictStr | None = None
    last_name: StrictStr | None = None
    middle_name: StrictStr | None = None
    email_address: StrictStr | None = None
    phone_number: StrictStr | None = None
    status: StrictStr | None = None


class PydPartialCategory(_PydBase):
    id: uuid.UUID | None = None
    remote_id: StrictStr | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, Any] | None = None
    raw_data: dict[str, Any] | None = None
    name: StrictStr | None = None
    description: StrictStr | None = None
    status: StrictStr | None = None


class PydPartialSkill(_PydBase):
    id: uuid.UUID | None = None
    remote_id: StrictStr | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, Any] | None = None
    raw_data: dict[str, Any] | None = None
    name: StrictStr | None = None
    status: StrictStr | None = None


class PydPartialCourse(_PydBase):
    id: uuid.UUID | None = None
    remote_id: StrictStr | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, Any] | None = None
    raw_data: dict[str, Any] | None = None
    name: StrictStr | None = None
    description: StrictStr | None = None
    cover_image: StrictStr | None = None
    url: StrictStr | None = None
    duration: timedelta | None = None
    languages: list[StrictStr] | None = None
    categories: list[uuid.UUID | PydPartialCategory] | None = None
    contents: list[uuid.UUID | PydPartialContent] | None = None
    skills: list[uuid.UUID | PydPartialSkill] | None = None
    instructors: list[uuid.UUID | dict[str, Any]] | None = None
    status: StrictStr | None = None


class PydPartialContent(_PydBase):
    id: uuid.UUID | None = None
    remote_id: StrictStr | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, Any] | None = None
    raw_data: dict[str, Any] | None = None
    title: StrictStr | None = None
    description: StrictStr | None = None
    languages: list[StrictStr] | None = None
    cover_image: StrictStr | None = None
    url: StrictStr | None = None
    duration: timedelta | None = None
    categories: list[uuid.UUID | PydPartialCategory] | None = None
    skills: list[uuid.UUID | PydPartialSkill] | None = None
    courses: list[uuid.UUID | PydPartialCourse] | None = None
    order: StrictInt | None = None
    provider: StrictStr | None = None
    status: StrictStr | None = None


PydPartialCourse.model_rebuild()


class PydCompletion(_PydBase):
    id: uuid.UUID
    remote_id: StrictStr | None
    modified_at: datetime
    custom_fields: dict[str, Any] | None
    raw_data: dict[str, Any] | None = None
    user: uuid.UUID | PydPartialUser | None = None
    course: uuid.UUID | PydPartialCourse | None = None
    content: uuid.UUID | PydPartialContent | None = None
    score: StrictInt | None = None
    grade: StrictStr | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    time_duration: timedelta | None = None


class PydPage(_PydBase):
    cursor: StrictStr | None
    page_size: StrictInt
    items: list[PydCompletion]


class PydLaxCompletion(_PydBase):
    """pydantic's lax mode (no ``Strict*``): ``"95"`` -> 95 silently; the peer of
    ``normalize()`` (which repairs and records every repair instead)."""

    id: uuid.UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: dict[str, Any] | None
    raw_data: dict[str, Any] | None = None
    user: uuid.UUID | PydPartialUser | None = None
    course: uuid.UUID | PydPartialCourse | None = None
    content: uuid.UUID | PydPartialContent | None = None
    score: int | None = None
    grade: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    time_duration: timedelta | None = None


def pydantic_types() -> tuple[type[PydCompletion], type[PydPage]]:
    return PydCompletion, PydPage


# -- msgspec --------------------------------------------------------------------------------


class _MsgBase(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    pass


class MsgPartialUser(_MsgBase):
    id: uuid.UUID | UnsetType = UNSET
    remote_id: str | UnsetType | None = UNSET
    modified_at: datetime | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType | None = UNSET
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    first_name: str | UnsetType | None = UNSET
    last_name: str | UnsetType | None = UNSET
    middle_name: str | UnsetType | None = UNSET
    email_address: str | UnsetType | None = UNSET
    phone_number: str | UnsetType | None = UNSET
    status: str | UnsetType | None = UNSET


class MsgPartialCategory(_MsgBase):
    id: uuid.UUID | UnsetType = UNSET
    remote_id: str | UnsetType | None = UNSET
    modified_at: datetime | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType | None = UNSET
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    status: str | UnsetType | None = UNSET


class MsgPartialSkill(_MsgBase):
    id: uuid.UUID | UnsetType = UNSET
    remote_id: str | UnsetType | None = UNSET
    modified_at: datetime | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType | None = UNSET
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    status: str | UnsetType | None = UNSET


class MsgPartialCourse(_MsgBase):
    id: uuid.UUID | UnsetType = UNSET
    remote_id: str | UnsetType | None = UNSET
    modified_at: datetime | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType | None = UNSET
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    cover_image: str | UnsetType | None = UNSET
    url: str | UnsetType | None = UNSET
    duration: timedelta | UnsetType | None = UNSET
    languages: list[str] | UnsetType | None = UNSET
    categories: list[uuid.UUID | MsgPartialCategory] | UnsetType | None = UNSET
    contents: list[uuid.UUID | MsgPartialContent] | UnsetType | None = UNSET
    skills: list[uuid.UUID | MsgPartialSkill] | UnsetType | None = UNSET
    instructors: list[uuid.UUID | dict[str, Any]] | UnsetType | None = UNSET
    status: str | UnsetType | None = UNSET


class MsgPartialContent(_MsgBase):
    id: uuid.UUID | UnsetType = UNSET
    remote_id: str | UnsetType | None = UNSET
    modified_at: datetime | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType | None = UNSET
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    title: str | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    languages: list[str] | UnsetType | None = UNSET
    cover_image: str | UnsetType | None = UNSET
    url: str | UnsetType | None = UNSET
    duration: timedelta | UnsetType | None = UNSET
    categories: list[uuid.UUID | MsgPartialCategory] | UnsetType | None = UNSET
    skills: list[uuid.UUID | MsgPartialSkill] | UnsetType | None = UNSET
    courses: list[uuid.UUID | MsgPartialCourse] | UnsetType | None = UNSET
    order: int | UnsetType | None = UNSET
    provider: str | UnsetType | None = UNSET
    status: str | UnsetType | None = UNSET


class MsgCompletion(_MsgBase):
    id: uuid.UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: dict[str, Any] | None
    raw_data: dict[str, Any] | UnsetType | None = UNSET
    user: uuid.UUID | MsgPartialUser | UnsetType | None = UNSET
    course: uuid.UUID | MsgPartialCourse | UnsetType | None = UNSET
    content: uuid.UUID | MsgPartialContent | UnsetType | None = UNSET
    score: int | UnsetType | None = UNSET
    grade: str | UnsetType | None = UNSET
    started_at: datetime | UnsetType | None = UNSET
    completed_at: datetime | UnsetType | None = UNSET
    time_duration: timedelta | UnsetType | None = UNSET


class MsgPage(_MsgBase):
    cursor: str | None
    page_size: int
    items: list[MsgCompletion]


def msgspec_types() -> tuple[type[MsgCompletion], type[MsgPage]]:
    return MsgCompletion, MsgPage


# -- jsonschema -----------------------------------------------------------------------------


def jsonschema_validator(name: str = "LmsCompletion") -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator (format checking on) for one component of the OpenAPI file."""
    document = json.loads(OPENAPI.read_text())
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": document["components"],
    }
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
