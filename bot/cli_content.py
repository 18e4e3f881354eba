"""`studybot content ...`: check and describe packs, import Anki decks and spreadsheets, export to Anki."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bootstrap import build
from bot.content.catalogue import Catalogue, load_catalogue, pack_folders
from bot.content.loader import ContentError, LoadResult, load_course
from bot.content.reloading import WATCH_INTERVAL_S, describe, record_request
from bot.settings import Settings
from bot.usecases.context import utc_now

if TYPE_CHECKING:
    from bot.content.drafts import ImportResult

COURSE_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


def add_commands(content: argparse.ArgumentParser, command: Callable[..., argparse.ArgumentParser]) -> None:
    """The subcommands of `studybot content`; `command` makes one with examples in its --help."""
    csub = content.add_subparsers(dest="content_command", required=True)
    validate = command(
        csub, "validate", "check every pack of the content dir, or one pack, and report every problem",
        "studybot content validate", "studybot content validate --strict content/dotnet-architect",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings (incomplete topics) as errors")
    validate.add_argument("path", nargs="?", type=Path, help="one pack folder (default: every pack served)")
    stats = command(
        csub, "stats", "sections, topics and questions per topic", "studybot content stats",
        "studybot content stats --json content/dotnet-architect",
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.add_argument("path", nargs="?", type=Path, help="the pack folder (default: the default course)")
    command(csub, "reload", "check every pack, then have the running bot re-read them without a restart",
            "studybot content reload")
    _add_import(command(csub, "import", "make a new pack from an Anki deck or a CSV file",
                        "studybot content import anki Spanish.apkg", "studybot content import csv quiz.csv"), command)
    _add_export(command(csub, "export", "write a course to a file for another tool",
                        "studybot content export anki out.apkg"), command)


def _add_import(importer: argparse.ArgumentParser, command: Callable[..., argparse.ArgumentParser]) -> None:
    isub = importer.add_subparsers(dest="import_format", required=True)
    anki = command(isub, "anki", "make a new pack from an Anki package (.apkg): a topic per deck, a card per note",
                   "studybot content import anki Spanish.apkg --course spanish")
    csv_ = command(isub, "csv", "make a new pack from a CSV file of quiz questions or of cards (see docs/content.md)",
                   "studybot content import csv quiz.csv --course team-quiz")
    for each in (anki, csv_):
        each.add_argument("file", type=Path, help="the file to import")
        each.add_argument("--course", default=None, help="the new course's id (default: made of the file name)")
        each.add_argument("--out", type=Path, default=None,
                          help="where the pack's folder goes (default: the content dir)")


def _add_export(exporter: argparse.ArgumentParser, command: Callable[..., argparse.ArgumentParser]) -> None:
    esub = exporter.add_subparsers(dest="export_format", required=True)
    to_anki = command(esub, "anki", "write a course as an Anki package, to study it offline",
                      "studybot content export anki dotnet.apkg",
                      "studybot content export anki --course spanish spanish.apkg")
    to_anki.add_argument("out", type=Path, help="the .apkg file to write")
    to_anki.add_argument("--course", default=None,
                         help="the pack's folder in the content dir (default: the served course)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run a `studybot content` subcommand; the exit code."""
    if args.content_command == "import":
        return _import(args, settings)
    if args.content_command == "export":
        return _export(args, settings)
    if args.content_command == "reload":
        return _reload(settings)
    if args.content_command == "validate" and args.path is None:
        return _validate_all(settings, strict=args.strict)
    root = args.path or settings.course_dir
    result = load_course(root, strict=getattr(args, "strict", False))
    if args.content_command == "validate":
        return _validate(root, result)
    if result.course is None:
        for issue in result.errors:
            print(f"error: {issue}", file=sys.stderr)
        return 1
    return _stats(result, as_json=args.json)


def _validate(root: Path, result: LoadResult) -> int:
    for issue in result.issues:
        print(f"{issue.severity}: {issue}", file=sys.stderr if issue.severity == "error" else sys.stdout)
    if result.course is None:
        print(f"{root}: {len(result.errors)} error(s); the pack cannot be served.", file=sys.stderr)
        return 1
    course = result.course
    questions = sum(len(t.quiz) for t in course.topics)
    interviews = sum(len(t.interview) for t in course.topics)
    cards = sum(len(t.cards) for t in course.topics)
    print(
        f"{root}: OK · {len(course.sections)} sections, {len(course.topics)} topics, "
        f"{questions} quiz questions, {interviews} interview questions, {cards} cards, "
        f"{len(result.warnings)} warning(s)"
    )
    return 0


def _validate_all(settings: Settings, *, strict: bool) -> int:
    """Every pack of the content dir, then what serving them together needs (distinct ids, the default)."""
    folders = pack_folders(settings.content_dir)
    if not folders:
        print(f"error: {settings.content_dir}: no course pack (a folder with course.yaml)", file=sys.stderr)
        return 1
    failed = sum(_validate(folder, load_course(folder, strict=strict)) for folder in folders)
    if failed:
        print(f"{failed} of {len(folders)} pack(s) cannot be served; StudyBot would not start with them.",
              file=sys.stderr)
        return 1
    try:
        catalogue = load_catalogue(settings.content_dir, settings.course)
    except ContentError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        print("The packs cannot be served together; StudyBot would not start with them.", file=sys.stderr)
        return 1
    print(f"{_served(catalogue)}; the default is {catalogue.default_id}.")
    return 0


def _served(catalogue: Catalogue) -> str:
    """`2 courses valid (dotnet-architect: 30 topics, k8s: 12 topics)`."""
    return f"{len(catalogue)} course{'s' if len(catalogue) != 1 else ''} valid ({describe(catalogue)})"


def _reload(settings: Settings) -> int:
    """Validate the packs as the running bot would; if they are fine, record a reload request for it."""
    try:
        catalogue = load_catalogue(settings.content_dir, settings.course)
    except ContentError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        print("Nothing was reloaded: the running bot keeps its content. Fix the errors above and run "
              "`studybot content reload` again.", file=sys.stderr)
        return 1
    asyncio.run(_request_reload(settings))
    print(f"{_served(catalogue)}. Running StudyBot processes will re-read them within "
          f"{WATCH_INTERVAL_S:.0f} seconds.")
    return 0


async def _request_reload(settings: Settings) -> None:
    runtime = await build(settings)
    try:
        await record_request(runtime.core.sessions, utc_now().isoformat())
    finally:
        await runtime.close()


def _stats(result: LoadResult, *, as_json: bool) -> int:
    course = result.course
    assert course is not None
    rows: list[dict[str, Any]] = [
        {"section": s.id, "topic": t.id, "title": t.title, "quiz": len(t.quiz), "interview": len(t.interview),
         "cards": len(t.cards), "complete": course.is_complete(t)}
        for s in course.sections
        for t in (course.topic_by_id[i] for i in s.topic_ids)
    ]
    if as_json:
        summary = {"course": course.id, "title": course.title, "sections": len(course.sections), "topics": rows}
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{course.title} ({course.id}): {len(course.sections)} sections, {len(course.topics)} topics")
    for s in course.sections:
        print(f"\n{s.title}")
        for t in (course.topic_by_id[i] for i in s.topic_ids):
            mark = "" if course.is_complete(t) else "  (incomplete)"
            cards = f"  cards {len(t.cards)}" if t.cards else ""
            number = course.topic_number(t.id)
            print(f"  {number:>2}. {t.id:<45} quiz {len(t.quiz):>2}  interview {len(t.interview)}{cards}{mark}")
    total_q = sum(r["quiz"] for r in rows)
    total_i = sum(r["interview"] for r in rows)
    total_c = sum(r["cards"] for r in rows)
    print(f"\nTotal: {total_q} quiz questions, {total_i} interview questions, {total_c} cards")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    # The importers and the pack writer are loaded by the command that needs them, not by every start.
    from bot.content.anki.importer import import_anki
    from bot.content.anki.package import PackageError
    from bot.content.csv_import import import_csv
    from bot.content.drafts import PackExistsError, write_pack

    if args.course is not None and not COURSE_ID.match(args.course):
        print(f"studybot: --course {args.course!r} is not an id: use lower-case letters, digits, dots and "
              "hyphens, at most 64 characters, e.g. spanish-verbs", file=sys.stderr)
        return 2
    try:
        result: ImportResult = (import_anki if args.import_format == "anki" else import_csv)(args.file, args.course)
    except PackageError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr if result.pack is None else sys.stdout)
    if result.pack is None:
        print(f"{args.file}: nothing was imported.", file=sys.stderr)
        return 1
    try:
        folder, loaded = write_pack(result.pack, args.out or settings.content_dir)
    except (PackExistsError, OSError) as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 1
    if loaded.course is None:  # the importers make only what the schema takes, so this is a bug
        for issue in loaded.errors:
            print(f"error: {issue}", file=sys.stderr)
        return 1
    skipped = sum(1 for p in result.problems if p.severity == "error")
    left = f"; {skipped} not imported (see above)" if skipped else ""
    print(f"Wrote {folder}: {result.pack.counts}{left}. Serve it with STUDYBOT_COURSE={folder.name}.")
    if settings.course is None and folder.parent == settings.content_dir and settings.course_dir == folder:
        print(f"Note: STUDYBOT_COURSE is not set, so StudyBot now serves the first pack by name, {folder.name}. "
              "Set STUDYBOT_COURSE to keep serving another one.")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.anki.exporter import export_anki

    root = settings.content_dir / args.course if args.course else settings.course_dir
    result = load_course(root)
    if result.course is None:
        for issue in result.errors or []:
            print(f"error: {issue}", file=sys.stderr)
        print(f"studybot: {root} cannot be exported: it is not a pack that validates.", file=sys.stderr)
        return 1
    try:
        exported = export_anki(result.course, args.out)
    except OSError as exc:
        print(f"studybot: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {args.out}: {exported.notes} notes in {exported.decks} decks. Open it in Anki to study offline.")
    return 0
