"""Importing CSV files of quiz questions or cards; every error names its row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.csv_import import import_csv
from bot.content.drafts import write_pack
from bot.content.loader import load_course

QUIZ_HEADER = "topic,prompt,choice_a,choice_b,choice_c,choice_d,answer,explanation,difficulty"
GOOD_QUIZ = "Memory,What does the GC collect?,Objects nothing refers to,Locals,Threads,Files,A,It frees them.,2"


def write(tmp_path: Path, *lines: str, name: str = "team.csv") -> Path:
    """A CSV file of `lines`."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    """The problems of an import that must fail."""
    result = import_csv(path)
    assert result.pack is None
    return [str(p) for p in result.problems]


def test_quiz_layout_becomes_a_quiz_pack(tmp_path: Path) -> None:
    """Rows of the quiz layout become quiz questions grouped by topic, in a pack that validates."""
    path = write(tmp_path, QUIZ_HEADER, GOOD_QUIZ, GOOD_QUIZ.replace("Memory", "Async").replace(",A,", ",d,"))
    result = import_csv(path)
    assert result.pack is not None
    folder, loaded = write_pack(result.pack, tmp_path / "content")
    course = load_course(folder, strict=True).course
    assert course is not None
    assert loaded.issues == []
    assert course.requires == ("quiz",)
    assert [(t.title, [(q.id, q.answer, q.difficulty) for q in t.quiz]) for t in course.topics] == [
        ("Memory", [("memory.q1", 0, 2)]), ("Async", [("async.q1", 3, 2)])]


def test_cards_layout_becomes_a_card_pack(tmp_path: Path) -> None:
    """Rows of the cards layout (any column order, an id column, quoted cells) become cards."""
    path = write(tmp_path, "Front,Back,Topic,id", '"Two\nlines",back,Words,w.one', "hola,hello,Words,")
    result = import_csv(path)
    assert result.pack is not None
    assert [(c.id, c.front, c.back) for c in result.pack.topics[0].cards] == [
        ("w.one", "Two\nlines", "back"), ("words.c2", "hola", "hello")]


def test_semicolons_and_a_bom_are_read(tmp_path: Path) -> None:
    """A spreadsheet saved with semicolons and a byte-order mark imports the same."""
    path = tmp_path / "excel.csv"
    path.write_text("\ufefftopic;front;back\nT;f;b\n", encoding="utf-8")
    result = import_csv(path)
    assert result.pack is not None
    assert result.pack.topics[0].cards[0].front == "f"


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (GOOD_QUIZ.replace(",A,", ",E,"), "team.csv: row 2, column answer: 'E' is not one of A, B, C, D"),
        (GOOD_QUIZ.replace(",2", ",4"), "team.csv: row 2, column difficulty: '4' is not 1, 2 or 3"),
        (GOOD_QUIZ.replace(",Locals,", ",,"), "team.csv: row 2, column choice_b: is empty"),
        (GOOD_QUIZ.replace(",Threads,", ",Locals,"), "team.csv: row 2, column choice_c: duplicate choice 'Locals'"),
        (GOOD_QUIZ.replace("What does the GC collect?", ""), "team.csv: row 2, column prompt: is empty"),
        (GOOD_QUIZ.replace("It frees them.", ""), "team.csv: row 2, column explanation: is empty"),
        (GOOD_QUIZ.replace("Memory", ""), "team.csv: row 2, column topic: is empty"),
        (GOOD_QUIZ.replace(",Files,", f",{'x' * 201},"),
         "team.csv: row 2, column choice_d: String should have at most 200 characters"),
        (GOOD_QUIZ + ",extra", "team.csv: row 2: it has 10 cells but the header has 9 columns"),
    ],
)
def test_bad_quiz_cell_is_named_by_row_and_column(tmp_path: Path, row: str, error: str) -> None:
    """Each kind of bad cell is reported with its row and column, and nothing is imported."""
    assert errors(write(tmp_path, QUIZ_HEADER, GOOD_QUIZ, row.replace("Memory,", "Memory,", 1))) == [
        error.replace("row 2", "row 3")]


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    """All the errors of a file come at once, each with its own row."""
    path = write(tmp_path, "topic,front,back", "T,,b", "T,f,b", ",f,", "T,f,")
    assert errors(path) == [
        "team.csv: row 2, column front: is empty",
        "team.csv: row 4, column topic: is empty",
        "team.csv: row 5, column back: is empty",
    ]


def test_bad_and_repeated_ids_are_named(tmp_path: Path) -> None:
    """An id that is not one, or that an earlier row uses, is named with its row."""
    path = write(tmp_path, "topic,front,back,id", "T,f,b,Not An Id", "T,f,b,same", "T,f,b,same")
    assert errors(path) == [
        "team.csv: row 2, column id: is not an id (lower-case letters, digits, dots and hyphens)",
        "team.csv: row 4, column id: 'same' is used by an earlier row",
    ]


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("topic,front,back,colour", "team.csv: row 1, column 4 (colour): unknown column; the cards layout has "
                                    "topic, front, back (and optionally id)"),
        ("topic,front", "team.csv: row 1, column back: missing column; the cards layout needs topic, front, back"),
        ("topic,front,back,front", "team.csv: row 1, column front: the column appears twice"),
        ("topic,prompt,choice_a,choice_b,choice_c,answer,explanation,difficulty",
         "team.csv: row 1, column choice_d: missing column; the quiz layout needs topic, prompt, choice_a, "
         "choice_b, choice_c, choice_d, answer, explanation, difficulty"),
    ],
)
def test_bad_header_is_named(tmp_path: Path, header: str, error: str) -> None:
    """Unknown, missing and repeated columns are named in row 1."""
    assert errors(write(tmp_path, header, "T,f,b")) == [error]


def test_empty_files_are_refused(tmp_path: Path) -> None:
    """A file with no header, or a header and no rows, says what it lacks."""
    assert errors(write(tmp_path, "", name="empty.csv")) == [
        "empty.csv: row 1: the file is empty; it needs a header row naming its columns"]
    assert errors(write(tmp_path, "topic,front,back", name="bare.csv")) == [
        "bare.csv: row 2: the file has a header but no rows"]


def test_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    """A file that is not UTF-8 text gets a message, not a traceback."""
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00topic")
    assert errors(path)[0].startswith("binary.csv: cannot read the file:")
