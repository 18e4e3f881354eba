"""`studybot export` and `studybot forget` against a real database: the files written and the rows deleted."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import datatools
from bot.settings import Settings
from bot.store.models import Answer, User
from bot.store.privacy import ANSWER_COLUMNS, LEARNER_COLUMNS
from bot.usecases import quiz
from bot.usecases.context import Core
from tests.conftest import make_actor


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings on the test database, with a data dir of the test's own."""
    return Settings(_env_file=None, DATABASE_URL=db_url, STUDYBOT_DATA_DIR=str(tmp_path / "data"))


@pytest.fixture
async def answered(core: Core) -> None:
    """Ada answers three questions in w1, Bob one; Cy answers one in another workspace (their points on the boards)."""
    questions = [q for t in core.catalogue.default.topics for q in t.quiz]
    for user, workspace, count in (("ada", "w1", 3), ("bob", "w1", 1), ("cy", "w2", 1)):
        for n, question in enumerate(questions[:count]):
            await quiz.answer(core, make_actor(user, workspace), core.catalogue.default, question.id, f"{user}-{n}",
                              question.answer,
                              f"{user}-d{n}")
    await core.scores.settled()


async def users_and_answers(core: Core) -> tuple[list[str], int]:
    """The learners left (their platform ids) and how many answers there are."""
    async with core.unit_of_work() as uow:
        session = uow.answers.session
        users = sorted((await session.scalars(select(User.external_id))).all())
        return users, int(await session.scalar(select(func.count()).select_from(Answer)) or 0)


async def test_csv_export_has_a_file_of_answers_and_one_of_learners(
    settings: Settings, answered: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The answers CSV has every answer of the workspace under its header; the learners CSV one row each."""
    assert await datatools.export(settings, "w1", None, "csv", tmp_path / "out") == 0
    answers_file = next((tmp_path / "out").glob("*-answers.csv"))
    learners_file = next((tmp_path / "out").glob("*-learners.csv"))
    with answers_file.open(encoding="utf-8") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames or ()) == ANSWER_COLUMNS
        rows = list(reader)
    assert sorted(r["learner"] for r in rows) == ["ada", "ada", "ada", "bob"]
    with learners_file.open(encoding="utf-8") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames or ()) == LEARNER_COLUMNS
        learners = {r["learner"]: r for r in reader}
    assert (learners["ada"]["answers_given"], learners["bob"]["answers_given"]) == ("3", "1")
    assert "console workspace w1: 2 learners, 4 answers" in capsys.readouterr().out


async def test_json_export_holds_the_same_rows(settings: Settings, answered: None, tmp_path: Path) -> None:
    """The JSON file has the workspace's learners and every answer, with the CSV's keys."""
    assert await datatools.export(settings, "w1", "console", "json", tmp_path / "out") == 0
    document = json.loads(next((tmp_path / "out").glob("*.json")).read_text(encoding="utf-8"))
    assert (document["platform"], document["workspace"]) == ("console", "w1")
    assert len(document["answers"]) == 4
    assert set(document["answers"][0]) == set(ANSWER_COLUMNS)
    assert sorted(learner["learner"] for learner in document["learners"]) == ["ada", "bob"]


async def test_export_of_an_unknown_workspace_says_so(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    """A workspace with no data exits 1 with one line."""
    assert await datatools.export(settings, "nowhere", None, "csv", None) == 1
    assert capsys.readouterr().out == "studybot: no workspace 'nowhere' has any data\n"


async def test_forget_asks_and_deletes_only_that_learner(
    settings: Settings, core: Core, answered: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Confirmed with "yes", Ada's rows go; Bob's and Cy's stay; what went is printed."""
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "yes"

    assert await datatools.forget(settings, "console", "ada", None, yes=False, ask=ask) == 0
    assert len(asked) == 1
    assert await users_and_answers(core) == (["bob", "cy"], 2)
    out = capsys.readouterr().out
    assert ("deleted in console workspace w1: "
            "3 answers, 3 review cards, 1 stats row, 6 board scores and 1 user row") in out


async def test_forget_without_yes_deletes_nothing(settings: Settings, core: Core, answered: None) -> None:
    """Any answer but "yes" leaves everything as it was."""
    assert await datatools.forget(settings, "console", "ada", None, yes=False, ask=lambda _prompt: "no") == 1
    assert await users_and_answers(core) == (["ada", "bob", "cy"], 5)


async def test_forget_with_yes_does_not_ask(settings: Settings, core: Core, answered: None) -> None:
    """--yes deletes without a question, in the one workspace given."""

    def ask(_prompt: str) -> str:
        raise AssertionError("asked although --yes was given")

    assert await datatools.forget(settings, "console", "cy", "w2", yes=True, ask=ask) == 0
    assert await users_and_answers(core) == (["ada", "bob"], 4)
