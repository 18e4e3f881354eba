"""The `studybot` command as a newcomer runs it: console through a pipe, content tools, bad settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import COURSE_DIR


def studybot(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.cli ARGS` with a clean StudyBot environment and data in `tmp_path`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    environment.pop("DATABASE_URL", None)
    environment.update({"STUDYBOT_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "100", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )


def test_piped_quiz_answer_streak_and_leaderboard(tmp_path: Path) -> None:
    """A quiz answered by letter counts in the streak and on the leaderboard."""
    result = studybot(
        ["console", "--user", "ada"],
        tmp_path,
        "/study quiz\nC\n/study streak\n/study leaderboard\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Quiz · The CLR Deep Dive" in out
    assert "✅ Correct!" in out
    assert "🔥 Streak: 1 day" in out
    assert "ada" in out.split("Leaderboard")[1]
    assert "Traceback" not in out + result.stderr


def test_answers_persist_between_runs(tmp_path: Path) -> None:
    """A second console run sees the first run's points (SQLite file in the data dir)."""
    studybot(["console", "--user", "ada"], tmp_path, "/study quiz\nC\n")
    result = studybot(["console", "--user", "ada"], tmp_path, "/study stats\n")
    assert "1 answer" in result.stdout
    assert (tmp_path / "data" / "studybot.db").is_file()


def test_number_answers_and_enter_for_next_question(tmp_path: Path) -> None:
    """Answering with a number works, and a blank line presses the primary button."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study quiz\n3\n\n")
    assert result.stdout.count("Quiz · ") == 2


def test_run_without_platforms_explains_settings_and_starts_console(tmp_path: Path) -> None:
    """`studybot` with no tokens names the settings for Discord and Slack, then serves the console."""
    result = studybot([], tmp_path, "/study help\n")
    assert result.returncode == 0
    assert "DISCORD_TOKEN" in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "/study quiz [topic]" in result.stdout


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    """An invalid timezone stops start-up with one clear line and a non-zero exit."""
    result = studybot([], tmp_path, STUDYBOT_TIMEZONE="Mars/Base")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "studybot: invalid setting STUDYBOT_TIMEZONE: 'Mars/Base' is not an IANA timezone such as Europe/Berlin"
    ]


def test_unreachable_database_stops_with_one_line(tmp_path: Path) -> None:
    """A database that cannot be reached stops start-up with one line, no traceback."""
    result = studybot(["console"], tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("studybot: cannot use the database postgresql://nobody@127.0.0.1:1/none")


def test_validate_good_pack_exits_zero(tmp_path: Path) -> None:
    """The shipped course validates strictly."""
    result = studybot(["content", "validate", "--strict", str(COURSE_DIR)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK · 8 sections, 30 topics" in result.stdout


def test_validate_bad_pack_names_file_field_and_line(tmp_path: Path) -> None:
    """A broken topic makes validate exit non-zero naming file, line and field."""
    pack = tmp_path / "pack"
    (pack / "topics").mkdir(parents=True)
    (pack / "course.yaml").write_text(
        "id: p\ntitle: P\ndescription: D\nsections:\n  - id: s\n    title: S\n    topics: [t]\n"
    )
    (pack / "topics" / "t.yaml").write_text("id: t\ntitle: T\nsummary: S\nsumary: typo\n")
    result = studybot(["content", "validate", str(pack)], tmp_path)
    assert result.returncode == 1
    assert "error: pack/topics/t.yaml:4: sumary: unknown field" in result.stderr


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_stats_lists_every_topic(tmp_path: Path, flag: list[str]) -> None:
    """`content stats` reports all 30 topics with their question counts."""
    result = studybot(["content", "stats", *flag, str(COURSE_DIR)], tmp_path)
    assert result.returncode == 0
    assert result.stdout.count("valuetask-vs-task") == 1
    assert ("\"quiz\": 6" in result.stdout) if flag else ("Total: " in result.stdout)


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    """`studybot db upgrade` migrates the default SQLite database."""
    result = studybot(["db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout


def test_piped_typo_keeps_the_quiz_open(tmp_path: Path) -> None:
    """Over a pipe, `E` with a quiz open prints the one-line hint and `C` still answers it."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study quiz\nE\nC\n")
    assert result.returncode == 0, result.stderr
    after_typo = result.stdout.split("> E\n")[1]
    assert after_typo.startswith("Answer with A-D, or type a /study command.\n> C\n")
    assert "✅ Correct!" in after_typo
    assert "is not a StudyBot command" not in result.stdout


def test_piped_enter_does_not_grade_an_interview(tmp_path: Path) -> None:
    """Enter reveals the model answer; a second Enter only repeats the grades, and `3` grades Good."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study interview\n\n\n3\n")
    assert result.returncode == 0, result.stderr
    assert "Graded: Again" not in result.stdout
    assert "Grade yourself with 1-4 (Again, Hard, Good, Easy), or type a /study command." in result.stdout
    assert "Graded: Good" in result.stdout


def test_piped_escapes_and_markup_in_names_and_text_are_shown_as_text(tmp_path: Path) -> None:
    """ANSI escapes and rich markup in the user name or typed text reach the output as visible text."""
    result = studybot(
        ["console", "--user", "\x1b[31m[/bogus]"],
        tmp_path,
        "/study quiz\nC\n/study leaderboard\n/study \x1b[2J[bold]x\n",
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "␛[31m[/bogus]" in result.stdout.split("Leaderboard")[1]
    assert "“␛[2j[bold]x” is not a StudyBot command" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_piped_long_lesson_is_printed_whole_with_code_unwrapped(tmp_path: Path) -> None:
    """Over a pipe at 80 columns a lesson is printed at once, and a long code line is cut, not wrapped."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study lesson 1\n", COLUMNS="80")
    assert result.returncode == 0, result.stderr
    assert "-- more" not in result.stdout
    assert "int local = count * 2;" in result.stdout
    assert "│  a register)" not in result.stdout
    assert "[1] Quiz me" in result.stdout


def test_topics_lesson_lookup_references_and_board_footer(tmp_path: Path) -> None:
    """`topics` lists the syllabus; `lesson span` opens Span<T> with its links; the month board talks of months."""
    result = studybot(
        ["console", "--user", "ada"],
        tmp_path,
        "/study topics\n/study lesson span\n/study leaderboard month\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1. The CLR Deep Dive" in out
    assert "30. Case Study: Solving Memory Leaks" in out
    assert "Memory Management & Performance (0/4 practised)" in out
    assert "Read more" in out
    assert "https://learn.microsoft.com/en-us/dotnet/standard/memory-and-spans/" in out
    board = out.split("Leaderboard · this month")[1]
    assert "Months follow the calendar in" in board
    assert "Weeks start on Monday" not in board
    assert "`" not in board
