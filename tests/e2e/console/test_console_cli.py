"""`studybot console` as a process reading a pipe, from start-up to the end of input.

The conversation itself is tested in-process (tests/integration/adapters/console); these need a process:
that the command reads a pipe when stdin is no terminal, keeps answers in the default SQLite file across
runs, starts the console when no platform is configured, and exits 0 at the end of input.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.process import studybot


def test_piped_quiz_answer_streak_and_leaderboard(tmp_path: Path) -> None:
    """A quiz answered by letter over a pipe counts in the streak and on the leaderboard; the exit is clean."""
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


def test_run_without_platforms_explains_settings_and_starts_console(tmp_path: Path) -> None:
    """`studybot` with no tokens names the settings for Discord and Slack, then serves the console."""
    result = studybot([], tmp_path, "/study help\n")
    assert result.returncode == 0
    assert "DISCORD_TOKEN" in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "/study quiz [course] [topic]" in result.stdout


def test_export_me_saves_the_file_in_the_data_dir_and_prints_its_path(tmp_path: Path) -> None:
    """`/study export-me` writes the learner's JSON under <data dir>/exports and says where."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study quiz\nC\n/study export-me\n")
    assert result.returncode == 0, result.stderr
    [saved] = (tmp_path / "data" / "exports").glob("studybot-my-data-*.json")
    assert f"📎 Saved to {saved}" in result.stdout.replace("\n", "")
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert (document["user"]["external_id"], len(document["answers"])) == ("ada", 1)


def test_forget_me_is_kept_on_enter_and_done_on_its_number(tmp_path: Path) -> None:
    """Enter on the confirmation keeps the data; `2` deletes it, and the next run starts afresh."""
    result = studybot(["console", "--user", "ada"], tmp_path, "/study quiz\nC\n/study forget-me\n\n")
    assert "Nothing was deleted" in result.stdout
    result = studybot(["console", "--user", "ada"], tmp_path, "/study forget-me\n2\n")
    assert "Your data is deleted" in result.stdout
    result = studybot(["console", "--user", "ada"], tmp_path, "/study stats\n")
    assert "No answers yet" in result.stdout
