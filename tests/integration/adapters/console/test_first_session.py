"""A learner's first session in the console, step by step, as the screen shows it."""

from __future__ import annotations

from tests.console_driver import ConsoleDriver
from tests.integration.adapters.console.conftest import MakeConsole

FIRST_QUESTION = "Quiz · The CLR Deep Dive: Stack, Heap, and Garbage Collection (GC)"


async def test_a_quiz_question_shows_its_choices_and_how_to_answer(console: ConsoleDriver) -> None:
    """`/study quiz` shows the question, its four lettered choices and the answer keys."""
    reply = await console.push("/study quiz")
    assert reply.startswith(f"╭─ {FIRST_QUESTION} ─")
    for letter in "ABCD":
        assert f"│ {letter}. " in reply
    assert "Answer with A/B/C/D (or 1-4)." in reply
    assert "Topic 1/30 · Memory Management & Performance · difficulty ●○○" in reply


async def test_a_wrong_letter_gets_the_right_answer_and_why(console: ConsoleDriver) -> None:
    """Answering `b` names the right answer, explains it, repeats the learner's answer and offers the next."""
    await console.push("/study quiz")
    reply = await console.push("b")
    assert reply.startswith("╭─ ❌ Not quite: the answer is C ─")
    assert "│ C. Inside the Invoice object's own memory on the managed heap" in reply
    assert "│ Your answer" in reply
    assert "│ B. In a separate box on the heap that the object points to" in reply
    assert "Points: 0 (+0)   Streak: 1 day" in reply
    assert "[1] Next question   (type the number, or press Enter for “Next question”)" in reply


async def test_the_right_letter_earns_points(console: ConsoleDriver) -> None:
    """Answering `c` is correct and earns the first points."""
    await console.push("/study quiz")
    reply = await console.push("c")
    assert reply.startswith("╭─ ✅ Correct! ")
    assert "Points: 10 (+10)" in reply


async def test_next_after_an_answer_is_another_question(console: ConsoleDriver) -> None:
    """Enter after the feedback brings a different question."""
    await console.push("/study quiz")
    first = await console.push("b")
    following = await console.push("")
    assert following.startswith("╭─ Quiz · ")
    assert "Where is the value of LineCount stored?" not in following
    assert "LineCount" in first


async def test_an_interview_question_asks_to_think_then_reveal(console: ConsoleDriver) -> None:
    """`/study interview` asks an open question with one button: reveal the model answer."""
    reply = await console.push("/study interview")
    assert reply.startswith("╭─ Interview · The CLR Deep Dive")
    assert "Think it through (or say it out loud), then reveal the model answer." in reply
    assert "[1] Reveal model answer   (type the number, or press Enter for “Reveal model" in reply


async def test_the_model_answer_asks_for_a_grade(console: ConsoleDriver) -> None:
    """The model answer lists the points a good answer makes and four grades, with no Enter default."""
    await console.push("/study interview")
    reply = await console.push("1")
    assert "│ A good answer makes these points" in reply
    assert "[1] Again  [2] Hard  [3] Good  [4] Easy   (type the number)" in reply
    assert "How well did you do? Your grade decides when this question comes back." in reply


async def test_a_grade_earns_points_and_offers_more(console: ConsoleDriver) -> None:
    """Grading `3` (Good) earns points, starts the streak and offers another question or a quiz."""
    await console.push("/study interview")
    await console.push("1")
    reply = await console.push("3")
    assert reply.startswith("╭─ Graded: Good ─")
    assert "Points: 5 (+5)   Streak: 1 day" in reply
    assert "[1] Another interview question  [2] Quiz me" in reply


async def test_a_lesson_by_number(console: ConsoleDriver) -> None:
    """`/study lesson 3` opens topic 3 with its key points, links and practice buttons."""
    reply = await console.push("/study lesson 3")
    assert reply.startswith("╭─ Span<T> and Memory<T>: Zero-copy high-performance code ─")
    assert "│ Key points" in reply
    assert "│ Read more" in reply
    assert "https://learn.microsoft.com/en-us/dotnet/standard/memory-and-spans/" in reply
    assert "[1] Quiz me on this  [2] Interview question" in reply
    assert "Topic 3/30 · Memory Management & Performance" in reply


async def test_a_lesson_by_words_of_its_title(console: ConsoleDriver) -> None:
    """`/study lesson span` finds Span<T> and Memory<T>, angle brackets and all."""
    assert (await console.push("/study lesson span")).startswith("╭─ Span<T> and Memory<T>")


async def test_quiz_me_on_a_lesson_quizzes_that_topic(console: ConsoleDriver) -> None:
    """Enter under a lesson presses "Quiz me on this": a question of that very topic."""
    await console.push("/study lesson 3")
    reply = await console.push("")
    assert reply.startswith("╭─ Quiz · Span<T> and Memory<T>")
    assert "Topic 3/30" in reply


async def test_the_syllabus_lists_every_topic_with_progress(console: ConsoleDriver) -> None:
    """`/study topics` numbers all 30 topics by section, with what was practised."""
    reply = await console.push("/study topics")
    assert "You have practised 0 of 30 topics." in reply
    assert "Memory Management & Performance (0/4 practised)" in reply
    assert "○ 1. The CLR Deep Dive" in reply
    assert "○ 30. Case Study: Solving Memory Leaks and CPU Spikes in Production" in reply
    assert "[a] Next up: 1. The CLR Deep Dive  [b] 1-4 · Memory Management" in reply


async def test_the_syllabus_marks_a_practised_topic(console: ConsoleDriver) -> None:
    """After one answer, its topic is marked practised, with its score."""
    await console.push("/study quiz")
    await console.push("C")
    reply = await console.push("/study topics")
    assert "You have practised 1 of 30 topics." in reply
    assert "● 1. The CLR Deep Dive: Stack, Heap, and Garbage Collection (GC) · 1/6" in reply


async def test_the_streak_after_a_first_answer(console: ConsoleDriver) -> None:
    """One answer today starts a streak of one day."""
    await console.push("/study quiz")
    await console.push("C")
    reply = await console.push("/study streak")
    assert reply.startswith("╭─ 🔥 Streak: 1 day ─")
    assert "You've studied today. Come back tomorrow to keep it going!" in reply


async def test_stats_after_a_first_answer(console: ConsoleDriver) -> None:
    """`/study stats` counts the answer, its accuracy and the topic practised."""
    await console.push("/study quiz")
    await console.push("C")
    reply = await console.push("/study stats")
    assert "Memory Management & Performance: 100% (1/1 right)" in reply
    assert "Accuracy: 100% of 1 answer" in reply
    assert "▱▱▱▱▱▱▱▱▱▱ 1/30" in reply


async def test_the_leaderboard_lists_the_learner(console: ConsoleDriver) -> None:
    """After an answer the week's board lists ada, marked as you."""
    await console.push("/study quiz")
    await console.push("C")
    reply = await console.push("/study leaderboard")
    assert reply.startswith("╭─ 🏆 Leaderboard · this week ─")
    assert "🥇 ada: 10 pts (1 right answer) ← you" in reply


async def test_the_month_board_talks_of_months(console: ConsoleDriver) -> None:
    """`/study leaderboard month` explains calendar months, in plain text."""
    reply = await console.push("/study leaderboard month")
    board = reply.split("Leaderboard · this month")[1]
    assert "Months follow the calendar in" in board
    assert "Weeks start on Monday" not in board
    assert "`" not in board


async def test_a_name_with_markup_and_escapes_is_listed_as_typed(make_console: MakeConsole) -> None:
    """On the leaderboard a name like `␛[31m[/bogus]` is plain text: no escape, no markup."""
    console = make_console("\x1b[31m[/bogus]", height=1_000)
    await console.start()
    await console.push("/study quiz")
    await console.push("C")
    reply = await console.push("/study leaderboard")
    assert "␛[31m[/bogus]: 10 pts" in reply
    assert "\x1b" not in reply
