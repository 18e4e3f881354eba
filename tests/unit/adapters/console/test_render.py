"""The console renderer at 80 columns: code never wrapped, user text never interpreted."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.console.render import button_keys, enter_button, numbers_are_topics, renderable, topic_button, visible
from bot.messages import Button, Choice, Kind, Message, channel_mention
from tests.console_driver import as_text

LONG_LINE = "        int local = count * 2;                  // in the stack frame (or in a register) END"
LESSON = Message(
    kind=Kind.LESSON,
    title="Stack and heap",
    body=f"Some prose.\n\n```csharp\npublic static int Total(int count)\n{{\n{LONG_LINE}\n}}\n```\n",
)


def test_a_long_code_line_is_cut_with_a_marker_not_wrapped() -> None:
    """At 80 columns a code line too wide ends in "…" on its own row; its tail is not wrapped below."""
    rows = as_text(LESSON).splitlines()
    code_rows = [row for row in rows if "int local" in row]
    assert len(code_rows) == 1
    assert code_rows[0].rstrip(" │").endswith("…")
    assert all(len(row) == 80 for row in rows)
    assert not any("END" in row or "register)" in row for row in rows)


def test_code_lines_that_fit_are_shown_whole() -> None:
    """Lines that fit keep every character, indentation included."""
    text = as_text(LESSON)
    assert "public static int Total(int count)" in text
    assert "│  {" in text


def test_prose_still_wraps_at_the_width() -> None:
    """Only code is exempt from wrapping: a long paragraph stays inside the panel."""
    message = Message(kind=Kind.LESSON, title="T", body="word " * 60)
    rows = as_text(message).splitlines()
    assert len(rows) > 5
    assert all(len(row) == 80 for row in rows)


def test_terminal_escapes_in_any_text_are_shown_as_text() -> None:
    """ESC and other control characters in title, body, footer or buttons are made visible."""
    evil = "\x1b[31mred\x1b[0m\x07"
    message = Message(
        kind=Kind.INFO,
        title=evil,
        body=f"**{evil}**",
        footer=evil,
        buttons=(Button(evil, "x"),),
    )
    terminal = io.StringIO()
    Console(width=80, file=terminal, force_terminal=True, color_system="standard").print(renderable(message))
    output = terminal.getvalue()
    assert "\x1b[31mred" not in output
    assert "\x07" not in output
    assert output.count("␛[31mred␛[0m␇") == 5  # title, body, footer, and the button named twice


def test_rich_markup_in_footer_and_title_is_shown_literally() -> None:
    """A footer or title like `[/bogus]` prints as typed (it crashed as markup before)."""
    message = Message(kind=Kind.INFO, title="[bold]me[/bold]", footer="[/bogus] [red]x[/red]")
    text = as_text(message, 80)
    assert "[bold]me[/bold]" in text
    assert "[/bogus] [red]x[/red]" in text


def test_visible_keeps_newlines_and_tabs() -> None:
    """Line breaks and tabs are layout, not escapes: they are kept."""
    assert visible("a\tb\nc\x1b\x00\x7f\x9b") == "a\tb\nc␛␀␡\\x9b"


def test_enter_never_grades_a_self_graded_answer() -> None:
    """A model answer's grades have no Enter default, and its hint does not offer one."""
    reveal = Message(kind=Kind.REVEAL, title="Model answer", buttons=(Button("Again", "g:1"), Button("Good", "g:3")))
    assert enter_button(reveal) is None
    assert "Enter" not in as_text(reveal, 80)


def test_enter_presses_the_first_button_elsewhere() -> None:
    """On other messages Enter presses the first button, and the hint says so."""
    feedback = Message(kind=Kind.FEEDBACK, title="Correct", buttons=(Button("Next question", "n"),))
    assert enter_button(feedback) == feedback.buttons[0]
    assert "press Enter for “Next question”" in as_text(feedback, 80)


def test_generic_type_names_keep_their_angle_brackets() -> None:
    """`Span<T>` in prose is text, not an HTML tag the terminal would drop."""
    text = as_text(Message(kind=Kind.INFO, title="Topics", body="3. Span<T> and Memory<T>: zero-copy code"))
    assert "Span<T> and Memory<T>" in text


def test_buttons_are_numbered() -> None:
    """Buttons are pressed by number, shown beside each label."""
    message = Message(kind=Kind.STREAK, title="Streak", buttons=(Button("Quiz me", "q"), Button("Stats", "s")))
    assert button_keys(message) == ("1", "2")
    assert "[1] Quiz me  [2] Stats   (type the number, or press Enter for “Quiz me”)" in as_text(message)


def test_a_quiz_is_answered_by_its_letters() -> None:
    """A quiz's buttons are its choices' letters, and the hint offers the numbers too."""
    quiz = Message(
        kind=Kind.QUIZ,
        title="Quiz",
        choices=(Choice("A", "yes"), Choice("B", "no")),
        buttons=(Button("A", "a:0"), Button("B", "a:1")),
    )
    assert button_keys(quiz) == ("A", "B")
    assert "Answer with A/B (or 1-2)." in as_text(quiz)


def test_buttons_of_a_topic_list_are_lettered() -> None:
    """Where numbers are topics (the syllabus), buttons get letters and the hint says what a number does."""
    syllabus = Message(kind=Kind.TOPICS, title="Topics", body="- 1. Stack", buttons=(Button("Next up", "l"),))
    assert numbers_are_topics(syllabus)
    assert button_keys(syllabus) == ("a",)
    hint = "[a] Next up   (type the letter, or a topic's number to open it, or press Enter for “Next up”)"
    assert hint in as_text(syllabus, 120)


def test_letters_go_on_past_z() -> None:
    """A 27th button is `aa`, never a number."""
    many = Message(kind=Kind.TOPICS, title="Topics", buttons=tuple(Button(f"b{i}", f"x{i}") for i in range(28)))
    assert button_keys(many)[24:] == ("y", "z", "aa", "ab")


def test_topics_offered_by_number_are_a_topic_list() -> None:
    """Buttons named after numbered topics ("6. ValueTask vs Task") make a number mean that topic."""
    offered = (Button("6. ValueTask", "l:6"), Button("7. WhenAll", "l:7"))
    offer = Message(kind=Kind.ERROR, title="Which one?", buttons=offered)
    assert numbers_are_topics(offer)
    assert topic_button(offer, "7") == offer.buttons[1]
    assert topic_button(offer, "007") == offer.buttons[1]
    assert topic_button(offer, "8") is None


def test_a_button_that_names_no_topic_keeps_numbers_for_buttons() -> None:
    """One button that is not a numbered topic is enough for numbers to press buttons again."""
    mixed = Message(kind=Kind.FEEDBACK, title="Correct", buttons=(Button("6. ValueTask", "l:6"), Button("Next", "n")))
    assert not numbers_are_topics(mixed)
    assert button_keys(mixed) == ("1", "2")


def test_a_channel_mention_is_shown_as_its_name() -> None:
    """The core's channel mention reads `#name` in the terminal, or `#id` when the name is unknown."""
    text = as_text(Message(kind=Kind.INFO, title="t", body=f"Drops in {channel_mention('C1', 'team')} and "
                                                          f"{channel_mention('C2', '')}."))
    assert "Drops in #team and #C2." in text
