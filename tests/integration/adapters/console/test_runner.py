"""What the console prints around the replies: the greeting, pages of a long message, leaving, a pipe's echo."""

from __future__ import annotations

import pytest

from adapters.console.runner import MORE, PROMPT
from tests.console_driver import ConsoleDriver
from tests.integration.adapters.console.conftest import MakeConsole

LESSON_TITLE = "The CLR Deep Dive: Stack, Heap, and Garbage Collection (GC)"


def panel_rows(text: str) -> list[str]:
    """The rows of rich panels in `text`."""
    return [row for row in text.splitlines() if row.startswith(("╭", "│", "╰"))]


async def test_the_greeting_names_the_course_and_the_learner(make_console: MakeConsole) -> None:
    """At a prompt the console first says which course this is, who you are, and how to start and leave."""
    greeting = await make_console("ada").start()
    assert greeting == (
        "StudyBot · C# & .NET 8 Architect Mastery\n"
        "You are ada in a local channel.\n"
        "Try /study quiz, /study lesson or /study help; Ctrl-D or exit quits.\n"
    )


async def test_markup_in_the_learner_name_is_greeted_as_typed(make_console: MakeConsole) -> None:
    """`[/bogus]` as a name is text in the greeting, not rich markup that would crash it."""
    assert "You are [/bogus] in a local channel." in await make_console("[/bogus]").start()


async def test_escapes_in_the_learner_name_are_shown_as_text(make_console: MakeConsole) -> None:
    """An ESC in the name is greeted as a visible ␛ and never reaches the terminal."""
    greeting = await make_console("\x1b[31mred").start()
    assert "You are ␛[31mred in a local channel." in greeting
    assert "\x1b" not in greeting


async def test_a_hint_is_one_line(console: ConsoleDriver) -> None:
    """A typo at an open question prints its hint on one line and nothing else."""
    await console.push("/study quiz")
    assert await console.push("E") == "Answer with A-D, or type a /study command.\n"


async def test_enter_with_nothing_to_press_prints_nothing(console: ConsoleDriver) -> None:
    """A blank line at a fresh prompt prints nothing and asks again."""
    assert await console.push("") == ""
    assert console.prompt == PROMPT


async def test_a_long_lesson_stops_after_a_screen(make_console: MakeConsole) -> None:
    """At 80 x 24 a lesson stops after a screen, its title at the top, and asks for more."""
    console = make_console(height=24)
    await console.start()
    first_screen = await console.push("/study lesson 1")
    assert console.prompt == MORE
    assert first_screen.startswith(f"╭─ {LESSON_TITLE} ─")
    assert len(panel_rows(first_screen)) == 22  # a screen of 24 rows, less the "more" prompt and a spare row


async def test_enter_pages_through_a_lesson_to_its_buttons(make_console: MakeConsole) -> None:
    """Enter shows the next screen until the lesson ends with its buttons and the prompt returns."""
    console = make_console(height=24)
    await console.start()
    await console.push("/study lesson 1")
    screens = []
    while console.prompt == MORE:
        screens.append(await console.push(""))
    assert console.prompt == PROMPT
    assert all(len(panel_rows(screen)) <= 22 for screen in screens)
    assert "[1] Quiz me on this  [2] Interview question" in screens[-1]
    assert LESSON_TITLE not in "".join(screens)


async def test_a_command_at_the_more_prompt_stops_the_lesson(make_console: MakeConsole) -> None:
    """Typing a command instead of Enter leaves the lesson and runs the command."""
    console = make_console(height=24)
    await console.start()
    await console.push("/study lesson 1")
    reply = await console.push("/study streak")
    assert reply.startswith("╭─ 🔥 Streak: 0 days ─")
    assert console.prompt == PROMPT


async def test_an_answer_at_the_more_prompt_answers_the_question(make_console: MakeConsole) -> None:
    """A model answer longer than the screen can be graded at its "more" prompt."""
    console = make_console(height=24)
    await console.start()
    await console.push("/study interview")
    await console.push("")
    assert console.prompt == MORE
    assert "Graded: Good" in await console.push("3")


async def test_ctrl_d_at_the_more_prompt_leaves(make_console: MakeConsole) -> None:
    """End of input at the "more" prompt ends the conversation, as it does at the prompt."""
    console = make_console(height=24)
    await console.start()
    await console.push("/study lesson 1")
    assert await console.end() == ""
    assert console.finished


@pytest.mark.parametrize("word", ["exit", "quit", "/exit", "/quit", "  EXIT  "])
async def test_an_exit_word_ends_the_conversation(console: ConsoleDriver, word: str) -> None:
    """`exit`, `quit` and their slash forms, in any case, leave without a reply."""
    assert await console.push(word) == ""
    assert console.finished


async def test_ctrl_d_at_the_prompt_leaves(console: ConsoleDriver) -> None:
    """End of input at the prompt ends the conversation without a word."""
    assert await console.end() == ""
    assert console.finished


async def test_over_a_pipe_there_is_no_greeting(make_console: MakeConsole) -> None:
    """Lines from a pipe get no greeting: the output is the replies alone."""
    assert await make_console(interactive=False).start() == ""


async def test_over_a_pipe_each_line_is_echoed_before_its_reply(make_console: MakeConsole) -> None:
    """Each line read from a pipe is printed after `> `, so the output reads as a transcript."""
    console = make_console(interactive=False)
    await console.start()
    assert (await console.push("/study streak")).startswith("> /study streak\n╭─ 🔥 Streak: 0 days ─")


async def test_over_a_pipe_a_long_lesson_is_printed_whole(make_console: MakeConsole) -> None:
    """Over a pipe nothing is paged: a lesson is printed at once, down to its buttons."""
    console = make_console(height=24, interactive=False)
    await console.start()
    reply = await console.push("/study lesson 1")
    assert console.prompt == PROMPT
    assert "-- more" not in reply
    assert "[1] Quiz me on this" in reply


async def test_over_a_pipe_a_long_code_line_is_cut_not_wrapped(make_console: MakeConsole) -> None:
    """At 80 columns a code line too long for the panel ends in "…" and its tail is not wrapped below."""
    console = make_console(interactive=False)
    await console.start()
    reply = await console.push("/study lesson 1")
    assert "int local = count * 2;" in reply
    assert "│  a register)" not in reply


async def test_escapes_and_markup_typed_are_echoed_as_text(make_console: MakeConsole) -> None:
    """An ESC and rich markup in a piped line are echoed as visible text."""
    console = make_console(interactive=False)
    await console.start()
    reply = await console.push("/study \x1b[2J[bold]x")
    assert reply.startswith("> /study ␛[2J[bold]x\n")
    assert "\x1b" not in reply


async def test_escapes_and_markup_in_an_unknown_command_are_named_as_text(console: ConsoleDriver) -> None:
    """The reply to `/study ␛[2J[bold]x` names the command with a visible ␛ and its brackets."""
    reply = await console.push("/study \x1b[2J[bold]x")
    assert "“␛[2j[bold]x” is not a StudyBot command" in reply
    assert "\x1b" not in reply
