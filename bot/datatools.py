"""`studybot export` and `studybot forget`: operators' tools for a workspace's data and deletion requests."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.bootstrap import build
from bot.settings import Settings
from bot.store.privacy import ANSWER_COLUMNS, LEARNER_COLUMNS
from bot.usecases import privacy
from bot.usecases.context import utc_now

Ask = Callable[[str], str]
"""How the tool asks for a confirmation (`input`, in a terminal)."""


def _safe(text: str) -> str:
    """A platform id as part of a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:64] or "_"


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """Rows as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_export(data: privacy.WorkspaceData, fmt: str, folder: Path, stamp: str) -> list[Path]:
    """Write one workspace's data into `folder`: one JSON file, or a CSV of answers and one of learners."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"studybot-{_safe(data.platform)}-{_safe(data.workspace)}-{stamp}"
    if fmt == "json":
        path = folder / f"{stem}.json"
        document = {"platform": data.platform, "workspace": data.workspace, "learners": data.learners,
                    "answers": data.answers}
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        return [path]
    answers, learners = folder / f"{stem}-answers.csv", folder / f"{stem}-learners.csv"
    answers.write_text(_csv(data.answers, ANSWER_COLUMNS), encoding="utf-8")
    learners.write_text(_csv(data.learners, LEARNER_COLUMNS), encoding="utf-8")
    return [answers, learners]


async def export(settings: Settings, workspace: str, platform: str | None, fmt: str, out: Path | None) -> int:
    """Export a workspace's answers and per-learner stats into files; print where they are."""
    runtime = await build(settings)
    try:
        found = await privacy.workspace_data(runtime.core, workspace, platform)
    finally:
        await runtime.close()
    if not found:
        where = f" on {platform}" if platform else ""
        print(f"studybot: no workspace {workspace!r}{where} has any data")
        return 1
    folder = out or settings.data_dir / "exports"
    stamp = f"{utc_now():%Y-%m-%d-%H%M%S}"
    for data in found:
        paths = write_export(data, fmt, folder, stamp)
        print(f"{data.platform} workspace {data.workspace}: {len(data.learners)} learners, "
              f"{len(data.answers)} answers")
        for path in paths:
            print(f"  {path}")
    return 0


async def forget(settings: Settings, platform: str, user: str, workspace: str | None, *, yes: bool,
                 ask: Ask = input) -> int:
    """Delete a learner's data after a confirmation (unless `yes`); print what was deleted."""
    runtime = await build(settings)
    try:
        found = await privacy.find_learner(runtime.core, platform, user, workspace)
        if not found:
            where = f" in workspace {workspace}" if workspace else ""
            print(f"studybot: no {platform} learner {user!r}{where} has any data; nothing to delete")
            return 1
        places = ", ".join(learner.workspace for learner in found)
        print(f"{platform} learner {user} has data in {len(found)} workspace(s): {places}")
        if not yes:
            try:
                answer = ask("Delete everything StudyBot keeps about them there? Type 'yes' to confirm: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                print("Nothing was deleted.")
                return 1
        for done in await privacy.forget(runtime.core, platform, user, workspace):
            print(f"deleted in {platform} workspace {done.learner.workspace}: {privacy.counted(done.deleted)}")
    finally:
        await runtime.close()
    return 0
