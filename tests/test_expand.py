"""The expand grammar: every rule, with the exact position and message."""

from __future__ import annotations

import pytest

import lms_schema
from lms_schema import (
    Category,
    Completion,
    Content,
    Course,
    Enrollment,
    Expand,
    Expansion,
    Issue,
    Page,
    PartialCompletion,
    Skill,
    User,
    ValidationError,
    format_expand,
    parse_expand,
)


def issues_of(text: str, cls: object = Completion) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        parse_expand(text, cls)
    return [(i.path, i.code, i.message) for i in info.value.issues]


def test_names_and_selections() -> None:
    assert parse_expand("user[first_name,id],course", Completion) == Expand(
        (Expansion("user", ("first_name", "id")), Expansion("course"))
    )


def test_empty_text_expands_nothing() -> None:
    assert parse_expand("", Completion) == Expand()
    assert format_expand(Expand()) == ""
    assert not Expand()


def test_expand_behaves_like_a_collection_of_names() -> None:
    expand = parse_expand("user[first_name],content", Completion)
    assert "user" in expand
    assert "course" not in expand
    assert expand.get("user") == Expansion("user", ("first_name",))
    assert expand.get("course") is None
    assert expand.names == ("user", "content")
    assert list(expand) == [Expansion("user", ("first_name",)), Expansion("content")]
    assert len(expand) == 2
    assert str(expand) == "user[first_name],content"
    assert str(Expansion("user", ("id",))) == "user[id]"


def test_order_is_kept() -> None:
    assert format_expand(parse_expand("content,user", Completion)) == "content,user"
    assert parse_expand("content,user", Completion) != parse_expand("user,content", Completion)


def test_values_are_frozen_and_hashable() -> None:
    expand = parse_expand("user", Completion)
    assert hash(expand) == hash(Expand((Expansion("user"),)))
    with pytest.raises(AttributeError):
        expand.expansions = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("cls", "names"),
    [
        (Completion, ("user", "course", "content")),
        (Enrollment, ("user", "course", "completion")),
        (Course, ("categories", "contents", "skills", "instructors")),
        (Content, ("categories", "skills", "courses")),
    ],
)
def test_the_relations_of_each_model(cls: type, names: tuple[str, ...]) -> None:
    assert parse_expand(",".join(names), cls).names == names


def test_partial_classes_and_pages_use_their_model() -> None:
    expected = Expand((Expansion("user"),))
    assert parse_expand("user", PartialCompletion) == expected
    assert parse_expand("user", Page[Completion]) == expected


@pytest.mark.parametrize("cls", [User, Category, Skill])
def test_models_without_relations(cls: type) -> None:
    plural = {"User": "users", "Category": "categories", "Skill": "skills"}[cls.__name__]
    assert parse_expand("", cls) == Expand()
    assert issues_of("user", cls) == [
        (
            "query.expand",
            "unknown_relation",
            f"{plural} have no relations to expand; found 'user' at position 0",
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (",user", "expected a relation name at position 0, found ','"),
        (
            " user",
            "expected a relation name at position 0, found a space "
            "(relation names are comma separated without spaces)",
        ),
        (
            "user ,course",
            "expected ',', '[' or the end at position 4, found a space "
            "(relation names are comma separated without spaces)",
        ),
        (
            "user, course",
            "expected a relation name at position 5, found a space "
            "(relation names are comma separated without spaces)",
        ),
        ("user,\tcourse", "expected a relation name at position 5, found whitespace '\\t'"),
        ("user,", "expected a relation name after ',' at position 5, found the end"),
        ("user,,course", "expected a relation name at position 5, found ','"),
        ("user.first_name", "expected ',', '[' or the end at position 4, found '.'"),
        (
            "user[",
            "expected a field name at position 5, found the end "
            "(the '[' at position 4 is not closed)",
        ),
        (
            "user[id",
            "expected ',' or ']' at position 7, found the end "
            "(the '[' at position 4 is not closed)",
        ),
        (
            "user[id,",
            "expected a field name at position 8, found the end "
            "(the '[' at position 4 is not closed)",
        ),
        ("user[]", "expected a field name at position 5, found ']'"),
        ("user[id,]", "expected a field name at position 8, found ']'"),
        ("user[,id]", "expected a field name at position 5, found ','"),
        (
            "user[id, first_name]",
            "expected a field name at position 8, found a space "
            "(relation names are comma separated without spaces)",
        ),
        ("user[id]x", "expected ',' or the end at position 8, found 'x'"),
        ("user[id][name]", "expected ',' or the end at position 8, found '['"),
        ("user[id;name]", "expected ',' or ']' at position 7, found ';'"),
        ("[id]", "expected a relation name at position 0, found '['"),
        ("user]", "expected ',', '[' or the end at position 4, found ']'"),
        ("us\u00e9r", "expected ',', '[' or the end at position 2, found '\u00e9'"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    assert issues_of(text) == [("query.expand", "invalid_expand", message)]


def test_unknown_relation() -> None:
    assert issues_of("user,grade") == [
        (
            "query.expand",
            "unknown_relation",
            "'grade' at position 5 is not a relation of completions "
            "(expected one of user, course, content)",
        )
    ]


def test_relation_names_are_case_sensitive() -> None:
    assert [code for _, code, _ in issues_of("User")] == ["unknown_relation"]


def test_duplicate_relation_even_with_other_selection() -> None:
    assert issues_of("user,course,user[id]") == [
        (
            "query.expand",
            "duplicate_relation",
            "relation 'user' at position 12 is already expanded at position 0",
        )
    ]


def test_unknown_field() -> None:
    assert issues_of("course[name,title]") == [
        (
            "query.expand",
            "unknown_field",
            "'title' at position 12 is not a field of course (expected one of id, remote_id, "
            "modified_at, custom_fields, raw_data, name, description, cover_image, url, "
            "duration, languages, categories, contents, skills, instructors, status)",
        )
    ]


def test_duplicate_field() -> None:
    assert issues_of("user[id,first_name,id]") == [
        (
            "query.expand",
            "duplicate_field",
            "field 'id' at position 19 is already selected at position 5",
        )
    ]


def test_instructors_accept_any_field_but_not_twice() -> None:
    assert parse_expand("instructors[name,email]", Course) == Expand(
        (Expansion("instructors", ("name", "email")),)
    )
    assert issues_of("instructors[name,name]", Course) == [
        (
            "query.expand",
            "duplicate_field",
            "field 'name' at position 17 is already selected at position 12",
        )
    ]


def test_every_semantic_problem_at_once_then_the_syntax_error() -> None:
    assert [code for _, code, _ in issues_of("nope,user[x],user,course[")] == [
        "unknown_relation",
        "unknown_field",
        "duplicate_relation",
        "invalid_expand",
    ]


def test_not_a_string() -> None:
    assert issues_of(3) == [("query.expand", "wrong_type", "expected a string, got integer")]  # type: ignore[arg-type]


def test_not_a_model_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_expand("user", dict)


def test_the_error_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        parse_expand("user,", Completion)
    assert info.value.issues == (
        Issue(
            "query.expand",
            "invalid_expand",
            "expected a relation name after ',' at position 5, found the end",
        ),
    )


def test_public() -> None:
    for name in ("Expand", "Expansion", "parse_expand", "format_expand"):
        assert name in lms_schema.__all__


def test_lists_are_taken_as_tuples() -> None:
    assert Expand([Expansion("user", ["id"])]) == Expand((Expansion("user", ("id",)),))
    assert Expansion("user", None).fields is None
