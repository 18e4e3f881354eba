"""docker-compose.yml and the Dockerfile as an operator uses them (no Docker engine needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import cli

ROOT = Path(__file__).resolve().parents[2]


def bot_service() -> dict[str, Any]:
    """The `bot` service of docker-compose.yml."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service: dict[str, Any] = compose["services"]["bot"]
    return service


def dockerfile(instruction: str) -> str:
    """The arguments of the last `instruction` of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith(instruction + " ")]
    return lines[-1].removeprefix(instruction + " ")


def test_compose_needs_no_env_file() -> None:
    """`.env` is optional for compose, so `docker compose config` and `up` work before it is copied."""
    assert bot_service()["env_file"] == [{"path": ".env", "required": False}]


def test_bot_data_lives_in_a_named_volume_at_data() -> None:
    """The bot's data dir is /data whatever .env says, and /data is a named volume."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["environment"]["STUDYBOT_DATA_DIR"] == "/data"
    [volume] = [v for v in bot["volumes"] if v.endswith(":/data")]
    assert volume.split(":")[0] in compose["volumes"]


def test_health_port_is_published() -> None:
    """The port the image serves /healthz on is published by compose."""
    assert "STUDYBOT_HEALTH_PORT=8080" in dockerfile("ENV")
    assert any(str(port).endswith(":8080") for port in bot_service()["ports"])


def test_an_unconfigured_container_stays_down() -> None:
    """The container runs `studybot run`, which exits 0 with no platform, and compose restarts only failures."""
    assert json.loads(dockerfile("ENTRYPOINT")) == ["studybot"]
    assert json.loads(dockerfile("CMD")) == ["run"]
    assert cli.NOTHING_TO_RUN == 0
    assert bot_service()["restart"] == "on-failure"


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_documented_compose_commands_fit_the_entry_point(doc: Path) -> None:
    """`docker compose run --rm bot X` in the docs names a studybot subcommand (the entry point is `studybot`)."""
    subcommands = set(next(a for a in cli._parser()._actions if a.dest == "command").choices or ())
    for word in re.findall(r"docker compose run (?:--rm )?bot ([\w-]+)", doc.read_text(encoding="utf-8")):
        assert word in subcommands, f"{doc.name}: `docker compose run --rm bot {word}`"
