"""Files that come with a message (a data export, a picture), saved in a folder of the data dir."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from bot.messages import Attachment

FILE_MODE = 0o600  # a learner's data: readable by the one who runs the console only


def save(attachments: Iterable[Attachment], folder: Path) -> list[Path]:
    """Write each file into `folder` (created if needed) under its own name.

    A data export never goes over an existing file (the next one is `name-2.json`); a picture is
    a view of the data as it is now, so it replaces the last one of its name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for attachment in attachments:
        target = folder / Path(attachment.filename).name
        picture = attachment.mime.startswith("image/")
        path = target.with_name(f".{target.name}.new") if picture else _free(target)
        path.unlink(missing_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(attachment.data)
        if picture:
            path = path.replace(target)
        saved.append(path)
    return saved


def _free(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`... when it is taken."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
