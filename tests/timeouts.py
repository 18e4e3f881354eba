"""A pytest plugin: pytest-timeout's signal timer, printing every asyncio task's stack before the test fails.

pytest-timeout shows where each thread is; a hang on the event loop needs the tasks' stacks too.
"""

from __future__ import annotations

import asyncio
import io
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
import pytest_timeout

if TYPE_CHECKING:
    from _pytest._io import TerminalWriter

# pytest-timeout's handler for SIGALRM (its functions carry no annotations): stacks, then the failure.
fail_on_timeout: Callable[[pytest.Item, pytest_timeout.Settings], None] = pytest_timeout.timeout_sigalrm


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: pytest_timeout.Settings) -> bool | None:
    """pytest-timeout's signal timer, printing every asyncio task's stack too before it fails the test.

    The timer covers set-up, the test and teardown, where a leftover task would hang the loop's close.
    """
    if settings.method != "signal" or threading.current_thread() is not threading.main_thread():
        return None  # pytest-timeout's own timer

    def on_timeout(_signum: int, _frame: object) -> None:
        __tracebackhide__ = True
        terminal = item.config.get_terminal_writer()
        _print_tasks(terminal)
        fail_on_timeout(item, settings)

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # pytest-timeout's own protocol
    signal.signal(signal.SIGALRM, on_timeout)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True


def _print_tasks(terminal: TerminalWriter) -> None:
    """Write the stack of every task on the running event loop (if one is running)."""
    try:
        tasks = asyncio.all_tasks(asyncio.get_running_loop())
    except RuntimeError:
        return
    for task in tasks:
        stack = io.StringIO()
        task.print_stack(file=stack)
        terminal.sep("~", title=f"Stack of task {task.get_name()}")
        terminal.write(stack.getvalue())
