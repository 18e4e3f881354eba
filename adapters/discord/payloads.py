"""The parts of Discord's INTERACTION_CREATE events the bot relies on, checked once where they arrive.

discord.py reads an interaction partly when the gateway delivers it and partly later, in the task that
runs the command, and trusts Discord's types in both. An event that does not fit Discord's documented
shapes (ids that are not snowflakes, an option whose value is not of its type, a button without its
custom_id) cannot come from Discord; it is skipped with one warning line before discord.py reads it.
What discord.py still cannot read later, in the tasks that run a command or a button, is skipped the
same way (`adapters/discord/client.py`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

MAX_SNOWFLAKE = 2**64 - 1
MAX_OPTION_VALUE = 6_000  # Discord's limit for a string option's value
MAX_CUSTOM_ID = 100


def _snowflake(text: str) -> str:
    if not 0 < int(text) <= MAX_SNOWFLAKE:
        raise ValueError("a snowflake is a positive 64-bit number")
    return text


Snowflake = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}$"), AfterValidator(_snowflake)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=1_000, pattern=r"^[A-Za-z0-9._-]+$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]

STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
AUTOCOMPLETE = 4


class _Part(BaseModel):
    """A piece of an interaction, with JSON's types taken strictly; other fields are discord.py's to read."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class _User(_Part):
    id: Snowflake
    username: Annotated[str, StringConstraints(max_length=100)]
    global_name: Annotated[str, StringConstraints(max_length=100)] | None = None


class _Member(_Part):
    user: _User
    nick: Annotated[str, StringConstraints(max_length=100)] | None = None
    permissions: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,40}$")] | None = None


class _Option(_Part):
    name: Name
    type: Annotated[int, Field(ge=1, le=11)]
    value: Any = None
    options: list[_Option] = Field(default_factory=list, max_length=25)
    focused: bool = False

    @model_validator(mode="after")
    def _value_fits_type(self) -> _Option:
        """A subcommand carries options and no value; any other option a value of its own type."""
        value, kind = self.value, self.type
        if kind in (1, 2):
            fits = value is None
        elif self.options:
            fits = False
        elif self.focused:  # what is typed so far: a string even for numbers
            fits = (isinstance(value, str) and len(value) <= MAX_OPTION_VALUE) or _number(value)
        elif kind == STRING:
            fits = isinstance(value, str) and len(value) <= MAX_OPTION_VALUE
        elif kind == INTEGER:
            fits = isinstance(value, int) and _number(value)
        elif kind == BOOLEAN:
            fits = isinstance(value, bool)
        elif kind == NUMBER:
            fits = _number(value)
        else:  # user, channel, role, mentionable, attachment: a snowflake
            fits = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20
        if not fits:
            raise ValueError(f"the value of option {self.name!r} does not fit its type {kind}")
        return self


def _number(value: Any) -> bool:
    """A JSON number within what Discord's options hold (2**53 either way), not a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) <= 2**53


class _CommandData(_Part):
    id: Snowflake
    name: Name
    type: Annotated[int, Field(ge=1, le=4)] = 1
    guild_id: Snowflake | None = None
    options: list[_Option] = Field(default_factory=list, max_length=25)
    resolved: dict[str, dict[Snowflake, dict[str, Any]]] = Field(default_factory=dict)  # users, channels...


class _ComponentData(_Part):
    custom_id: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CUSTOM_ID)]
    component_type: Annotated[int, Field(ge=1, le=100)]


class _ModalData(_Part):
    custom_id: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CUSTOM_ID)]
    components: list[dict[str, Any]] = Field(max_length=5)


DATA: dict[int, type[_Part]] = {2: _CommandData, 3: _ComponentData, 4: _CommandData, 5: _ModalData}


class Interaction(_Part):
    """An INTERACTION_CREATE event as Discord documents it, as far as the bot and discord.py rely on."""

    id: Snowflake
    application_id: Snowflake
    type: Literal[1, 2, 3, 4, 5]
    token: Token
    guild_id: Snowflake | None = None
    channel_id: Snowflake | None = None
    member: _Member | None = None
    user: _User | None = None
    data: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _from_someone(self) -> Interaction:
        """Everything but a ping carries data, and comes from a member in a server or a user elsewhere."""
        if self.type == 1:
            return self
        if self.data is None:
            raise ValueError("an interaction of this type carries data")
        if (self.member if self.guild_id is not None else self.user) is None:
            raise ValueError("an interaction in a server comes from a member, elsewhere from a user")
        return self


class MalformedInteractionError(ValueError):
    """An interaction that does not fit Discord's documented shapes; the message says where, in one line."""


def check_interaction(data: Any) -> None:
    """Raise MalformedInteractionError unless `data` fits the documented INTERACTION_CREATE.

    The envelope is checked first, then the data of its type (commands and autocomplete, components,
    modals).
    """
    try:
        envelope = Interaction.model_validate(data)
        inner = DATA[envelope.type].model_validate(envelope.data) if envelope.type in DATA else None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or exc.title
        raise MalformedInteractionError(f"{where}: {first['msg']}"[:160]) from None
    if envelope.type == AUTOCOMPLETE and isinstance(inner, _CommandData) and len(_focused(inner.options)) != 1:
        raise MalformedInteractionError("an autocomplete request has exactly one focused option")


def focused_option(data: Any) -> str | None:
    """The name of the option being typed in an autocomplete request's (checked) data."""
    names = _focused(_CommandData.model_validate(data).options)
    return names[0] if names else None


def _focused(options: list[_Option]) -> list[str]:
    """The names of the options, at any depth, being typed."""
    return [name for option in options for name in ([option.name] if option.focused else []) + _focused(option.options)]


def describe(exc: Exception) -> str:
    """Why an interaction was skipped, in one short line."""
    text = str(exc) if isinstance(exc, MalformedInteractionError) else f"{exc.__class__.__name__}: {exc}"
    return text[:160]
