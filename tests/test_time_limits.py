"""Time limits under load (issue 20): the per-document SIGALRM never outlives `clean()` nor
kills the host, nothing but a warning comes of a rule's time limit, and the limits hold in
other threads and inside an asyncio app, where SIGALRM cannot be used."""

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner import Cleaner
from cleaner.engine.loader import build_rule

from conftest import GOLDEN, ROOT

INPUTS = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.input.txt"))]
HANG_GUARD = 120  # seconds: only a hang gets near this

LOOP = """
import signal, sys, time
from pathlib import Path
from cleaner import Cleaner
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.input.txt"))]
cleaner = Cleaner(timeout=float(sys.argv[2]))
end, count = time.monotonic() + float(sys.argv[3]), 0
while time.monotonic() < end:
    for text in texts:
        cleaner.clean(text)
        count += 1
        assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
print(count)
"""


@pytest.mark.parametrize(("timeout", "cache"), [(0.0002, "warm"), (0.002, "warm"), (0.0002, "cold")])
def test_tiny_timeout_in_a_loop_never_kills_the_process(tmp_path, timeout, cache):
    """The alarm fires all the time, also while the watchdog is torn down and (cold cache) while
    a rule's regex is compiled or the regex module imported: the process lives and no timer or
    handler is left behind after any `clean()`."""
    env = dict(os.environ) | ({} if cache == "warm" else {"CLEANER_CACHE_DIR": str(tmp_path / "cache")})
    proc = subprocess.run([sys.executable, "-c", LOOP, str(GOLDEN), str(timeout), "2"], capture_output=True,
                          cwd=ROOT, timeout=HANG_GUARD, env=env)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert proc.stderr == b""
    assert int(proc.stdout) > 0


def test_tiny_timeout_batch_never_kills_the_process(run_cli, tmp_path):
    records = "".join('{"id": %d, "text": %s}\n' % (n, json.dumps(t)) for n, t in enumerate(INPUTS * 100))
    (tmp_path / "in.jsonl").write_text(records, encoding="utf-8")
    proc = run_cli("--timeout", "0.0002", "batch", "in.jsonl", "-o", "out.jsonl")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == len(INPUTS) * 100


def test_main_thread_alarm_ignores_other_threads_rules():
    """Other threads cleaning at the same time once made the main thread's alarm raise between
    rules (in the prefilter, outside any rule) and escape `clean()`: it must only ever become a
    warning about a rule."""
    cleaner = Cleaner(timeout=0.0002)
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            for text in INPUTS:
                cleaner.clean(text)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        end = time.monotonic() + 2
        while time.monotonic() < end:
            for text in INPUTS:
                result = cleaner.clean(text)
                assert all(w.startswith("rule '") for w in result.warnings), result.warnings
    finally:
        stop.set()
        for thread in threads:
            thread.join(HANG_GUARD)


def test_eight_threads_share_one_cleaner():
    cleaner = Cleaner()
    texts = INPUTS * 8
    expected = [cleaner.clean(text) for text in texts]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            got = list(pool.map(cleaner.clean, texts))
            assert [r.text for r in got] == [r.text for r in expected]
            assert [r.removals for r in got] == [r.removals for r in expected]


CATASTROPHIC = "(a|aa)+$"
RUNAWAY = "a" * 40 + "!"  # (a|aa)+$ backtracks exponentially here: hours without a limit


def _runaway_cleaner() -> Cleaner:
    rule = build_rule("<test>", {"id": "runaway", "kind": "drop_line", "category": "widget", "description": "d",
                                 "pattern": CATASTROPHIC})
    return Cleaner.from_rules([rule], timeout=0.2, max_removed=None)


def _assert_stopped(result) -> None:
    assert result.text == RUNAWAY + "\n"
    assert result.warnings == ["rule 'runaway' exceeded the regex time limit (0.2 s); skipped"]


def test_runaway_rule_is_stopped_in_the_main_thread():
    _assert_stopped(_runaway_cleaner().clean(RUNAWAY, "en"))


def test_runaway_rule_is_stopped_in_another_thread():
    cleaner = _runaway_cleaner()
    with ThreadPoolExecutor(2) as pool:
        for result in pool.map(lambda text: cleaner.clean(text, "en"), [RUNAWAY] * 2):
            _assert_stopped(result)


def test_runaway_rule_is_stopped_inside_asyncio():
    """An asyncio app: the main thread (in the loop) and executor threads clean at once."""
    cleaner = _runaway_cleaner()

    async def main() -> list:
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(2) as pool:
            work = [loop.run_in_executor(pool, cleaner.clean, RUNAWAY, "en") for _ in range(2)]
            here = cleaner.clean(RUNAWAY, "en")
            return [here, *await asyncio.gather(*work)]

    for result in asyncio.run(asyncio.wait_for(main(), HANG_GUARD)):
        _assert_stopped(result)
