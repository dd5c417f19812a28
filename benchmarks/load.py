"""Load and fault benchmark for `cleaner serve`: one bounded run over loopback (127.0.0.1 only).

    python benchmarks/load.py [--requests 3000] [--concurrency 32] [--seed 20] [--slow-clients 200]
                              [--workers 1] [--no-faults]

Starts the real server (`python -m cleaner serve`, its defaults plus one test rule that
backtracks for minutes on a crafted line), measures p50 unloaded (one client, one request at a
time), then sends `--requests` POST /v1/clean from `--concurrency` client threads (http.client,
one keep-alive connection each) with AEB-sized payloads: the golden inputs and the AEB articles
(`../shared/data/aeb`, or $CLEANER_AEB), shuffled with `--seed`. During the load, in the same
run: `--slow-clients` sockets dribble header bytes (one a second, reconnecting when closed), the
cleaning process is SIGKILLed once, and a fault thread sends a request whose rule hits its time
limit, oversized bodies (declared and chunked) in parallel, malformed JSON, and a 10,000-item
/v1/clean/batch. A probe client sends one short request every 50 ms throughout.

Every answer is classified: 200, 4xx, 503 and 504 with a JSON body are answers; anything else
(a 500, a non-JSON body, a connection closed without an answer) is "lost". It prints one row per
kind of request, then req/s, RSS of the server and of its cleaning process before and after,
and the targets; exit status 1 if any request was lost. The client shares the machine's cores.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never any other address
HEADERS = {"Content-Type": "application/json"}
SLOW_RULE = """\
[[rule]]
id = "load-slow-backtracking"
kind = "drop_line"
category = "widget"
description = "Backtracks exponentially on a long run of a's ending in b (load.py's time-limit request)."
pattern = '^(a|aa)+$'
"""
SLOW_TEXT = "Body.\n\n" + "a" * 40 + "b\n"
MAX_BODY = 10 * 1024 * 1024  # the server's default --max-body-bytes


# --- payloads and the server -------------------------------------------------------------


def aeb_folder() -> Path | None:
    candidates = [os.environ.get("CLEANER_AEB"), ROOT.parent / "shared" / "data" / "aeb",
                  ROOT.parent.parent / "shared" / "data" / "aeb"]
    return next((Path(c) for c in candidates if c and (Path(c) / "ground-truth.json").is_file()), None)


def payloads(seed: int) -> list[bytes]:
    """The golden inputs and the AEB article bodies as /v1/clean bodies, shuffled with `seed`."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "golden").glob("*.input.txt"))]
    folder = aeb_folder()
    if folder:
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        texts += [v["articleBody"] for _, v in sorted(truth.items()) if v.get("articleBody")]
    random.Random(seed).shuffle(texts)
    return [json.dumps({"text": t}).encode() for t in texts]


def start_server(workers: int, rules: Path, read_timeout: float) -> tuple[subprocess.Popen, int]:
    """Run `cleaner serve` on a free loopback port and wait for /healthz."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "serve", "--isolated", "--no-access-log",
                             "--host", HOST, "--port", str(port), "--workers", str(workers), "--rules", str(rules),
                             "--read-timeout", str(read_timeout)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if health(port):
            return proc, port
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def health(port: int) -> dict | None:
    try:
        return json.loads(call(port, "GET", "/healthz")[1])
    except (OSError, http.client.HTTPException, ValueError):
        return None


def tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for child in children for p in tree(int(child)))]


def rss_mb(pid: int) -> float:
    try:
        line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def cleaning_pids(server: int) -> list[int]:
    return [p for p in tree(server)[1:] if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def memory(server: int) -> tuple[float, float]:
    """RSS in MB of the server process(es) and of the cleaning process(es)."""
    cleaning = cleaning_pids(server)
    others = [p for p in tree(server) if p not in cleaning]
    return sum(map(rss_mb, others)), sum(map(rss_mb, cleaning))


# --- requests and their outcomes ---------------------------------------------------------


def call(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
         conn: http.client.HTTPConnection | None = None, timeout: float = 120) -> tuple[int, bytes]:
    """One request on `conn` (or a new connection); (status, body)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        try:
            conn.request(method, path, body=body, headers=headers or HEADERS)
        except OSError:  # the server may answer (413) and close before the whole body is sent
            if conn.sock is None:
                raise
            reply = conn.getresponse()
            return reply.status, reply.read()
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        if own:
            conn.close()


def outcome(status: int, body: bytes) -> str:
    """'200', '4xx', '503', '504' for answers with a JSON body; else 'lost'."""
    try:
        json.loads(body)
    except ValueError:
        return "lost"
    if status == 200 or status in (503, 504):
        return str(status)
    return "4xx" if 400 <= status < 500 else "lost"


class Tally:
    """Outcomes and latencies per kind of request, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.latency: defaultdict[str, list[float]] = defaultdict(list)
        self.killed: list[int] = []

    def add(self, kind: str, result: str, seconds: float | None = None) -> None:
        with self.lock:
            self.counts[kind][result] += 1
            if seconds is not None:
                self.latency[kind].append(seconds)

    def timed(self, kind: str, port: int, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None, conn: http.client.HTTPConnection | None = None) -> bool:
        """Send one request and record it; False when the connection must be replaced."""
        started = time.perf_counter()
        try:
            result = outcome(*call(port, method, path, body, headers, conn))
        except (OSError, http.client.HTTPException):
            result = "lost"
        self.add(kind, result, time.perf_counter() - started)
        return result != "lost"


def load(port: int, bodies: list[bytes], count: int, concurrency: int, tally: Tally, kind: str = "load") -> float:
    """`count` POST /v1/clean from `concurrency` threads, each on a keep-alive connection; wall seconds."""
    numbers = iter(range(count))  # shared: next() on a range iterator is atomic under the GIL

    def client_loop() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for i in numbers:
            if not tally.timed(kind, port, "POST", "/v1/clean", bodies[i % len(bodies)], conn=conn):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client_loop) for _ in range(concurrency)]:
            future.result()
    return time.perf_counter() - started


def slow_client(port: int, stop: threading.Event, tally: Tally) -> None:
    """Dribble a request's header bytes, one a second, until the server closes the connection; record
    what it said; reconnect until `stop` (the connection open then is still dribbled to its end)."""
    header = b"POST /v1/clean HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    while True:
        started = time.perf_counter()
        with socket.create_connection((HOST, port), timeout=120) as sock:
            sock.settimeout(1.0)
            reply = dribble(sock, header)
        status = reply.split(b" ", 2)[1] if reply.startswith(b"HTTP/1.1 ") else b""
        tally.add("slow client", "4xx" if status == b"408" and reply.endswith(b"}") else "lost",
                  time.perf_counter() - started)
        if stop.is_set():
            return


def dribble(sock: socket.socket, header: bytes, limit: float = 60) -> bytes:
    """What the server said before closing (b"" if nothing, or if it kept the connection `limit` s)."""
    deadline = time.monotonic() + limit
    for i in itertools.count():
        if time.monotonic() > deadline:
            return b""
        try:
            sock.sendall(header[i % len(header):i % len(header) + 1])
            data = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return b""
        while data and not data.endswith(b"}"):
            more = sock.recv(65536)
            if not more:
                break
            data += more
        return data
    return b""


def probe(port: int, stop: threading.Event, tally: Tally) -> None:
    """A short request every 50 ms, on its own connection each time: does the service answer others?"""
    while not stop.is_set():
        tally.timed("probe", port, "POST", "/v1/clean", b'{"text": "Body.\\n\\nLeave a Reply\\n"}')
        time.sleep(0.05)


def faults(port: int, tally: Tally) -> None:
    """The hostile requests, each recorded under its own kind."""
    tally.timed("rule time limit", port, "POST", "/v1/clean", json.dumps({"text": SLOW_TEXT}).encode())
    big = b'{"text": "' + b"x" * MAX_BODY + b'"}'
    with ThreadPoolExecutor(8) as pool:
        for i in range(8):
            pool.submit(tally.timed, "oversized body", port, "POST", "/v1/clean", big)
        for i in range(4):  # no Content-Length: http.client sends an iterable chunked
            pool.submit(tally.timed, "oversized body", port, "POST", "/v1/clean/batch",
                        (big[j:j + 65536] for j in range(0, len(big), 65536)))
    for body in (b'{"text": "unterminated', b"[{]", b"\xff\xfe", b'{"text": 5}', b""):
        for _ in range(10):
            tally.timed("malformed JSON", port, "POST", "/v1/clean", body)
    tally.timed("10,000-item batch", port, "POST", "/v1/clean/batch", json.dumps([{"text": "a b c.\n"}] * 10_000).encode())


def kill_worker(server: int, tally: Tally) -> None:
    pids = cleaning_pids(server)
    if pids:
        os.kill(pids[0], signal.SIGKILL)
        tally.killed.append(pids[0])


# --- the run -----------------------------------------------------------------------------


def quantile_ms(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="cleaner-load-") as folder:
        rules = Path(folder) / "slow.toml"
        rules.write_text(SLOW_RULE, encoding="utf-8")
        proc, port = start_server(args.workers, rules, args.read_timeout)
        try:
            return measure(args, proc, port)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def measure(args: argparse.Namespace, proc: subprocess.Popen, port: int) -> dict:
    bodies = payloads(args.seed)
    warm = Tally()
    load(port, bodies, 4 * args.concurrency, args.concurrency, warm)  # warm-up, not counted
    unloaded = Tally()
    load(port, bodies, min(200, len(bodies)), 1, unloaded, "unloaded")
    before = memory(proc.pid)
    tally, stop = Tally(), threading.Event()
    helpers = [threading.Thread(target=probe, args=(port, stop, tally), daemon=True)]
    if not args.no_faults:
        helpers += [threading.Thread(target=slow_client, args=(port, stop, tally), daemon=True)
                    for _ in range(args.slow_clients)]
        helpers.append(threading.Thread(target=faults, args=(port, tally), daemon=True))
        killer = threading.Timer(args.kill_after, kill_worker, args=(proc.pid, tally))
        killer.daemon = True
        helpers.append(killer)
    for thread in helpers:
        thread.start()
    wall = load(port, bodies, args.requests, args.concurrency, tally)
    stop.set()
    for thread in helpers:
        thread.join(timeout=180)
    after = memory(proc.pid)
    return {"tally": tally, "unloaded": unloaded, "wall": wall, "before": before, "after": after,
            "health": health(port), "bodies": bodies}


def report(args: argparse.Namespace, result: dict) -> int:
    tally, wall = result["tally"], result["wall"]
    sizes = [len(b) for b in result["bodies"]]
    print(f"cleaner serve on {HOST}, {args.workers} worker(s); {args.requests} requests from {args.concurrency} "
          f"clients, seed {args.seed}; {len(sizes)} payloads, mean {statistics.mean(sizes) / 1024:.1f} KB, "
          f"max {max(sizes) / 1024:.0f} KB")
    columns = ["200", "4xx", "503", "504", "lost"]
    print(f"{'requests':<18} {'sent':>6} " + " ".join(f"{c:>5}" for c in columns) + f" {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ["unloaded", *tally.counts]:
        counts = result["unloaded"].counts[kind] if kind == "unloaded" else tally.counts[kind]
        times = result["unloaded"].latency[kind] if kind == "unloaded" else tally.latency[kind]
        print(f"{kind:<18} {sum(counts.values()):>6} " + " ".join(f"{counts[c]:>5}" for c in columns)
              + f" {quantile_ms(times, 50):>8.1f} {quantile_ms(times, 99):>8.1f}")
    lost = sum(c["lost"] for c in tally.counts.values()) + result["unloaded"].counts["unloaded"]["lost"]
    p50_unloaded = quantile_ms(result["unloaded"].latency["unloaded"], 50)
    (server0, clean0), (server1, clean1) = result["before"], result["after"]
    print(f"load: {args.requests / wall:.0f} req/s over {wall:.1f} s")
    print(f"RSS MB: server {server0:.0f} -> {server1:.0f}; cleaning process {clean0:.0f} -> {clean1:.0f}"
          f" (a killed one is replaced, so its figure restarts)")
    if not args.no_faults:
        print(f"cleaning process SIGKILLed {args.kill_after:g} s into the load: pid {tally.killed or 'none'}")
    print(f"health after the run: {json.dumps((result['health'] or {}).get('cleaning'))}")
    for kind in ("load", "probe"):
        p99 = quantile_ms(tally.latency[kind], 99)
        print(f"target p99 {kind} <= 5 x p50 unloaded ({5 * p50_unloaded:.1f} ms): {p99:.1f} ms, "
              f"{'met' if p99 <= 5 * p50_unloaded else 'NOT met'}")
    print(f"target no request lost: {'met' if not lost else f'NOT met ({lost} lost)'}")
    return 1 if lost else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--slow-clients", type=int, default=200)
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds into the load run")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--read-timeout", type=float, default=10.0, help="the server's --read-timeout")
    parser.add_argument("--no-faults", action="store_true", help="only the load and the probe")
    args = parser.parse_args()
    sys.exit(report(args, run(args)))


if __name__ == "__main__":
    main()
