"""Small pieces of bot state that adapters keep between runs (such as a synced command hash)."""

from __future__ import annotations

from bot.usecases.context import Core


async def get_state(core: Core, key: str) -> str | None:
    """The value stored under `key`, or None."""
    async with core.unit_of_work() as uow:
        return await uow.channels.get_value(key)


async def set_state(core: Core, key: str, value: str) -> None:
    """Store `value` under `key`."""
    async with core.unit_of_work() as uow:
        await uow.channels.set_value(key, value)
