"""Files that come with a console reply: exports never over another file; a picture replaces its last one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from adapters.console.files import save
from bot.messages import Attachment


def attachment(name: str = "my-data.json", data: bytes = b"{}") -> Attachment:
    """A JSON attachment."""
    return Attachment(name, data, "application/json", "data")


def test_a_file_is_saved_with_its_bytes_in_a_new_folder(tmp_path: Path) -> None:
    """The folder is made, and the file holds exactly the attachment's bytes."""
    [path] = save([attachment(data=b'{"a": 1}')], tmp_path / "exports")
    assert path == tmp_path / "exports" / "my-data.json"
    assert path.read_bytes() == b'{"a": 1}'


def test_a_saved_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """A learner's data is not left readable by other users of the machine."""
    [path] = save([attachment()], tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_second_file_of_the_same_name_gets_a_number(tmp_path: Path) -> None:
    """Exporting twice keeps both files."""
    first = save([attachment(data=b"1")], tmp_path)
    second = save([attachment(data=b"2")], tmp_path)
    assert [p.name for p in first + second] == ["my-data.json", "my-data-2.json"]
    assert (tmp_path / "my-data.json").read_bytes() == b"1"


def test_a_picture_replaces_the_last_one_of_its_name(tmp_path: Path) -> None:
    """A progress card shows the data as it is now: the new one takes the old one's place, nothing piles up."""
    first = save([Attachment("progress-card.png", b"old", "image/png", "card")], tmp_path)
    second = save([Attachment("progress-card.png", b"new", "image/png", "card")], tmp_path)
    assert first == second == [tmp_path / "progress-card.png"]
    assert second[0].read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress-card.png"]


@pytest.mark.parametrize("name", ["../escape.json", "a/b.json", ".hidden", "", "a\\\\b.json"])
def test_an_attachment_needs_a_plain_file_name(name: str) -> None:
    """A name with folders in it (or none at all) is refused where the attachment is made."""
    with pytest.raises(ValueError, match="not a plain file name"):
        attachment(name)
