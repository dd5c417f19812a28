"""The cleaning side of the HTTP service: one cleaning process per server process, supervised.

A request's documents go to the cleaning process over a pipe of their own. A request past its
time budget has the process killed (504); a process that dies under a request (killed, out of
memory) costs that request a 503; either way a new process is started for the next request, so
the service goes on answering. Requests wait their turn in order; past `max_waiting` waiting,
a request is refused at once with 503 rather than queued without bound."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from cleaner.engine.pipeline import Cleaner, Result

_cleaner: Cleaner | None = None
START_TIMEOUT = 120.0  # seconds a new cleaning process may take to load its rules


class BudgetExceeded(Exception):
    """A request's cleaning ran past the time budget; its process was killed and replaced."""


class Unavailable(Exception):
    """The request could not be cleaned now (503): its cleaning process died, or too many wait."""


def init_worker(factory: Callable[[], Cleaner]) -> None:
    """Build the cleaner once per pool process and warm it up, so lazy imports don't eat a request's budget."""
    global _cleaner
    from cleaner.html import clean_page  # the HTML path's imports (trafilatura) paid here, not by a request

    _cleaner = factory()
    with contextlib.suppress(Exception):  # best effort: a real request will report any error
        _cleaner.clean("Warm-up text.\n")
        clean_page(_cleaner, "<html><body><p>Warm-up text.</p></body></html>")


def clean_documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean each document in the pool process; runs as one task so the budget covers them all."""
    assert _cleaner is not None, "init_worker did not run"
    return [clean_document(_cleaner, doc) for doc in docs]


def clean_document(cleaner: Cleaner, doc: dict[str, Any]) -> dict[str, Any]:
    """Clean one request document (`text` or `html`, with its `url` or `site`) into a JSON-ready dict."""
    where = {"url": doc.get("url"), "site": doc.get("site")}
    if doc.get("html") is not None:
        from cleaner.html import clean_page

        result = clean_page(cleaner, doc["html"], lang=doc.get("lang"), **where)
    else:
        result = cleaner.clean(doc["text"], lang=doc.get("lang"), **where)
    return result_dict(result, explain=bool(doc.get("explain")))


def result_dict(result: Result, explain: bool) -> dict[str, Any]:
    """The response body: cleaned text, per-rule counts, any warnings and, when asked, every removal."""
    out: dict[str, Any] = {"text": result.text, "counts": result.counts}
    if result.warnings:
        out["warnings"] = list(result.warnings)
    if explain:
        out["removals"] = [r.as_dict() for r in result.removals]
    return out


def serve_worker(factory: Callable[[], Cleaner], conn: Connection) -> None:
    """The cleaning process: say "ready", then answer each list of documents with ("ok", results)
    or ("error", message), until the pipe closes."""
    init_worker(factory)
    conn.send(("ready", None))
    while True:
        try:
            docs = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", clean_documents(docs)))
        except Exception as err:  # noqa: BLE001 - the server turns it into a 500 with this message
            conn.send(("error", f"{type(err).__name__}: {err}"))


@contextlib.contextmanager
def died() -> Iterator[None]:
    """The pipe to the cleaning process broke: it died under this request."""
    try:
        yield
    except (EOFError, OSError):
        raise Unavailable("the cleaning process died (killed, or out of memory?); "
                          "a new one is started: retry the request") from None


class Worker:
    """One spawned cleaning process and the pipe to it."""

    def __init__(self, factory: Callable[[], Cleaner]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve_worker, args=(factory, child), daemon=True,
                                       name="cleaner-cleaning")
        self.process.start()
        child.close()
        self.ready = False
        self.lock = threading.Lock()

    def call(self, docs: list[dict[str, Any]], budget: float | None) -> Any:
        """Clean `docs` (blocking); raises BudgetExceeded, or Unavailable when the process died."""
        with self.lock:  # one request on the pipe at a time, even if an awaiting request was cancelled
            if not self.ready:
                self.receive(START_TIMEOUT, "the cleaning process did not start")
                self.ready = True
            with died():
                self.conn.send(docs)
            return self.receive(budget, f"cleaning took longer than the time budget of {budget or 0:g} s")

    def receive(self, timeout: float | None, late: str) -> Any:
        if not wait([self.conn, self.process.sentinel], timeout):
            raise BudgetExceeded(late)
        with died():
            status, value = self.conn.recv()
        if status == "error":
            raise RuntimeError(value)
        return value

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class CleaningPool:
    """One supervised cleaning process: a request over `time_budget` seconds has it killed (504),
    one whose process dies gets a 503; the next request gets a new process."""

    def __init__(self, factory: Callable[[], Cleaner], time_budget: float | None, max_waiting: int = 100) -> None:
        self.factory, self.time_budget, self.max_waiting = factory, time_budget, max_waiting
        self.worker = Worker(factory)
        self.restarts = self.waiting = 0
        self.busy = False
        self._turn = asyncio.Lock()

    async def clean(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Clean documents in the cleaning process, one request at a time, in arrival order."""
        if self.waiting >= self.max_waiting:
            raise Unavailable(f"busy: {self.waiting} requests already waiting; retry later")
        self.waiting += 1
        try:
            await self._turn.acquire()
        finally:
            self.waiting -= 1
        try:
            return await self._run(docs)
        finally:
            self._turn.release()

    async def _run(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.busy = True
        try:
            self.replace_if_dead()
            return await asyncio.to_thread(self.worker.call, docs, self.time_budget)
        except (BudgetExceeded, Unavailable):
            self.replace()
            raise
        finally:
            self.busy = False

    def replace_if_dead(self) -> None:
        if not self.worker.alive:
            self.replace()

    def replace(self) -> None:
        """Kill the cleaning process (if still running) and start a new one."""
        self.worker.stop()
        self.worker = Worker(self.factory)
        self.restarts += 1

    def status(self) -> dict[str, Any]:
        """What /healthz reports; a dead process is replaced first, so this is what the next request gets."""
        if not self.busy:
            self.replace_if_dead()
        return {"pid": self.worker.process.pid, "alive": self.worker.alive, "restarts": self.restarts,
                "busy": self.busy, "waiting": self.waiting}

    def close(self) -> None:
        """Stop the cleaning process, abandoning any task still running."""
        self.worker.stop()
