"""`studybot console` as a process reading a pipe, from start-up to the end of input.

The conversation itself is tested in-process (tests/integration/adapters/console); these need a process:
that the command reads a pipe when stdin is no terminal, keeps answers in the default SQLite file across
runs, starts the console when no platform is configured, and exits 0 at the end of input.
"""

from __future__ import annotations

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
    assert "/study quiz [topic]" in result.stdout
