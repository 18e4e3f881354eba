"""What a typed line does in the console: answers by letter, buttons by key, Enter, typos, topic numbers."""

from __future__ import annotations

import pytest

from bot.content.models import Course
from tests.console_driver import ConsoleDriver

QUIZ_HINT = "Answer with A-D, or type a /study command.\n"
GRADE_HINT = "Grade yourself with 1-4 (Again, Hard, Good, Easy), or type a /study command.\n"


@pytest.mark.parametrize("answer", ["C", "c", "c.", "3", "3)"])
async def test_a_quiz_is_answered_by_letter_or_number(console: ConsoleDriver, answer: str) -> None:
    """A choice is named by its letter in either case, or its number, with or without a dot."""
    await console.push("/study quiz")
    assert "✅ Correct!" in await console.push(answer)


@pytest.mark.parametrize("typo", ["E", "5", "banana", "quiz me"])
async def test_a_typo_with_a_quiz_open_gets_a_one_line_hint(console: ConsoleDriver, typo: str) -> None:
    """A letter, number or word that is no answer gets the one-line hint, not the help."""
    await console.push("/study quiz")
    assert await console.push(typo) == QUIZ_HINT


async def test_the_question_stays_open_after_a_typo(console: ConsoleDriver) -> None:
    """After a typo the next valid letter still answers the question."""
    await console.push("/study quiz")
    await console.push("E")
    assert "✅ Correct!" in await console.push("C")


async def test_an_unknown_subcommand_shows_the_help_and_keeps_the_question(console: ConsoleDriver) -> None:
    """`/study frobnicate` gets the full help; the quiz can still be answered afterwards."""
    await console.push("/study quiz")
    help_text = await console.push("/study frobnicate")
    assert "“frobnicate” is not a StudyBot command" in help_text
    assert "/study quiz [course] [topic]" in help_text
    assert "✅ Correct!" in await console.push("C")


async def test_enter_on_a_quiz_reminds_how_to_answer(console: ConsoleDriver) -> None:
    """A bare Enter with a question open answers nothing and repeats how to answer."""
    await console.push("/study quiz")
    assert await console.push("") == QUIZ_HINT
    assert "✅ Correct!" in await console.push("C")


async def test_enter_reveals_the_model_answer(console: ConsoleDriver) -> None:
    """On an interview question, Enter presses "Reveal model answer"."""
    await console.push("/study interview")
    assert "Model answer · " in await console.push("")


async def test_enter_never_grades_an_interview(console: ConsoleDriver) -> None:
    """On the grades, Enter only repeats them; nothing is graded until a number is typed."""
    await console.push("/study interview")
    await console.push("")
    assert await console.push("") == GRADE_HINT
    assert "Graded: Good" in await console.push("3")


async def test_a_stray_word_while_grading_keeps_the_grades(console: ConsoleDriver) -> None:
    """A word typed at the self-grade gets the hint and the grade buttons still work."""
    await console.push("/study interview")
    await console.push("1")
    assert await console.push("good enough") == GRADE_HINT
    assert "Graded: Easy" in await console.push("4")


async def test_a_grade_is_pressed_by_its_label(console: ConsoleDriver) -> None:
    """`hard` presses the Hard grade, as its number would."""
    await console.push("/study interview")
    await console.push("1")
    assert "Graded: Hard" in await console.push("hard")


async def test_enter_presses_the_next_question_after_feedback(console: ConsoleDriver) -> None:
    """After an answer, Enter presses the primary button: the next question."""
    await console.push("/study quiz")
    await console.push("C")
    assert "Quiz · " in await console.push("")


async def test_enter_after_another_command_presses_nothing(console: ConsoleDriver) -> None:
    """Enter only presses a button of the message just shown, not one scrolled away."""
    await console.push("/study quiz")
    await console.push("C")
    await console.push("/study help")
    assert await console.push("") == ""


async def test_a_button_stays_pressable_after_another_command(console: ConsoleDriver) -> None:
    """The latest message with buttons stays open: its number works after a command without buttons."""
    await console.push("/study quiz")
    await console.push("C")
    await console.push("/study help")
    assert "Quiz · " in await console.push("1")


async def test_a_bare_word_is_a_command_when_no_question_is_open(console: ConsoleDriver) -> None:
    """Without an open question, `streak` means `/study streak`."""
    assert "🔥 Streak: 0 days" in await console.push("streak")


async def test_an_unknown_bare_word_names_itself_and_shows_the_help(console: ConsoleDriver) -> None:
    """`quizz` is named as no command, above the list of what is."""
    reply = await console.push("quizz")
    assert reply.startswith("╭─ “quizz” is not a StudyBot command ─")
    assert "/study quiz [course] [topic]: Answer the question that's best for you now" in reply


async def test_a_topic_number_at_the_syllabus_opens_its_lesson(console: ConsoleDriver) -> None:
    """At `/study topics`, `3` opens topic 3's lesson instead of pressing the third button."""
    await console.push("/study topics")
    reply = await console.push("3")
    assert reply.startswith("╭─ Span<T> and Memory<T>: Zero-copy high-performance code ─")
    assert "Topic 3/30" in reply


async def test_a_topic_number_at_another_courses_syllabus_opens_its_topic(console: ConsoleDriver,
                                                                          second: Course) -> None:
    """At `/study topics web-apis`, `2` opens that course's topic 2, not the default course's."""
    await console.push(f"/study topics {second.id}")
    reply = await console.push("2")
    assert reply.startswith(f"╭─ {second.topics[1].title} ─")
    assert "Topic 2/4" in reply


async def test_a_letter_at_the_syllabus_presses_a_section(console: ConsoleDriver) -> None:
    """The syllabus's buttons go by letter: `c` opens the second section, topics 5-8."""
    await console.push("/study topics")
    reply = await console.push("c")
    assert reply.startswith("╭─ Advanced Asynchronous Programming ─")
    assert "Section 2/8 · topics 5-8" in reply


async def test_enter_at_the_syllabus_opens_the_next_topic(console: ConsoleDriver) -> None:
    """Enter presses "Next up", the first topic not practised yet."""
    await console.push("/study topics")
    assert (await console.push("")).startswith("╭─ The CLR Deep Dive: Stack, Heap, and Garbage Collection (GC) ─")


async def test_a_topic_number_in_a_section_opens_its_lesson(console: ConsoleDriver) -> None:
    """In a section, `6` opens topic 6, not the sixth button (Interview 6)."""
    await console.push("/study topics")
    await console.push("c")
    assert (await console.push("6")).startswith("╭─ ValueTask vs Task: Avoiding allocation in hot paths ─")


async def test_a_section_button_is_pressed_by_its_label(console: ConsoleDriver) -> None:
    """In a section, `quiz 7` presses the "Quiz 7" button."""
    await console.push("/study topics")
    await console.push("c")
    assert (await console.push("quiz 7")).startswith("╭─ Quiz · Task.WhenAll vs Parallel.ForEachAsync")


async def test_a_number_beyond_the_course_is_answered_politely(console: ConsoleDriver) -> None:
    """At the syllabus, `31` says there is no such topic and how to name one."""
    await console.push("/study topics")
    reply = await console.push("31")
    assert "There is no topic 31" in reply
    assert "Give a topic's number (1-30)" in reply


async def test_a_topic_number_among_suggestions_opens_that_topic(console: ConsoleDriver) -> None:
    """`/study lesson task` offers topics 6 and 7; `7` opens topic 7."""
    await console.push("/study lesson task")
    assert (await console.push("7")).startswith("╭─ Task.WhenAll vs Parallel.ForEachAsync: Concurrency at scale ─")


async def test_a_topic_number_among_quiz_suggestions_starts_its_quiz(console: ConsoleDriver) -> None:
    """`/study quiz task` offers topics 6 and 7 to quiz on; `6` starts the quiz of topic 6."""
    await console.push("/study quiz task")
    assert (await console.push("6")).startswith("╭─ Quiz · ValueTask vs Task")


async def test_commands_are_remembered_but_not_answers_or_typos(console: ConsoleDriver) -> None:
    """Only commands are worth recalling with the up arrow: not answers, typos or topic numbers."""
    for line in ("/study quiz", "banana", "C", "streak", "/study topics", "3"):
        await console.push(line)
    assert console.remembered == ["/study quiz", "streak", "/study topics"]
