"""The service's pool of cleaning processes, driven directly (real processes, no HTTP)."""

import asyncio

import pytest

from cleaner.service.pool import CleaningPool, Unavailable
from dying_cleaner import MARKER, DyingCleaner

FINE = {"text": "Body.\n\nLeave a Reply\n"}


def test_a_process_dying_under_a_request_is_never_handed_to_the_next():
    """Its request gets Unavailable (503); the request queued behind it gets a fresh process and its
    answer, even though the dying process is still running when its pipe breaks."""

    async def scenario():
        pool = CleaningPool(DyingCleaner, time_budget=10, size=1)
        await pool.start()
        try:
            dying = asyncio.ensure_future(pool.clean([{"text": MARKER}]))  # takes the one process
            queued = asyncio.ensure_future(pool.clean([FINE]))  # waits for it
            results = await asyncio.gather(dying, queued, return_exceptions=True)
            return results, pool.status()
        finally:
            pool.close()

    (dying, queued), status = asyncio.run(scenario())
    assert isinstance(dying, Unavailable), dying
    assert not isinstance(queued, BaseException), f"the queued request failed: {queued!r}"
    ((answer, counts),) = queued
    assert b'"text":"Body.\\n"' in answer and counts
    assert status["restarts"] == 1 and status["alive"] == 1
