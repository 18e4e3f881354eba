"""The file format of a course pack, as pydantic schemas that reject unknown fields."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Choice = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuizFile(_Strict):
    """A quiz question as written in YAML."""

    id: Id
    prompt: Text
    choices: Annotated[list[Choice], Field(min_length=4, max_length=4)]
    answer: StrictInt
    explanation: Text
    difficulty: Literal[1, 2, 3]


class InterviewFile(_Strict):
    """An interview question as written in YAML."""

    id: Id
    prompt: Text
    model_answer: Text
    rubric: Annotated[list[Text], Field(min_length=3, max_length=5)]


class CardFile(_Strict):
    """A flash card as written in YAML: what is asked (front) and what to recall (back)."""

    id: Id
    front: Text
    back: Text


class TopicFile(_Strict):
    """A topic file `topics/<id>.yaml`; everything but id, title and summary may wait."""

    id: Id
    title: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    lesson: Text | None = None
    key_points: Annotated[list[Text], Field(min_length=3, max_length=5)] | None = None
    references: Annotated[list[Url], Field(min_length=1)] | None = None
    quiz: list[QuizFile] = []
    interview: list[InterviewFile] = []
    cards: list[CardFile] = []
    tags: list[Id] = []


class SectionFile(_Strict):
    """A section entry of `course.yaml`."""

    id: Id
    title: Text
    topics: Annotated[list[Id], Field(min_length=1)]


Part = Literal["lesson", "key_points", "references", "quiz", "interview", "cards"]  # models.PARTS


class CourseFile(_Strict):
    """The `course.yaml` file of a pack; `requires` lists what every topic must hold."""

    id: Id
    title: Text
    description: Text
    requires: Annotated[list[Part], Field(min_length=1)] = ["lesson", "key_points", "references", "quiz",
                                                            "interview"]  # models.FULL_COURSE
    sections: Annotated[list[SectionFile], Field(min_length=1)]
