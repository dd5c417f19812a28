"""The cleaning side of the HTTP service: a process pool that kills a request over its time budget."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from typing import Any

from cleaner.engine import Cleaner, Result

_cleaner: Cleaner | None = None


class BudgetExceeded(Exception):
    """A request's cleaning ran past the time budget; its process was killed and replaced."""


def init_worker(factory: Callable[[], Cleaner]) -> None:
    """Build the cleaner once per pool process and warm it up, so lazy imports don't eat a request's budget."""
    global _cleaner
    _cleaner = factory()
    with contextlib.suppress(Exception):  # best effort: a real request will report any error
        _cleaner.clean("Warm-up text.\n")
        if hasattr(_cleaner, "clean_html"):
            _cleaner.clean_html("<html><body><p>Warm-up text.</p></body></html>")


def clean_documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean each document in the pool process; runs as one task so the budget covers them all."""
    assert _cleaner is not None, "init_worker did not run"
    return [clean_document(_cleaner, doc) for doc in docs]


def clean_document(cleaner: Cleaner, doc: dict[str, Any]) -> dict[str, Any]:
    """Clean one request document (`text`, or `html` with `url`) into a JSON-ready dict."""
    if doc.get("html") is not None:
        result = cleaner.clean_html(doc["html"], doc.get("url"), lang=doc.get("lang"))
    else:
        result = cleaner.clean(doc["text"], lang=doc.get("lang"))
    return result_dict(result, explain=bool(doc.get("explain")))


def result_dict(result: Result, explain: bool) -> dict[str, Any]:
    """The response body: cleaned text, per-rule counts, any warnings and, when asked, every removal."""
    out: dict[str, Any] = {"text": result.text, "counts": result.counts}
    if result.warnings:
        out["warnings"] = list(result.warnings)
    if explain:
        out["removals"] = [r.as_dict() for r in result.removals]
    return out


class CleaningPool:
    """One pebble process; a task past `time_budget` seconds of cleaning is killed, the process restarted."""

    def __init__(self, factory: Callable[[], Cleaner], time_budget: float | None) -> None:
        from pebble import ProcessPool

        self.time_budget = time_budget
        self._pool = ProcessPool(max_workers=1, initializer=init_worker, initargs=(factory,),
                                 context=multiprocessing.get_context("spawn"))

    async def clean(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Clean documents in the pool process, raising BudgetExceeded when over budget."""
        future = self._pool.schedule(clean_documents, args=(docs,), timeout=self.time_budget)
        try:
            return await asyncio.wrap_future(future)
        except TimeoutError:
            raise BudgetExceeded(f"cleaning took longer than the time budget of {self.time_budget:g} s") from None

    def close(self) -> None:
        """Stop the pool process, abandoning any task still running."""
        self._pool.stop()
        self._pool.join(timeout=5)
