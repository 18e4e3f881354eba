"""A notice with subscribers: how one part of StudyBot hears of a change in another it does not know."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Notice(Generic[T]):
    """Tells every subscriber of each `publish(value)`, in the order they subscribed.

    Wired once by `bot.bootstrap`: the core publishes that a channel's schedule changed, the poster
    registry that a platform connected, and the drop scheduler subscribes to both.
    """

    def __init__(self) -> None:
        self._subscribers: list[Callable[[T], None]] = []

    def subscribe(self, subscriber: Callable[[T], None]) -> None:
        """Call `subscriber(value)` on every later `publish`."""
        self._subscribers.append(subscriber)

    def publish(self, value: T) -> None:
        """Tell every subscriber about `value`."""
        for subscriber in self._subscribers:
            subscriber(value)
