"""Loading and validating a course pack: one test per rejection rule."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from bot.content import loader
from bot.content.loader import ContentError, load_course, require_course

LESSON = " ".join(["word"] * 300)
MODEL = " ".join(["answer"] * 100)


def quiz(qid: str, answer: int = 1, choices: list[str] | None = None) -> dict[str, object]:
    """A valid quiz question as YAML data."""
    return {
        "id": qid,
        "prompt": "Which one?",
        "choices": choices or ["one", "two", "three", "four"],
        "answer": answer,
        "explanation": "Because two.",
        "difficulty": 2,
    }


def topic(tid: str, **overrides: object) -> dict[str, object]:
    """A valid, complete topic as YAML data, with `overrides` applied."""
    data: dict[str, object] = {
        "id": tid,
        "title": f"Title of {tid}",
        "summary": "A summary.",
        "lesson": LESSON,
        "key_points": ["a", "b", "c"],
        "references": ["https://learn.microsoft.com/dotnet/"],
        "quiz": [quiz(f"{tid}.q1")],
        "interview": [{"id": f"{tid}.i1", "prompt": "Why?", "model_answer": MODEL, "rubric": ["x", "y", "z"]}],
    }
    data.update(overrides)
    return data


def write_pack(
    root: Path,
    topics: Mapping[str, Mapping[str, object] | str],
    listed: list[str] | None = None,
    requires: list[str] | None = None,
) -> Path:
    """Write a pack of `topics` (data, or raw YAML text) under `root`, its one section listing `listed`."""
    pack = root / "course"
    (pack / "topics").mkdir(parents=True)
    course: dict[str, object] = {
        "id": "demo",
        "title": "Demo",
        "description": "A demo course.",
        "sections": [{"id": "s1", "title": "Section", "topics": listed if listed is not None else list(topics)}],
    }
    if requires is not None:
        course["requires"] = requires
    (pack / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False))
    for tid, data in topics.items():
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        (pack / "topics" / f"{tid}.yaml").write_text(text)
    return pack


def only_error(pack: Path) -> str:
    """The one error loading `pack` gives (the load must fail)."""
    result = load_course(pack)
    assert result.course is None
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return str(result.errors[0])


def test_good_pack_loads(tmp_path: Path) -> None:
    """A complete pack loads with no issues."""
    result = load_course(write_pack(tmp_path, {"t1": topic("t1")}))
    assert result.course is not None
    assert result.issues == []
    assert result.course.quiz_by_id["t1.q1"].topic_id == "t1"


def test_unknown_field_is_rejected_with_file_field_and_line(tmp_path: Path) -> None:
    """An unknown field is named with its file and line."""
    message = only_error(write_pack(tmp_path, {"t1": topic("t1", colour="blue")}))
    assert message.startswith("course/topics/t1.yaml:")
    assert "colour: unknown field" in message
    line = int(message.split(":")[1])
    text = (tmp_path / "course" / "topics" / "t1.yaml").read_text().splitlines()
    assert text[line - 1].startswith("colour:")


def test_packs_are_parsed_with_libyaml() -> None:
    """The loader parses with libyaml's CSafeLoader, which PyYAML's wheels ship (the pure loader is the fallback)."""
    assert yaml.__with_libyaml__
    assert issubclass(loader.SafeLoader, yaml.CSafeLoader)


def test_libyaml_and_the_pure_loader_report_the_same_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A nested unknown field is reported at the same file, field and line by libyaml as by the fallback."""
    q = {**quiz("t1.q1"), "hint": "none"}
    pack = write_pack(tmp_path, {"t1": topic("t1", quiz=[quiz("t1.q0"), q])})
    fast = only_error(pack)
    monkeypatch.setattr(loader, "SafeLoader", yaml.SafeLoader)
    assert only_error(pack) == fast
    assert "quiz[1].hint: unknown field" in fast
    line = int(fast.split(":")[1])
    assert (pack / "topics" / "t1.yaml").read_text().splitlines()[line - 1].strip() == "hint: none"


def test_missing_field_is_rejected(tmp_path: Path) -> None:
    """A question without an explanation is rejected, naming the field."""
    q = quiz("t1.q1")
    del q["explanation"]
    message = only_error(write_pack(tmp_path, {"t1": topic("t1", quiz=[q])}))
    assert "quiz[0].explanation: missing required field" in message


def test_duplicate_question_ids_across_topics_are_rejected(tmp_path: Path) -> None:
    """The same question id in two topics is rejected, pointing at the first use."""
    pack = write_pack(tmp_path, {"t1": topic("t1"), "t2": topic("t2", quiz=[quiz("t1.q1")])})
    message = only_error(pack)
    assert "duplicate id 't1.q1'" in message
    assert "t1.yaml" in message


def test_answer_out_of_range_is_rejected(tmp_path: Path) -> None:
    """An answer index beyond the choices is rejected."""
    message = only_error(write_pack(tmp_path, {"t1": topic("t1", quiz=[quiz("t1.q1", answer=4)])}))
    assert "quiz[0].answer: answer 4 is out of range 0-3" in message


def test_duplicate_choices_are_rejected(tmp_path: Path) -> None:
    """Two identical choices in one question are rejected."""
    q = quiz("t1.q1", choices=["one", "two", "One", "four"])
    message = only_error(write_pack(tmp_path, {"t1": topic("t1", quiz=[q])}))
    assert "quiz[0].choices[2]: duplicate choice" in message


def test_listed_topic_without_file_is_rejected(tmp_path: Path) -> None:
    """A topic in course.yaml with no file is rejected, pointing at course.yaml."""
    message = only_error(write_pack(tmp_path, {"t1": topic("t1")}, listed=["t1", "t2"]))
    assert message.startswith("course/course.yaml:")
    assert "topic 't2' has no file topics/t2.yaml" in message


def test_file_in_no_section_is_rejected(tmp_path: Path) -> None:
    """A topic file that no section lists is rejected."""
    message = only_error(write_pack(tmp_path, {"t1": topic("t1"), "t2": topic("t2")}, listed=["t1"]))
    assert "topic 't2' is in no section" in message


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    """Invalid YAML is reported with the line where parsing failed."""
    message = only_error(write_pack(tmp_path, {"t1": "id: t1\ntitle: [unclosed\nsummary: x\n"}))
    assert "course/topics/t1.yaml:" in message
    assert "invalid YAML" in message
    assert message.split(":")[1] == "3"  # where the unclosed flow sequence runs into the next key


def test_id_must_match_file_name(tmp_path: Path) -> None:
    """A topic whose id differs from its file name is rejected."""
    message = only_error(write_pack(tmp_path, {"t1": topic("t9")}))
    assert "does not match the file name 't1'" in message


def test_wrong_number_of_choices_is_rejected(tmp_path: Path) -> None:
    """A question needs exactly four choices."""
    q = quiz("t1.q1", choices=["one", "two", "three"])
    message = only_error(write_pack(tmp_path, {"t1": topic("t1", quiz=[q])}))
    assert "quiz[0].choices" in message


def test_incomplete_topic_is_a_warning(tmp_path: Path) -> None:
    """A topic with only title and summary loads, with a warning."""
    skeleton = {"id": "t2", "title": "Later", "summary": "Coming soon."}
    result = load_course(write_pack(tmp_path, {"t1": topic("t1"), "t2": skeleton}))
    assert result.course is not None
    assert [w.severity for w in result.warnings] == ["warning"]
    assert "incomplete" in str(result.warnings[0])


def test_incomplete_topic_is_an_error_when_strict(tmp_path: Path) -> None:
    """Under --strict an incomplete topic is an error."""
    skeleton = {"id": "t2", "title": "Later", "summary": "Coming soon."}
    result = load_course(write_pack(tmp_path, {"t1": topic("t1"), "t2": skeleton}), strict=True)
    assert result.course is None
    assert "incomplete" in str(result.errors[0])


def test_short_lesson_is_a_warning(tmp_path: Path) -> None:
    """A lesson under 250 words is a warning naming the count."""
    result = load_course(write_pack(tmp_path, {"t1": topic("t1", lesson="Too short.")}))
    assert "lesson has 2 words" in str(result.warnings[0])


def test_require_course_raises_with_every_error(tmp_path: Path) -> None:
    """Serving a broken pack raises ContentError listing the problems."""
    with pytest.raises(ContentError, match="out of range"):
        require_course(write_pack(tmp_path, {"t1": topic("t1", quiz=[quiz("t1.q1", answer=7)])}))


def test_missing_course_file_is_reported(tmp_path: Path) -> None:
    """A folder without course.yaml says so."""
    result = load_course(tmp_path)
    assert result.course is None
    assert "course.yaml: file not found" in str(result.errors[0])


def card_topic(tid: str, *cards: str) -> dict[str, object]:
    """A topic of cards only, with cards of the given ids."""
    return {"id": tid, "title": f"Title of {tid}", "summary": "Cards.",
            "cards": [{"id": c, "front": f"front {c}", "back": f"back {c}"} for c in cards]}


def test_pack_of_cards_only_loads_strictly(tmp_path: Path) -> None:
    """A pack that requires only cards loads strictly with topics that hold nothing else."""
    result = load_course(write_pack(tmp_path, {"t1": card_topic("t1", "t1.c1")}, requires=["cards"]), strict=True)
    assert result.issues == []
    assert result.course is not None
    assert result.course.card_by_id["t1.c1"].topic_id == "t1"
    assert result.course.self_graded_by_id["t1.c1"].front == "front t1.c1"  # type: ignore[union-attr]


def test_required_part_missing_is_a_warning_naming_it(tmp_path: Path) -> None:
    """A topic without what the pack requires is incomplete, naming only the required parts it lacks."""
    pack = write_pack(tmp_path, {"t1": card_topic("t1"), "t2": card_topic("t2", "t2.c1")}, requires=["cards", "quiz"])
    result = load_course(pack)
    assert [str(w) for w in result.warnings] == [
        "course/topics/t1.yaml:1: topic is incomplete (no cards, quiz)",
        "course/topics/t2.yaml:1: topic is incomplete (no quiz)",
    ]


def test_full_course_requires_everything_by_default(tmp_path: Path) -> None:
    """Without `requires`, a topic of cards only is incomplete: the .NET course keeps every rule."""
    result = load_course(write_pack(tmp_path, {"t1": topic("t1"), "t2": card_topic("t2", "t2.c1")}), strict=True)
    assert [str(e) for e in result.errors] == [
        "course/topics/t2.yaml:1: topic is incomplete (no lesson, key_points, references, quiz, interview)"]


def test_default_requirements_match_the_model() -> None:
    """The schema's default `requires` is the model's full course, and its parts are the model's."""
    from typing import get_args

    from bot.content.models import FULL_COURSE, PARTS
    from bot.content.schema import CourseFile, Part

    assert tuple(CourseFile.model_fields["requires"].default) == FULL_COURSE
    assert get_args(Part) == PARTS


def test_unknown_requirement_is_rejected(tmp_path: Path) -> None:
    """`requires` names only parts a topic can have."""
    message = only_error(write_pack(tmp_path, {"t1": card_topic("t1", "t1.c1")}, requires=["flashcards"]))
    assert "course/course.yaml" in message
    assert "requires[0]" in message


def test_duplicate_card_ids_are_rejected(tmp_path: Path) -> None:
    """Card ids are unique in the whole pack, like question ids."""
    pack = write_pack(tmp_path, {"t1": card_topic("t1", "x"), "t2": card_topic("t2", "x")}, requires=["cards"])
    assert "duplicate id 'x'" in only_error(pack)


def test_empty_card_side_is_rejected(tmp_path: Path) -> None:
    """A card's front and back must hold text."""
    data = card_topic("t1", "t1.c1")
    data["cards"] = [{"id": "t1.c1", "front": "  ", "back": "b"}]
    assert "cards[0].front" in only_error(write_pack(tmp_path, {"t1": data}, requires=["cards"]))
