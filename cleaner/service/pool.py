"""The cleaning side of the HTTP service: a pool of cleaning processes per server process, supervised.

A spawned template process builds the Cleaner once and warms it up; the cleaning processes are
forked from it, so a new one is ready in milliseconds with everything loaded. The pool keeps
`size` of them (default: the usable cores) and hands each request to an idle one, in arrival
order. A batch goes in chunks of a few documents, each chunk taking its turn again, so small
requests interleave with a big batch. A request still running after `SLOW_AFTER` seconds (a rule
at its time limit, a huge document) moves its process to a slow lane, to finish that request and
stop, and a fresh process takes its place (at the same CPU priority: a lower one starved big
documents past their time budget on a busy machine). A request past its time budget has its process killed (504); a
process that dies under a request (killed, out of memory) costs that request a 503; either way a
new process is forked. Past `max_waiting` waiting, a request is refused at once with 503."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any

from cleaner.engine.pipeline import Cleaner
from cleaner.service.requests import Refused, clean_document, parse
from cleaner.service.sites import cleaner_for

_cleaner: Cleaner | None = None
START_TIMEOUT = 120.0  # seconds a new template process may take to load its rules
SLOW_AFTER = 0.1  # seconds of cleaning after which a request's process moves to the slow lane
CHUNK_DOCS = 8  # a batch is cleaned at most this many documents at a time...
CHUNK_CHARS = 64_000  # ...and about this many characters (tens of ms: well under SLOW_AFTER)


class BudgetExceeded(Exception):
    """A request's cleaning ran past the time budget; its process was killed and replaced."""


class Unavailable(Exception):
    """The request could not be cleaned now (503): its cleaning process died, or too many wait."""


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def init_worker(factory: Callable[[], Cleaner]) -> None:
    """Build the cleaner once and warm it up: every language's plan and every rule's examples, so
    that neither lazy set-up nor lazy imports eat a request's budget in the processes forked from it."""
    global _cleaner
    _cleaner = factory()
    with contextlib.suppress(Exception):  # best effort: a real request will report any error
        for lang in sorted(getattr(_cleaner, "languages", ())):
            _cleaner.clean("Warm-up text.\n", lang=lang)
        for rule in _cleaner.rules:
            for example in rule.examples:
                for lang in rule.lang or (None,):
                    _cleaner.clean(example.input, lang=lang)
        from cleaner.html import clean_page  # the HTML path's imports (trafilatura) paid here, not by a request

        clean_page(_cleaner, "<html><body><p>Warm-up text.</p></body></html>")


def run_task(task: tuple[Any, ...]) -> Any:
    """In a cleaning process: ("parse", body, many, max_batch) gives the documents of a request body,
    ("clean", docs) each document's answer and counts (with its site's learned rules when it carries them:
    see sites.py); raises Refused with a request's 4xx answer."""
    assert _cleaner is not None, "init_worker did not run"
    if task[0] == "parse":
        return parse(_cleaner, *task[1:])
    return [clean_document(cleaner_for(_cleaner, doc), doc) for doc in task[1]]


# --- in the template and the cleaning processes --------------------------------------------


def template_main(factory: Callable[[], Cleaner], control: Connection) -> None:
    """The template: build and warm the cleaner, say "ready", then fork a cleaning process for
    each "fork" it is sent, answering its pid and passing its pipe end and a pidfd; ends when the
    pipe closes. Children it has forked are reaped here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    init_worker(factory)
    control.send(("ready", os.getpid()))
    while True:
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        if not wait([control], 1.0):
            continue
        try:
            control.recv()
        except EOFError:
            return
        fork_cleaning(control)


def fork_cleaning(control: Connection) -> None:
    ours, theirs = get_context("spawn").Pipe()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            ours.close()
            answer(theirs)
        finally:
            os._exit(0)
    theirs.close()
    pidfd = os.pidfd_open(pid)  # before any reaping, so it cannot name another process
    control.send(("forked", pid))
    with socket.fromfd(control.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        socket.send_fds(sock, [b"F"], [ours.fileno(), pidfd])
    ours.close()
    os.close(pidfd)


def answer(conn: Connection) -> None:
    """A cleaning process: answer each task with ("ok", value), ("refused", (status, content)) or
    ("error", message), until the pipe closes."""
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", run_task(task)))
        except Refused as refused:
            conn.send(("refused", (refused.status, refused.content)))
        except Exception as err:  # noqa: BLE001 - the server turns it into a 500 with this message
            conn.send(("error", f"{type(err).__name__}: {err}"))


# --- in the server process ------------------------------------------------------------------


@contextlib.contextmanager
def died() -> Iterator[None]:
    """The pipe to the cleaning process broke: it died under this request."""
    try:
        yield
    except (EOFError, OSError):
        raise Unavailable("the cleaning process died (killed, or out of memory?); "
                          "a new one is started: retry the request") from None


class Cleaning:
    """One forked cleaning process: its pid, the pipe to it and a pidfd (which names it for good)."""

    def __init__(self, pid: int, conn: Connection, pidfd: int) -> None:
        self.pid, self.conn, self.pidfd = pid, conn, pidfd
        self.stopped = self.busy = False

    async def call(self, task: tuple[Any, ...], budget: float | None) -> Any:
        """Run a task; raises BudgetExceeded, Refused, or Unavailable when the process died. The event
        loop watches the pipe (no thread: a thread waits for the GIL behind a busy loop); sending
        blocks only while the idle process reads the task in."""
        loop = asyncio.get_running_loop()
        with died():
            if self.stopped:
                raise EOFError
            fd = self.conn.fileno()
            self.conn.send(task)
        answered = loop.create_future()
        loop.add_reader(fd, lambda: answered.done() or answered.set_result(None))
        try:
            await asyncio.wait_for(answered, budget)
        except TimeoutError:
            raise BudgetExceeded(f"cleaning took longer than the time budget of {budget or 0:g} s") from None
        finally:
            loop.remove_reader(fd)
        with died():
            os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking
            status, value = self.conn.recv()
        if status == "refused":
            raise Refused(*value)
        if status == "error":
            raise RuntimeError(value)
        return value

    @property
    def alive(self) -> bool:
        return not self.stopped and not select.select([self.pidfd], [], [], 0)[0]

    def stop(self) -> None:
        """Kill the process (if still running) and close the pipe; its template reaps it."""
        if self.stopped:
            return
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        self.conn.close()
        os.close(self.pidfd)


class Template:
    """The spawned template process that cleaning processes are forked from; replaced when it dies."""

    def __init__(self, factory: Callable[[], Cleaner]) -> None:
        self.factory = factory
        self.lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        context = get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=template_main, args=(self.factory, child),
                                       daemon=True, name="cleaner-template")
        self.process.start()
        child.close()
        self.ready = False

    def fork(self) -> Cleaning:
        """A new cleaning process (blocking: the first one waits for the template to load its rules)."""
        with self.lock:
            try:
                return self._fork()
            except (EOFError, OSError):  # the template died: start another
                self.stop()
                self._start()
                return self._fork()

    def _fork(self) -> Cleaning:
        if not self.ready:
            if not wait([self.conn, self.process.sentinel], START_TIMEOUT) or not self.conn.poll():
                raise RuntimeError("the cleaning template process did not start")
            self.conn.recv()
            self.ready = True
        self.conn.send("fork")
        _, pid = self.conn.recv()
        with socket.fromfd(self.conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            _, (conn_fd, pidfd), _, _ = socket.recv_fds(sock, 1, 2)
        return Cleaning(pid, Connection(conn_fd), pidfd)

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def chunks(docs: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """`docs` in runs of at most CHUNK_DOCS documents and about CHUNK_CHARS characters (at least one)."""
    chunk: list[dict[str, Any]] = []
    chars = 0
    for doc in docs:
        chunk.append(doc)
        chars += len(doc.get("text") or doc.get("html") or "")
        if len(chunk) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk or not docs:
        yield chunk


class CleaningPool:
    """`size` supervised cleaning processes shared by the requests of one server process, in
    arrival order: a request over `time_budget` seconds of cleaning has its process killed
    (504), one whose process dies gets a 503; a new process is forked in either case."""

    def __init__(self, factory: Callable[[], Cleaner], time_budget: float | None, max_waiting: int = 100,
                 size: int | None = None) -> None:
        self.time_budget, self.max_waiting = time_budget, max_waiting
        self.size = size or usable_cores()
        self.template = Template(factory)
        self.members: set[Cleaning] = set()  # the processes that take requests (idle or busy)
        self.idle: list[Cleaning] = []
        self.slow: set[Cleaning] = set()  # the slow lane: finishing one long request, then stopped
        self.queue: deque[asyncio.Future[Cleaning]] = deque()
        self.restarts = 0
        self._starting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Fork the processes (the first waits for the template to load its rules)."""
        for _ in range(self.size):
            await self._add()

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in self.queue)

    async def clean(self, docs: list[dict[str, Any]]) -> list[tuple[bytes, dict[str, int]]]:
        """Each document's answer (JSON) and counts, cleaned a chunk at a time, each chunk taking its
        turn in arrival order; the time budget covers the cleaning, not the turns waited."""
        self._admit()
        results: list[tuple[bytes, dict[str, int]]] = []
        spent = 0.0
        for chunk in chunks(docs):
            left = None if self.time_budget is None else self.time_budget - spent
            if left is not None and left <= 0:
                raise BudgetExceeded(f"cleaning took longer than the time budget of {self.time_budget:g} s")
            started = time.monotonic()
            results += await self._run(("clean", chunk), left)
            spent += time.monotonic() - started
        return results

    async def parse(self, body: bytes, many: bool, max_batch: int) -> list[dict[str, Any]]:
        """A request body's documents, parsed and checked in a cleaning process (see requests.parse)."""
        self._admit()
        return await self._run(("parse", body, many, max_batch), self.time_budget)

    def _admit(self) -> None:
        if self.waiting >= self.max_waiting:
            raise Unavailable(f"busy: {self.waiting} requests already waiting; retry later")

    async def _run(self, task: tuple[Any, ...], budget: float | None) -> Any:
        cleaning = await self._acquire()
        cleaning.busy = True
        call = asyncio.ensure_future(cleaning.call(task, budget))
        call.add_done_callback(lambda _: self._finished(cleaning, call))  # not before: the pipe is in use
        if not (await asyncio.wait({call}, timeout=SLOW_AFTER))[0]:
            self._to_slow_lane(cleaning)
        return await asyncio.shield(call)

    def _finished(self, cleaning: Cleaning, call: asyncio.Future[Any]) -> None:
        """The task is done: a process that died under it or ran past the budget is stopped here, before
        anything else runs (a dying process may still look alive for a moment after its pipe broke, and
        must never be handed to the next request), then replaced; any other is handed on."""
        cleaning.busy = False
        if call.cancelled() or isinstance(call.exception(), (BudgetExceeded, Unavailable)):
            if cleaning in self.slow:  # its place was filled when it went to the slow lane; still a restart
                self.restarts += 1
            cleaning.stop()
        self._release(cleaning)

    async def _acquire(self) -> Cleaning:
        while self.idle:
            cleaning = self.idle.pop()
            if cleaning.alive:
                return cleaning
            self._lost(cleaning)
        turn = asyncio.get_running_loop().create_future()
        self.queue.append(turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release(turn.result())
            raise

    def _release(self, cleaning: Cleaning) -> None:
        """Hand a process that finished a task to the next request waiting, or keep it idle."""
        if cleaning in self.slow:
            self.slow.discard(cleaning)
            cleaning.stop()
        elif not cleaning.alive:
            self._lost(cleaning)
        elif cleaning in self.members:
            while self.queue:
                turn = self.queue.popleft()
                if not turn.done():
                    turn.set_result(cleaning)
                    return
            self.idle.append(cleaning)

    def _lost(self, cleaning: Cleaning) -> None:
        """A process died or was killed: drop it and fork another."""
        self.members.discard(cleaning)
        cleaning.stop()
        self.restarts += 1
        self._add_soon()

    def _to_slow_lane(self, cleaning: Cleaning) -> None:
        """A long request: its process stops taking requests (it stops once this one is answered) and a
        fresh one takes its place. At most `size` processes in the slow lane; past that the request
        stays put."""
        if cleaning not in self.members or len(self.slow) >= self.size:
            return
        self.members.discard(cleaning)
        self.slow.add(cleaning)
        self._add_soon()

    def _add_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self._keep_trying())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _keep_trying(self) -> None:
        """Fork a process; if that fails (no memory, the template cannot start), say so and retry each
        second: requests wait for it (or are refused at `max_waiting`) rather than fail."""
        while True:
            try:
                return await self._add()
            except Exception as err:  # noqa: BLE001 - logged, then retried
                logging.getLogger("uvicorn.error").warning("cannot start a cleaning process (%s: %s); "
                                                          "retrying in 1 s", type(err).__name__, err)
                await asyncio.sleep(1.0)

    async def _add(self) -> None:
        cleaning = await asyncio.to_thread(self.template.fork)
        self.members.add(cleaning)
        self._release(cleaning)

    def status(self) -> dict[str, Any]:
        """What /healthz reports; dead idle processes are replaced first, so this is what the next
        requests get."""
        for cleaning in [c for c in self.idle if not c.alive]:
            self.idle.remove(cleaning)
            self._lost(cleaning)
        alive = [c for c in self.members if c.alive]
        return {"processes": self.size, "alive": len(alive), "busy": sum(c.busy for c in alive) + len(self.slow),
                "waiting": self.waiting, "restarts": self.restarts, "pids": sorted(c.pid for c in alive),
                "slow_lane": sorted(c.pid for c in self.slow), "template": self.template.process.pid}

    def close(self) -> None:
        """Stop every process, abandoning any task still running."""
        for task in self._starting:
            task.cancel()
        for cleaning in [*self.members, *self.slow]:
            cleaning.stop()
        self.template.stop()
