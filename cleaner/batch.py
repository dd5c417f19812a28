"""Batch mode: clean JSONL records in input order, in one or several processes, streaming."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from cleaner.cli.console import GZIP_MAGIC, Sink, replacing, stdin_stream, stdout_sink
from cleaner.engine.document import encodes
from cleaner.engine.pipeline import Cleaner, ExcessiveRemovalError, Result
from cleaner.engine.loader import Rule
from cleaner.engine.pagetype import check_page_type
from cleaner.engine.sites import site_name, url_site

CHUNK_RECORDS = 500  # records per task sent to a worker
CHUNK_BYTES = 1 << 19  # ...or fewer, once a task holds this much input
IN_FLIGHT_PER_JOB = 4  # tasks queued per worker: bounds memory whatever the input size
WARM_CHUNKS = 1  # with several jobs, cleaned in the parent before forking

Chunk = list[tuple[int, bytes]]  # (line number, raw line)


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


def json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


class RecordError(Exception):
    """A record that cannot be cleaned; the message says why."""


class WorkerDied(Exception):
    """A worker process ended without its results (killed, or out of memory)."""


class Terminated(BaseException):
    """SIGTERM arrived: the run stops as on a bad record, removing its temp file and workers first.
    (A BaseException, as KeyboardInterrupt, so that no `except Exception` around a rule swallows it.)"""


class BatchStopped(Exception):
    """A malformed record under --on-error fail (status 2), or one over --max-removed under
    --on-excess fail (status 3)."""

    def __init__(self, line: int, message: str, status: int = 2) -> None:
        self.line, self.message, self.status = line, message, status
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class Fields:
    """Where a record keeps its text, HTML, URL and language, and where cleaned text goes."""

    text: str = "text"
    html: str | None = None
    output: str | None = None  # None: overwrite the text field
    lang: str | None = None
    default_lang: str | None = None  # --lang: for records without a language (None: detected)
    url: str = "url"
    with_removals: bool = False
    site: str | None = None  # the field naming the record's site (None: the host of its URL)
    page_type: str | None = None  # the field naming the record's page type (None: HTML detected, text article)


@dataclass(frozen=True)
class Outcome:
    """One input line after cleaning: the output line and per-rule counts, or an error."""

    line: int
    size: int
    output: bytes | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warned: bool = False
    error: str | None = None
    excess: bool = False  # the error is --on-excess fail's
    state: tuple[Any, ...] | None = None  # pass one of learning: see first_state


@dataclass
class Summary:
    """Running totals for the end-of-run report."""

    records: int = 0
    errors: int = 0
    size: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    warned: int = 0
    excess: int = 0
    started: float = field(default_factory=time.monotonic)
    learned: str | None = None  # what the first pass learned, when sites were learned

    def add(self, outcome: Outcome) -> None:
        self.records += 1
        self.size += outcome.size
        self.errors += outcome.error is not None
        self.changed += bool(outcome.counts)
        self.warned += outcome.warned
        self.excess += outcome.excess
        self.counts.update(outcome.counts)

    def render(self, top: int | None = None) -> str:
        """Totals, then removals per rule, most frequent first (the `top` most, and how many rules more)."""
        seconds = max(time.monotonic() - self.started, 1e-9)
        head = (f"cleaner batch: {self.records} record(s), {self.size / 1e6:.1f} MB in {seconds:.1f} s "
                f"({self.size / 1e6 / seconds:.1f} MB/s); {self.errors} skipped with errors")
        total = sum(self.counts.values())
        lines = [head, *([self.learned] if self.learned else []),
                 f"{total} removal(s) in {self.changed} record(s) by {len(self.counts)} rule(s); "
                 f"{self.warned} record(s) with warnings"]
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"{n:>10}  {rule}" for rule, n in ranked[:top]]
        if top is not None and len(ranked) > top:
            lines.append(f"{'':>10}  ... {len(ranked) - top} rule(s) more (--top)")
        return "\n".join(lines)


# --- one record --------------------------------------------------------------------------


def parse(raw: bytes) -> dict[str, Any]:
    """The record on one line, which must be a JSON object."""
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as err:
        raise RecordError(f"invalid UTF-8 at byte {err.start}") from None
    except json.JSONDecodeError as err:
        end = len(err.doc.rstrip("\r\n"))  # a record cut short errs past its line's newline
        where = "at the end of the line" if err.pos >= end else f"at column {err.pos + 1}"
        raise RecordError(f"invalid JSON: {err.msg.removesuffix(' at')} {where}") from None
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {json_type(record)}")
    return record


def _string(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str):
        what = "missing" if name not in record else f"{json_type(value)}, not a string"
        raise RecordError(f"field '{name}' is {what}")
    return value


def _language(cleaner: Cleaner, record: dict[str, Any], fields: Fields) -> str | None:
    """The record's language code (DE, de-DE, german: de); missing or null: --lang's, else None (detected)."""
    value = record.get(fields.lang) if fields.lang else None
    try:
        return fields.default_lang if value is None else cleaner.language(value)
    except ValueError as err:
        raise RecordError(f"field '{fields.lang}': {err}") from None


def record_site(record: dict[str, Any], fields: Fields) -> tuple[str | None, str | None]:
    """The record's site (its --site-field, a host or URL) and URL (its --url-field), either None."""
    url = record.get(fields.url)
    url = url if isinstance(url, str) else None
    value = record.get(fields.site) if fields.site else None
    if value is None:
        return None, url
    try:
        return site_name(value), url
    except ValueError as err:
        raise RecordError(f"field '{fields.site}': {err}") from None


def run_cleaner(cleaner: Cleaner, fields: Fields, record: dict[str, Any]) -> Result:
    """Clean the record's HTML when it has some (and --html-field is set), else its text; rules scoped
    to sites run for its site (the --site-field, else its URL's host)."""
    lang = _language(cleaner, record, fields)
    site, url = record_site(record, fields)
    page_type = record_page_type(record, fields)
    if fields.html and record.get(fields.html) is not None:
        from cleaner.html import clean_page  # imports trafilatura: text batches never pay for it

        return clean_page(cleaner, _string(record, fields.html), url, lang, site=site, page_type=page_type)
    return cleaner.clean(_string(record, fields.text), lang=lang, site=site, url=url, page_type=page_type)


def record_page_type(record: dict[str, Any], fields: Fields) -> str | None:
    """The record's page type (its --page-type-field), None when it has none."""
    value = record.get(fields.page_type) if fields.page_type else None
    try:
        return None if value is None else check_page_type(value)
    except ValueError as err:
        raise RecordError(f"field '{fields.page_type}': {err}") from None


def annotate(record: dict[str, Any], result: Result) -> None:
    """Add the removals, per-rule counts, warnings and guard outcome, named as in `cleaner --format json`."""
    record["removals"] = [r.as_dict() for r in result.removals]
    record["counts"] = result.counts
    record["warnings"] = list(result.warnings)
    record["page_type"] = result.page_type
    if result.guard:
        record["guard"] = result.guard


def dump(record: dict[str, Any]) -> bytes:
    """One JSONL line as UTF-8; a record holding a lone surrogate ("\\ud800" in its JSON) is malformed, as the
    service's 422 says: no UTF-8 line can hold it, and "\\ud800" in the output fails strict readers."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        raise RecordError(f"{surrogate_at(record)}: lone surrogate (not valid Unicode)") from None


def surrogate_at(value: Any, where: str = "") -> str:
    """Where the first lone surrogate in a JSON value is: "field 'meta.title'" (a key: "a key of ...")."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and not encodes(key):
            return f"a key of field '{where}'" if where else "a field name"
        if isinstance(item, str) and not encodes(item):
            return f"field '{path}'"
        if isinstance(item, dict | list) and (found := surrogate_at(item, path)) != "the record":
            return found
    return "the record"


def clean_record(cleaner: Cleaner, fields: Fields, raw: bytes) -> tuple[bytes, Result, dict[str, Any]]:
    """The output line for one input line, the cleaning result and the record."""
    record = parse(raw)
    result = run_cleaner(cleaner, fields, record)
    record[fields.output or fields.text] = result.text
    if fields.with_removals:
        annotate(record, result)
    return dump(record), result, record


# --- workers -----------------------------------------------------------------------------

_worker: tuple[Cleaner, Fields] | None = None


def init_worker(build: Callable[..., Cleaner], options: dict[str, Any], fields: Fields) -> None:
    """Pool initializer: a forked worker keeps the parent's Cleaner; a spawned one builds its own
    from the same options (rule steps are closures and do not pickle)."""
    global _worker
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    exit_with_parent(os.getppid())
    if _worker is None:
        _worker = (build(**options), fields)


def exit_with_parent(parent: int) -> None:
    """A worker whose parent died (SIGKILL) exits within a second instead of blocking on the pipe for ever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def clean_line(number: int, raw: bytes, keep: bool = False) -> Outcome:
    """Clean one line; any failure becomes an error outcome that keeps the line number. With `keep`
    (pass one of learning), the outcome holds what pass two needs too (first_state)."""
    assert _worker is not None
    cleaner, fields = _worker
    try:
        output, result, record = clean_record(cleaner, fields, raw)
        state = first_state(cleaner, fields, record, result) if keep else None
    except RecordError as err:
        return Outcome(number, len(raw), error=str(err))
    except ExcessiveRemovalError as err:
        return Outcome(number, len(raw), error=f"{err} (--on-excess fail)", excess=True)
    except Exception as err:  # noqa: BLE001 - a failing rule must not lose the line number
        return Outcome(number, len(raw), error=f"cleaning failed: {type(err).__name__}: {err}")
    return Outcome(number, len(raw), output, result.counts, bool(result.warnings), state=state)


def clean_chunk(chunk: Chunk) -> list[Outcome]:
    return [clean_line(number, raw) for number, raw in chunk]


def learn_chunk(chunk: Chunk) -> list[Outcome]:
    """Pass one of learning: clean as clean_chunk does, keeping each record's first_state."""
    return [clean_line(number, raw, keep=True) for number, raw in chunk]


def read_chunks(stream: BinaryIO, records: int = CHUNK_RECORDS, max_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Numbered non-blank lines, a few at a time; reads only as far as the consumer asks."""
    chunk: Chunk = []
    size = 0
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        chunk.append((number, raw))
        size += len(raw)
        if len(chunk) >= records or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def in_process(chunks: Iterable[Any], cleaner: Cleaner, fields: Fields,
               task: Callable[[Any], list[Outcome]] = clean_chunk) -> Iterator[list[Outcome]]:
    """One job: clean in this process with the already built Cleaner."""
    global _worker
    _worker = (cleaner, fields)
    for chunk in chunks:
        yield task(chunk)


def in_pool(chunks: Iterable[Any], cleaner: Cleaner, setup: tuple[Any, ...], jobs: int,
            task: Callable[[Any], list[Outcome]] = clean_chunk) -> Iterator[list[Outcome]]:
    """Several jobs: a bounded queue of tasks, results taken back in submission order.
    (concurrent.futures rather than multiprocessing.Pool: the Pool's worker-handler thread wakes
    whenever a result is waiting to be read, and spun for 4% of the CPU of a 2-job run.)"""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _worker
    _worker = (cleaner, setup[2])  # inherited as is by workers started with fork
    chunks = iter(chunks)
    for chunk in islice(chunks, WARM_CHUNKS):  # regexes compile lazily: forked workers inherit these
        yield task(chunk)
    pool = ProcessPoolExecutor(jobs, initializer=init_worker, initargs=setup)
    try:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.submit(task, chunk))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield outcomes_of(pending.popleft(), pool)
        while pending:
            yield outcomes_of(pending.popleft(), pool)
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed, or out of memory?)") from None
    finally:
        pool.shutdown(cancel_futures=True)  # on a stop: queued chunks are dropped, running ones finish


DEAD_WORKER_GRACE = 2.0  # seconds the pool has to notice a dead worker itself before the run stops it


def outcomes_of(future: Any, pool: Any) -> list[Outcome]:
    """A task's outcomes. The pool notices a dead worker itself, except when the worker died halfway
    through sending its results: its manager thread then waits for the rest for ever. So a worker seen
    dead for DEAD_WORKER_GRACE seconds with the task still pending stops the run here (WorkerDied)."""
    dead_since = None
    while True:
        try:
            return future.result(timeout=0.25)
        except TimeoutError:
            pass
        processes = list((getattr(pool, "_processes", None) or {}).values())
        if not any(process.exitcode is not None for process in processes):
            continue
        dead_since = dead_since or time.monotonic()
        if time.monotonic() - dead_since > DEAD_WORKER_GRACE:
            unblock(pool, processes)
            raise WorkerDied("a worker process died (killed, or out of memory?)")


def unblock(pool: Any, processes: list[Any]) -> None:
    """Let a pool stuck on a dead worker's half-sent result shut down: the other workers are killed, then
    this process's end of the result pipe is closed, so that the pool's reader gets end-of-file."""
    for process in processes:
        process.kill()
    for process in processes:
        process.join(5)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


# --- the run -----------------------------------------------------------------------------


class Progress:
    """A one-line counter on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int | None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.total, self.drawn = total, 0.0

    def update(self, summary: Summary) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.drawn < 0.2:
            return
        self.drawn = now
        share = f"{100 * summary.size / self.total:5.1f}% " if self.total else ""
        rate = summary.size / 1e6 / max(now - summary.started, 1e-9)
        self.stream.write(f"\r{share}{summary.records} records, {summary.size / 1e6:.1f} MB, {rate:.1f} MB/s")
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def warn(message: str, progress: Progress) -> None:
    progress.clear()
    print(f"cleaner: warning: {message}", file=sys.stderr, flush=True)


def drain(batches: Iterable[list[Outcome]], sink: Sink, on_error: str, progress: Progress,
          held: list[str] | None = None, watch: Callable[[Outcome], None] | None = None) -> Summary:
    """Write outcomes in order; skip or stop on a bad record (its warning kept in `held` when given, not shown);
    `watch` sees each outcome first."""
    summary = Summary()
    for outcomes in batches:
        for outcome in outcomes:
            summary.add(outcome)
            if watch is not None:
                watch(outcome)
            if outcome.output is not None:
                sink.write(outcome.output)
            elif on_error == "fail":
                raise BatchStopped(outcome.line, outcome.error or "", 3 if outcome.excess else 2)
            elif held is not None:
                held.append(f"line {outcome.line}: {outcome.error}; skipped")
            else:
                warn(f"line {outcome.line}: {outcome.error}; skipped", progress)
        progress.update(summary)
    return summary


class CannotRead(Exception):
    """The input is not what its name says (a .gz file that is not gzip data)."""


@contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """stdin for '-', decompressed as it is read when it starts as gzip data does; a file, decompressed
    when its name ends in .gz."""
    stdin = stdin_stream() if path == "-" else None
    if stdin is not None and not getattr(stdin, "peek", lambda n: b"")(2).startswith(GZIP_MAGIC):
        yield stdin
        return
    if stdin is None and not path.endswith(".gz"):
        with open(path, "rb", buffering=1 << 20) as stream:
            yield stream
        return
    import gzip
    import zlib

    try:
        with gzip.open(stdin or path, "rb") as stream:
            yield stream  # type: ignore[misc]
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise CannotRead(f"{'<stdin>' if stdin else path}: not valid gzip data ({err})") from None


@contextmanager
def open_output(path: str) -> Iterator[Sink]:
    """stdout for '-'; a device or pipe as it is; else a temp file beside `path`, renamed over it on
    success (console.replacing: a temp file left by a killed run is removed by the next one)."""
    if path == "-":
        sink = stdout_sink()
        yield sink
        sink.flush()
        return
    if os.path.exists(path) and not os.path.isfile(path):  # /dev/null, a FIFO: never replace
        with open(path, "wb", buffering=1 << 20) as stream:
            yield Sink(stream, path)
        return
    with replacing(Path(path)) as sink:
        if not path.endswith(".gz"):
            yield sink
            return
        compressed = GzipSink(sink)
        yield compressed
        compressed.finish()


class GzipSink:
    """A sink that gzips what it is given into another (an OUT named .gz is written compressed)."""

    def __init__(self, sink: Sink) -> None:
        import zlib

        self.sink, self.zip = sink, zlib.compressobj(6, zlib.DEFLATED, 31)  # (wbits 31: the gzip format)

    def write(self, data: bytes) -> None:
        self.sink.write(self.zip.compress(data))

    def flush(self) -> None:
        self.sink.flush()

    def finish(self) -> None:
        self.sink.write(self.zip.flush())


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread for the length of the run, so cleanup runs."""
    def stop(signum: int, frame: Any) -> None:
        raise Terminated()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def input_size(path: str) -> int | None:
    """Bytes in a regular input file, for the progress percentage."""
    if path == "-" or not os.path.isfile(path):
        return None
    return os.path.getsize(path) or None


def run(source: str, target: str, cleaner: Cleaner, setup: tuple[Any, ...], *, jobs: int = 1, on_error: str = "fail",
        chunk_records: int = CHUNK_RECORDS, into: Any = None, held: list[str] | None = None,
        task: Callable[[Any], list[Outcome]] = clean_chunk, prepare: Callable[[Iterator[Chunk]], Iterator[Any]] | None = None,
        watch: Callable[[Outcome], None] | None = None) -> Summary:
    """Clean JSONL from `source` into `target` (or into the sink `into`: anything with write(bytes) and
    flush()); `setup` = (build, options, fields) for worker processes; `held` and `watch` as drain's.
    Each chunk of input lines becomes a task (`prepare` turns them into others first)."""
    fields: Fields = setup[2]
    progress = Progress(input_size(source))
    output = open_output(target) if into is None else nullcontext(into)
    with sigterm_stops(), open_input(source) as stream, output as sink:
        chunks = read_chunks(stream, chunk_records)
        tasks = chunks if prepare is None else prepare(chunks)
        batches = in_process(tasks, cleaner, fields, task) if jobs == 1 else in_pool(tasks, cleaner, setup, jobs, task)
        try:
            with closing(batches):  # on a stop, shut the pool down now
                return drain(batches, sink, on_error, progress, held, watch)
        finally:
            progress.clear()


# --- learning the sites' furniture first (the default; --no-learn-sites turns it off) -----------


class LearningSink:
    """Pass one's output, written to the spool as it comes; each outcome's state (first_state) written to
    `states`, one JSON line per input record, and its cleaned text counted for its site."""

    def __init__(self, learner: Any, spool: Sink, states: BinaryIO) -> None:
        self.learner, self.spool, self.states, self.unsited = learner, spool, states, 0

    def write(self, data: bytes) -> None:
        self.spool.write(data)

    def watch(self, outcome: Outcome) -> None:
        if outcome.state is None:  # a bad record: pass two cleans it again, to the same error
            self.states.write(json.dumps([outcome.line, outcome.size]).encode("ascii") + b"\n")
            return
        site, text, resumable, removed, total = outcome.state
        line = [outcome.line, outcome.size, site, resumable, removed, total, outcome.counts, outcome.warned]
        self.states.write(json.dumps(line).encode("ascii") + b"\n")
        if site is None:
            self.unsited += 1
        else:
            self.learner.add(site, text)

    def flush(self) -> None:
        self.spool.flush()


def first_state(cleaner: Cleaner, fields: Fields, record: dict[str, Any], result: Result) -> tuple[Any, ...]:
    """What pass two needs of a record's first cleaning: its site and cleaned text (to learn from),
    whether running only the learned rules on that text gives what cleaning the record again would
    (resume), and the two terms of its removed share (so that the max_removed guard can be judged)."""
    site, url = record_site(record, fields)
    site = site or (url_site(url) if url else None)
    html = fields.html is not None and record.get(fields.html) is not None
    resumable = not html and not result.warnings and result.guard is None and "\ufeff" not in result.source
    removed, total = cleaner.removed_chars(result) if resumable else (0, 0)
    return site, result.text, resumable, removed, total


@dataclass
class FirstPass:
    """What pass one leaves: its summary, its records without a site, and its skipped records' warnings."""

    summary: Summary
    unsited: int
    held: list[str]


def learn_sites(source: str, folder: Path, cleaner: Cleaner, setup: tuple[Any, ...], learner: Any, *, jobs: int = 1,
                on_error: str = "fail", chunk_records: int = CHUNK_RECORDS) -> FirstPass:
    """Pass one: clean every record of `source` as `run` does, count what is left of each in `learner`
    (memory bounded: see cleaner.learn), and keep in `folder` its output (SPOOL: what to write if nothing
    is learned) and each record's state (STATES: what pass two resumes from)."""
    held: list[str] = []
    with open(folder / SPOOL, "wb", buffering=1 << 20) as stream, open(folder / STATES, "wb", buffering=1 << 20) as states:
        sink = LearningSink(learner, Sink(stream, str(folder / SPOOL)), states)
        summary = run(source, "-", cleaner, setup, jobs=jobs, on_error=on_error, chunk_records=chunk_records,
                      into=sink, held=held, task=learn_chunk, watch=sink.watch)
        sink.flush()
    return FirstPass(summary, sink.unsited, held)


SPOOL, STATES = "pass-one.jsonl", "pass-one-states.jsonl"


def clean_again(source: str, target: str, folder: Path, pack: Path, cleaner: Cleaner, setup: tuple[Any, ...], *,
                fast: Fast | None = None, jobs: int = 1, on_error: str = "fail",
                chunk_records: int = CHUNK_RECORDS) -> Summary:
    """Pass two, with `cleaner` (pass one's rules, then the learned `pack`, the last to run): each record
    ends as cleaning it again would end it, at less cost where pass one's output allows (see Planner.plan;
    `fast` as learned_rules')."""
    fields: Fields = setup[2]
    learned = learned_rules(cleaner, str(pack), fast)
    sites = frozenset(learned.sites) if learned is not None else frozenset()
    with open(folder / STATES, "rb") as states, open(folder / SPOOL, "rb") as spool:
        planner = Planner(states, spool, sites, learned is not None and not fields.with_removals)

        def prepare(chunks: Iterator[Chunk]) -> Iterator[list[Item]]:
            for chunk in chunks:
                yield [planner.plan(number, raw) for number, raw in chunk]

        return run(source, target, cleaner, setup, jobs=jobs, on_error=on_error, chunk_records=chunk_records,
                   task=partial(finish_chunk, str(pack), fast), prepare=prepare)


Item = tuple[int, bytes | None, bytes | None, list[Any] | None]  # number, input line, pass one's line, its state


class Planner:
    """How pass two ends each record, from pass one's STATES and SPOOL read alongside the input."""

    def __init__(self, states: BinaryIO, spool: BinaryIO, sites: frozenset[str], resume: bool) -> None:
        self.states, self.spool, self.sites, self.resume, self.lost = states, spool, sites, resume, False

    def plan(self, number: int, raw: bytes) -> Item:
        """Pass one's line as it is when no learned rule is for the record's site (the rules in force are then
        pass one's); the learned rules over pass one's text when it is resumable (first_state) and no removal
        is listed (their line numbers are the input's); else cleaned again from the input. So is every record
        from one whose state is not the input's own (the input changed between the passes)."""
        state = None if self.lost else json.loads(self.states.readline() or "null")
        if state is None or state[:2] != [number, len(raw)]:
            self.lost = True
            return number, raw, None, None
        if len(state) == 2:  # a bad record
            return number, raw, None, None
        spooled = self.spool.readline()
        if state[2] not in self.sites:
            return number, None, spooled, state
        if self.resume and state[3]:
            return number, raw, spooled, state
        return number, raw, None, None


class Learned(Protocol):
    """Pass two's learned rules: a Cleaner of them, or what a `Fast` made of them."""

    sites: Collection[str]

    def clean(self, text: str, *, site: str) -> Result: ...


# Given learned rules and their time limit: a Learned that removes what a Cleaner of them removes, at less
# cost, or None when it cannot (cleaner.learn.LearnedLines.of, which the command gives).
Fast = Callable[[list[Rule], float | None], Learned | None]


def learned_rules(cleaner: Cleaner, pack: str, fast: Fast | None = None) -> Learned | None:
    """Only the rules from `pack` (a file, or a folder of them), when they are the last `cleaner` runs (else
    None): made by `fast` when it takes them, else a Cleaner of them."""
    inside = os.path.join(pack, "")
    rules = [rule for rule in cleaner.rules if rule.source == pack or rule.source.startswith(inside)]
    if not rules or cleaner.rules[-len(rules):] != rules:
        return None
    made = fast(rules, cleaner.timeout) if fast is not None else None
    return made or Cleaner.from_rules(rules, timeout=cleaner.timeout, max_removed=None)


_learned: tuple[Cleaner, str, Learned | None] | None = None  # the worker's cleaner, the pack, learned_rules'


def finish_chunk(pack: str, fast: Fast | None, items: list[Item]) -> list[Outcome]:
    """Pass two's task: each item as Planner.plan said."""
    global _learned
    assert _worker is not None
    if _learned is None or _learned[0] is not _worker[0] or _learned[1] != pack:
        _learned = (_worker[0], pack, learned_rules(_worker[0], pack, fast))
    return [finish_line(_learned[2], *item) for item in items]


def finish_line(learned: Learned | None, number: int, raw: bytes | None, spooled: bytes | None,
                state: list[Any] | None) -> Outcome:
    """One record of pass two, as Planner.plan said."""
    if spooled is None or state is None:
        assert raw is not None
        return clean_line(number, raw)
    _, size, site, _, removed, total, counts, warned = state
    if raw is None:
        return Outcome(number, size, spooled, counts, warned)
    assert _worker is not None and learned is not None
    resumed = resume(learned, _worker, spooled, site, removed, total)
    if resumed is None:
        return clean_line(number, raw)
    output, more = resumed
    return Outcome(number, size, output, {**counts, **more}, warned)


def resume(learned: Learned, worker: tuple[Cleaner, Fields], spooled: bytes, site: str, removed: int,
           total: int) -> tuple[bytes, dict[str, int]] | None:
    """The learned rules over pass one's text: the line and the learned rules' counts, or None when cleaning
    again must decide (a warning, or the whole over max_removed, whose guard says more)."""
    cleaner, fields = worker
    record = json.loads(spooled)
    name = fields.output or fields.text
    result = learned.clean(record[name], site=site)
    if result.warnings:
        return None
    if not result.removals:
        return spooled, {}
    removed += sum(len(r.text.strip()) for r in result.removals)
    if cleaner.max_removed is not None and total > 0 and removed / total > cleaner.max_removed:
        return None
    record[name] = result.text
    return dump(record), result.counts


def copy_out(spool: Path, target: str) -> None:
    """Pass one's output as the run's (nothing was learned): into `target` as `run` writes it."""
    with sigterm_stops(), open(spool, "rb") as stream, open_output(target) as sink:
        while block := stream.read(1 << 20):
            sink.write(block)
