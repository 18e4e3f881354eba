"""Files that come with a console reply: saved under their own name, never over another file."""

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


@pytest.mark.parametrize("name", ["../escape.json", "a/b.json", ".hidden", "", "a\\\\b.json"])
def test_an_attachment_needs_a_plain_file_name(name: str) -> None:
    """A name with folders in it (or none at all) is refused where the attachment is made."""
    with pytest.raises(ValueError, match="not a plain file name"):
        attachment(name)
