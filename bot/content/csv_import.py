"""A spreadsheet (CSV) as a new pack: multiple-choice questions, or cards, one a row.

Two layouts, told apart by their header row (column names in any order and case):

- quiz: `topic, prompt, choice_a, choice_b, choice_c, choice_d, answer, explanation, difficulty`
  (`answer` a letter A-D, `difficulty` 1-3)
- cards: `topic, front, back`

Both may add an `id` column for ids that stay put when rows move; without it ids are made of the
topic and the row's place in it. Rows are numbered as a spreadsheet shows them: the header is
row 1. A file with any error is not imported; every error names its row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.content.drafts import DraftPack, ImportProblem, ImportResult, slug, unique
from bot.content.loader import quiz_problems
from bot.content.schema import CardFile, CourseFile, QuizFile, SectionFile, TopicFile
from bot.text import shorten

CHOICES = ("choice_a", "choice_b", "choice_c", "choice_d")
LETTERS = "ABCD"
LAYOUTS: dict[str, tuple[str, ...]] = {
    "quiz": ("topic", "prompt", *CHOICES, "answer", "explanation", "difficulty"),
    "cards": ("topic", "front", "back"),
}
OPTIONAL = ("id",)
MAX_FILE_BYTES = 5_000_000
MESSAGES = {"string_too_short": "is empty", "string_pattern_mismatch": "is not an id (lower-case letters, digits, "
            "dots and hyphens)", "missing": "is missing"}


@dataclass
class _Row:
    """One data row: its spreadsheet number and its cells by column name."""

    number: int
    cells: dict[str, str]


class _Reader:
    """One CSV import: the rows of a file checked against its layout, every problem kept."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[ImportProblem] = []

    def problem(self, row: int, column: str | None, message: str) -> None:
        """Note an error at a row (and column)."""
        where = f"{self.name}: row {row}" + (f", column {column}" if column else "")
        self.problems.append(ImportProblem(where, message))

    def layout(self, header: list[str]) -> tuple[str, list[str]] | None:
        """The layout the header row names, and the columns in file order; None after noting why not."""
        columns = [h.strip().lower() for h in header]
        kind = "cards" if "front" in columns or "back" in columns else "quiz"
        wanted = LAYOUTS[kind]
        for c, column in enumerate(columns):
            if column not in (*wanted, *OPTIONAL):
                self.problem(1, f"{c + 1} ({header[c].strip() or 'empty'})",
                             f"unknown column; the {kind} layout has {', '.join(wanted)} (and optionally id)")
            elif column in columns[:c]:
                self.problem(1, column, "the column appears twice")
        for column in wanted:
            if column not in columns:
                self.problem(1, column, f"missing column; the {kind} layout needs {', '.join(wanted)}")
        return None if self.problems else (kind, columns)

    def rows(self, reader: Iterator[list[str]], columns: list[str]) -> Iterator[_Row]:
        """The non-empty data rows; a row with more cells than the header has columns is noted."""
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                self.problem(number, None, f"it has {len(cells)} cells but the header has {len(columns)} columns")
                continue
            yield _Row(number, {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)})

    def validated(self, row: _Row, schema: type[BaseModel], data: dict[str, Any], columns: dict[Any, str]) -> Any:
        """`data` as `schema`, or None after noting each field's problem at its column."""
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.problem(row.number, columns.get(loc, str(loc[0])), MESSAGES.get(err["type"], err["msg"]))
            return None


def _quiz(reader: _Reader, row: _Row, ident: str) -> QuizFile | None:
    """A quiz question from a row of the quiz layout; every wrong cell of the row is noted."""
    letter, difficulty = row.cells["answer"].upper(), row.cells["difficulty"]
    fine = True
    if len(letter) != 1 or letter not in LETTERS:
        reader.problem(row.number, "answer", f"{row.cells['answer']!r} is not one of A, B, C, D")
        fine = False
    if difficulty not in ("1", "2", "3"):
        reader.problem(row.number, "difficulty", f"{difficulty!r} is not 1, 2 or 3")
        fine = False
    data = {"id": ident, "prompt": row.cells["prompt"], "choices": [row.cells[c] for c in CHOICES],
            "answer": LETTERS.index(letter) if fine else 0, "explanation": row.cells["explanation"],
            "difficulty": int(difficulty) if fine else 1}
    columns: dict[Any, str] = {("choices", i): c for i, c in enumerate(CHOICES)}
    columns.update({("id",): "id", ("prompt",): "prompt", ("explanation",): "explanation"})
    question: QuizFile | None = reader.validated(row, QuizFile, data, columns)
    if question is None:
        return None
    problems = list(quiz_problems(question))
    for path, message in problems:
        reader.problem(row.number, CHOICES[int(path[1])] if path[0] == "choices" else "answer", message)
    return question if fine and not problems else None


def _card(reader: _Reader, row: _Row, ident: str) -> CardFile | None:
    """A card from a row of the cards layout."""
    data = {"id": ident, "front": row.cells["front"], "back": row.cells["back"]}
    card: CardFile | None = reader.validated(row, CardFile, data, {("id",): "id", ("front",): "front",
                                                                   ("back",): "back"})
    return card


def import_csv(path: Path, course_id: str | None = None) -> ImportResult:
    """The pack made of the CSV file at `path`, or None with every row and column that is wrong."""
    reader = _Reader(path.name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            reader.problem(1, None, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
            return ImportResult(None, reader.problems)
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return ImportResult(None, [ImportProblem(path.name, f"cannot read the file: {exc}")])
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    found = reader.layout(header) if header else None
    if not header:
        reader.problem(1, None, "the file is empty; it needs a header row naming its columns")
    if found is None:
        return ImportResult(None, reader.problems)
    kind, columns = found
    return _Pack(reader, kind, course_id or slug(path.stem, "imported"), path).build(reader.rows(rows, columns))


class _Pack:
    """The topics of a CSV import, in the order their first row comes."""

    def __init__(self, reader: _Reader, kind: str, course_id: str, path: Path) -> None:
        self.reader, self.kind, self.course_id, self.path = reader, kind, course_id, path
        self.topics: dict[str, tuple[str, list[Any]]] = {}  # title -> (topic id, items)
        self.ids: set[str] = set()

    def build(self, rows: Iterator[_Row]) -> ImportResult:
        """The draft pack, or None with the problems when any row is wrong."""
        for row in rows:
            self.add(row)
        if not self.topics and not self.reader.problems:
            self.reader.problem(2, None, "the file has a header but no rows")
        if self.reader.problems:
            return ImportResult(None, self.reader.problems)
        what = "question" if self.kind == "quiz" else "card"
        topics = tuple(
            TopicFile(id=tid, title=title,
                      summary=shorten(f"{len(items)} {what}{'' if len(items) == 1 else 's'} imported from "
                                      f"{self.path.name}.", 200),
                      **{self.kind: items})
            for title, (tid, items) in self.topics.items()
        )
        section = unique(slug(self.path.stem, "imported"), self.ids)
        course = CourseFile(id=self.course_id, title=self.path.stem, description=f"Imported from {self.path.name}.",
                            requires=[self.kind],
                            sections=[SectionFile(id=section, title=self.path.stem, topics=[t.id for t in topics])])
        return ImportResult(DraftPack(course, topics))

    def add(self, row: _Row) -> None:
        """The row's question or card, added to its topic."""
        title = row.cells["topic"]
        if not title:
            self.reader.problem(row.number, "topic", "is empty")
            return
        if title not in self.topics:
            self.topics[title] = (unique(slug(title, "topic"), self.ids), [])
        topic_id, items = self.topics[title]
        ident = row.cells.get("id") or f"{topic_id}.{'q' if self.kind == 'quiz' else 'c'}{len(items) + 1}"
        if ident in self.ids:
            self.reader.problem(row.number, "id", f"{ident!r} is used by an earlier row")
            return
        made = (_quiz if self.kind == "quiz" else _card)(self.reader, row, ident)
        if made is not None:
            self.ids.add(ident)
            items.append(made)
