"""`studybot console` at a real prompt in a pseudo-terminal: history, paging, Ctrl-C and Ctrl-D."""

from __future__ import annotations

import termios
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.console.terminal import CTRL_C, CTRL_D, UP, TerminalConsole

PROMPT = "study> "
LESSON_TITLE = "The CLR Deep Dive: Stack, Heap, and Garbage Collection (GC)"

Start = Callable[..., TerminalConsole]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Starts `studybot console` on a 24 x 80 pty with its data dir in tmp_path; stops it afterwards."""
    running: list[TerminalConsole] = []

    def starter(*args: str) -> TerminalConsole:
        terminal = TerminalConsole(tmp_path, *args)
        running.append(terminal)
        return terminal

    yield starter
    for terminal in running:
        terminal.close()


def panel_rows(text: str) -> list[str]:
    """The rows of a rich panel in `text`."""
    return [row for row in text.splitlines() if row.startswith(("╭", "│", "╰"))]


def assert_sane(terminal: TerminalConsole) -> None:
    """The terminal echoes and edits lines again, as the shell expects."""
    local_modes = terminal.mode()[3]
    assert isinstance(local_modes, int)
    assert local_modes & termios.ECHO
    assert local_modes & termios.ICANON


def test_markup_in_the_user_name_is_shown_as_typed(start: Start) -> None:
    """`--user '[/bogus]'` greets the user by that name instead of crashing on it as markup."""
    terminal = start("--user", "[/bogus]")
    assert "You are [/bogus] in a local channel." in terminal.expect(PROMPT)
    terminal.type(CTRL_D)
    assert terminal.wait_exit() == 0
    assert "Traceback" not in terminal.text


def test_up_arrow_recalls_the_last_command_of_the_previous_run(start: Start, tmp_path: Path) -> None:
    """History is kept in the data dir: the next run's up arrow brings back `/study streak`."""
    first = start("--user", "ada")
    first.expect(PROMPT)
    first.type("/study streak\r")
    first.expect(PROMPT)
    first.type(CTRL_D)
    assert first.wait_exit() == 0
    assert (tmp_path / "data" / "console_history").read_text().splitlines()[-1] == "/study streak"

    second = start("--user", "ada")
    second.expect(PROMPT)
    second.type(UP + "\r")
    assert "Streak: 0 days" in second.expect(PROMPT)


def test_answers_are_not_kept_in_the_history(start: Start, tmp_path: Path) -> None:
    """Only commands are recalled: the answer `C` typed after `/study quiz` is not."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type("/study quiz\r")
    terminal.expect(PROMPT)
    terminal.type("C\r")
    assert "Correct!" in terminal.expect(PROMPT)
    terminal.type(CTRL_D)
    assert terminal.wait_exit() == 0
    assert (tmp_path / "data" / "console_history").read_text().splitlines() == ["/study quiz"]


def test_ctrl_c_at_the_prompt_leaves_at_once(start: Start) -> None:
    """Ctrl-C at the prompt ends the console within seconds, with no traceback and a sane terminal."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type(CTRL_C)
    assert terminal.wait_exit(timeout=10) in (0, 130)
    assert "Traceback" not in terminal.text
    assert_sane(terminal)


def test_ctrl_d_at_the_prompt_leaves_at_once(start: Start) -> None:
    """Ctrl-D on an empty line ends the console with exit code 0."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type(CTRL_D)
    assert terminal.wait_exit(timeout=10) == 0
    assert_sane(terminal)


def test_a_long_lesson_is_shown_a_screen_at_a_time(start: Start) -> None:
    """A lesson longer than 24 rows stops after a screen with its title at the top; Enter goes on."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type("/study lesson 1\r")
    first_screen = terminal.expect("-- more (Enter), or type a command --")
    assert LESSON_TITLE in first_screen
    assert 10 < len(panel_rows(first_screen)) <= 23  # a screen of 24 rows, less the "more" line
    while True:  # Enter through the rest of the lesson, a screen at a time
        terminal.type("\r")
        which, rest = terminal.expect_first("-- more", PROMPT)
        assert len(panel_rows(rest)) <= 23
        if which == PROMPT:
            break
    assert "[1] Quiz me" in rest
    assert LESSON_TITLE not in rest


def test_a_command_at_the_more_prompt_stops_the_lesson(start: Start) -> None:
    """Typing a command instead of Enter leaves the lesson and runs the command."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type("/study lesson 1\r")
    terminal.expect("-- more")
    terminal.type("/study streak\r")
    assert "Streak: 0 days" in terminal.expect(PROMPT)


def test_ctrl_c_while_a_lesson_is_paged_leaves_at_once(start: Start) -> None:
    """Ctrl-C at the "more" prompt ends the console too, leaving the terminal sane."""
    terminal = start("--user", "ada")
    terminal.expect(PROMPT)
    terminal.type("/study lesson 1\r")
    terminal.expect("-- more")
    terminal.type(CTRL_C)
    assert terminal.wait_exit(timeout=10) in (0, 130)
    assert "Traceback" not in terminal.text
    assert_sane(terminal)
