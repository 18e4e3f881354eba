"""Settings from the environment (and a `.env` file), validated once at start-up."""

from __future__ import annotations

from pathlib import Path

from dotenv import load_dotenv
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.periods import is_timezone
from bot.store.db import DatabaseURLError, async_url, sqlite_url_for

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_content_dir() -> Path:
    """`content/` of the source checkout, else `content/` in the working directory."""
    beside = REPO_ROOT / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"


class Settings(BaseSettings):
    """Every setting of StudyBot; see docs/operations.md."""

    # An empty value (`SLACK_HTTP_PORT=` in a copy of .env.example) means unset, for every setting.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), validation_alias="STUDYBOT_DATA_DIR")
    content_dir: Path = Field(
        default_factory=default_content_dir, validation_alias="STUDYBOT_CONTENT_DIR"
    )
    course: str | None = Field(default=None, validation_alias="STUDYBOT_COURSE")
    timezone: str = Field(default="UTC", validation_alias="STUDYBOT_TIMEZONE")
    admins: str = Field(default="", validation_alias="STUDYBOT_ADMINS")
    log_level: str = Field(default="INFO", validation_alias="STUDYBOT_LOG_LEVEL")
    health_port: int | None = Field(default=None, validation_alias="STUDYBOT_HEALTH_PORT")
    health_host: str = Field(default="0.0.0.0", validation_alias="STUDYBOT_HEALTH_HOST")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_http_port: int | None = Field(default=None, validation_alias="SLACK_HTTP_PORT")

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


def load_settings() -> Settings:
    """Read and validate settings, turning pydantic's report into one clear line.

    `.env` is also loaded into the process environment (without overriding it), so the
    platform-specific variables the adapters read themselves can live there too.
    """
    load_dotenv(".env", override=False)
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            problems.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
        raise SettingsError("invalid setting " + "; ".join(problems)) from None
