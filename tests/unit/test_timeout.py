"""The per-test timeout: a hung test fails, showing where every thread and task was stuck."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

HANGING = '''
import asyncio


async def test_waits_forever():
    async def stuck_helper():
        await asyncio.Event().wait()

    task = asyncio.ensure_future(stuck_helper())
    await asyncio.sleep(0)
    await asyncio.wait({task})


def test_after_the_hang_still_runs():
    assert True
'''


def test_a_hung_async_test_fails_with_its_task_stacks(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test stuck on the event loop fails at the timeout, prints each task's stack, and the run goes on."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_hang=HANGING)
    result = pytester.runpytest_subprocess("-p", "tests.timeouts", "--timeout=2", "-o", "asyncio_mode=auto",
                                         "-o", "asyncio_default_fixture_loop_scope=function", "-q")
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "Timeout (>2.0s)" in output
    assert "stuck_helper" in output
