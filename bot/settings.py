"""Settings from the environment (and a `.env` file), validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import pydantic_settings
from pydantic import BaseModel, BeforeValidator, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.periods import is_timezone
from bot.store.db import DatabaseURLError, async_url, sqlite_url_for

REPO_ROOT = Path(__file__).resolve().parent.parent
DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
SLACK_API_URL = "https://slack.com/api/"


def default_content_dir() -> Path:
    """`content/` of the source checkout, else `content/` in the working directory."""
    beside = REPO_ROOT / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"


def _text(value: Any) -> Any:
    """A text value stripped of spaces, None when nothing is left (other values as they are)."""
    return (value.strip() or None) if isinstance(value, str) else value


Secret = Annotated[SecretStr | None, BeforeValidator(_text)]
"""A token or secret; blank means unset."""


def _whole_number(name: str, value: Any) -> int | None:
    """`value` as an int, naming the setting and what it got when it is not a whole number."""
    value = _text(value)
    try:
        return None if value is None else int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


class DiscordSettings(BaseModel):
    """The DISCORD_* settings: the bot token, where to connect and which shards this process runs."""

    token: Secret = None
    api_url: str = DISCORD_API_URL
    gateway_url: str = DISCORD_GATEWAY_URL
    shard_count: int | None = None
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None  # `0,1`, not JSON
    application_id: int | None = None

    @property
    def custom_gateway(self) -> bool:
        """Whether the gateway URL was overridden (a Discord-compatible server or a stand-in)."""
        return self.gateway_url != DISCORD_GATEWAY_URL

    @field_validator("api_url", mode="before")
    @classmethod
    def _api_url(cls, value: Any) -> str:
        api = str(_text(value) or DISCORD_API_URL).rstrip("/")
        url = urlsplit(api)
        if url.username is not None:
            raise ValueError("DISCORD_API_URL must not hold a user name or password (the bot token is the login)")
        if not api.startswith(("http://", "https://")):
            raise ValueError(f"DISCORD_API_URL must start with http:// or https://, not {api!r}")
        return api if "/api" in url.path else api + "/api/v10"

    @field_validator("gateway_url", mode="before")
    @classmethod
    def _gateway_url(cls, value: Any) -> str:
        gateway = str(_text(value) or DISCORD_GATEWAY_URL)
        if not gateway.startswith(("ws://", "wss://")):
            raise ValueError(f"DISCORD_GATEWAY_URL must start with ws:// or wss://, not {gateway!r}")
        return gateway

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: Any) -> int | None:
        count = _whole_number("DISCORD_SHARD_COUNT", value)
        if count is not None and count < 1:
            raise ValueError("DISCORD_SHARD_COUNT must be at least 1")
        return count

    @field_validator("application_id", mode="before")
    @classmethod
    def _application_id(cls, value: Any) -> int | None:
        return _whole_number("DISCORD_APPLICATION_ID", value)

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: Any) -> Any:
        raw = _text(value)
        if not isinstance(raw, str):
            return raw
        try:
            return tuple(sorted({int(part) for part in raw.replace(" ", ",").split(",") if part}))
        except ValueError:
            raise ValueError(
                f"DISCORD_SHARD_IDS must be a comma-separated list of shard numbers, not {raw!r}") from None

    @model_validator(mode="after")
    def _shards_within_count(self) -> DiscordSettings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total across all processes)")
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad:
                raise ValueError(f"DISCORD_SHARD_IDS must lie in 0..{self.shard_count - 1}; got {bad}")
        return self


class SlackSettings(BaseModel):
    """The SLACK_* settings: tokens, the connection mode and where Slack's Web API lives."""

    bot_token: Secret = None
    app_token: Secret = None
    signing_secret: Secret = None
    http_port: int | None = None
    http_host: str = "0.0.0.0"
    api_url: str = SLACK_API_URL

    @field_validator("http_host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> Any:
        return _text(value) or "0.0.0.0"

    @field_validator("api_url", mode="before")
    @classmethod
    def _api_url(cls, value: Any) -> str:
        """The Web API base URL, ending in `/` as slack_sdk expects."""
        url = str(_text(value) or SLACK_API_URL)
        return url if url.endswith("/") else url + "/"

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set (no public URL needed)."""
        return self.app_token is not None

    @property
    def wanted(self) -> bool:
        """Whether any token, secret or port for Slack is set."""
        return any(v is not None for v in (self.bot_token, self.app_token, self.signing_secret, self.http_port))

    @property
    def problem(self) -> str | None:
        """What keeps Slack from running with these settings, for the operator (None when nothing does)."""
        if self.bot_token is None:
            return "Slack is half configured: set SLACK_BOT_TOKEN (the xoxb- bot token) as well"
        if not self.socket_mode and not (self.signing_secret and self.http_port):
            return ("Slack is half configured: set SLACK_APP_TOKEN for Socket Mode, or both SLACK_SIGNING_SECRET "
                    "and SLACK_HTTP_PORT for HTTP mode")
        return None


class Settings(BaseSettings):
    """Every setting of StudyBot; see docs/operations.md, docs/discord.md and docs/slack.md."""

    # An empty value (`SLACK_HTTP_PORT=` in a copy of .env.example) means unset, for every setting.
    # DISCORD_API_URL is `discord.api_url`: the name up to the first `_` picks the group.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True,
        env_nested_delimiter="_", env_nested_max_split=1,
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), validation_alias="STUDYBOT_DATA_DIR")
    content_dir: Path = Field(default_factory=default_content_dir, validation_alias="STUDYBOT_CONTENT_DIR")
    course: str | None = Field(default=None, validation_alias="STUDYBOT_COURSE")
    timezone: str = Field(default="UTC", validation_alias="STUDYBOT_TIMEZONE")
    admins: str = Field(default="", validation_alias="STUDYBOT_ADMINS")
    log_level: str = Field(default="INFO", validation_alias="STUDYBOT_LOG_LEVEL")
    health_port: int | None = Field(default=None, validation_alias="STUDYBOT_HEALTH_PORT")
    health_host: str = Field(default="0.0.0.0", validation_alias="STUDYBOT_HEALTH_HOST")
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not is_timezone(value):
            raise ValueError(f"{value!r} is not an IANA timezone such as Europe/Berlin")
        return value

    @field_validator("database_url")
    @classmethod
    def _usable_url(cls, value: str | None) -> str | None:
        if value:
            try:
                async_url(value)
            except DatabaseURLError as exc:
                raise ValueError(str(exc)) from exc
        return value or None

    @property
    def db_url(self) -> str:
        """DATABASE_URL, or a SQLite file in the data directory."""
        return self.database_url or sqlite_url_for(self.data_dir)

    @property
    def admin_ids(self) -> frozenset[str]:
        """Platform user ids that are admins everywhere (STUDYBOT_ADMINS, comma-separated)."""
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())

    @property
    def course_dir(self) -> Path:
        """The folder of the course to serve: STUDYBOT_COURSE, or the only/first pack found."""
        if self.course:
            return self.content_dir / self.course
        packs = sorted(p.parent for p in self.content_dir.glob("*/course.yaml"))
        return packs[0] if packs else self.content_dir / "dotnet-architect"


class SettingsError(Exception):
    """Settings that cannot be used; the message is one line for the operator."""


def _problem(err: ErrorDetails) -> str:
    """One problem, naming its setting: `invalid setting NAME: why`, or the message as is when it names it."""
    name = "_".join(str(part) for part in err["loc"]).upper()
    message = err["msg"].removeprefix("Value error, ")
    return message if message.startswith(name) else f"invalid setting {name}: {message}"


def load_settings() -> Settings:
    """Read and validate settings, turning pydantic's report into one clear line."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(_problem(err) for err in exc.errors())) from None
    except pydantic_settings.SettingsError as exc:  # a value that is not JSON for a group (DISCORD=...)
        raise SettingsError(f"invalid setting: {exc}") from None
