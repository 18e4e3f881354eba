"""`studybot console` at a real prompt in a pseudo-terminal: readline history, Ctrl-C and Ctrl-D.

The conversation, paging included, is tested in-process (tests/integration/adapters/console); these need
a terminal: the up arrow is readline's, Ctrl-C is a signal the terminal sends, and what they check is the
process's exit and the terminal's mode it leaves behind.
"""

from __future__ import annotations

import termios
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.console.terminal import CTRL_C, CTRL_D, UP, TerminalConsole

PROMPT = "study> "

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


def assert_sane(terminal: TerminalConsole) -> None:
    """The terminal echoes and edits lines again, as the shell expects."""
    local_modes = terminal.mode()[3]
    assert isinstance(local_modes, int)
    assert local_modes & termios.ECHO
    assert local_modes & termios.ICANON


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
    """Readline keeps only commands: the answer `C` typed after `/study quiz` is not in the history file."""
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
