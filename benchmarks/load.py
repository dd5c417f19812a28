"""Load and fault benchmark for `cleaner serve`: one bounded run over loopback (127.0.0.1 only).

    python benchmarks/load.py [--requests 3000] [--concurrency 32] [--seed 20] [--slow-clients 200]
                              [--pace 0.5] [--kill-after 3] [--workers 1] [--no-faults]

Starts the real server (`python -m cleaner serve`, its defaults plus one test rule that
backtracks for minutes on a crafted line) and, in the same run:

- unloaded: every payload twice, one request at a time (p50 unloaded, and each payload's own
  fastest time);
- closed: `--requests` POST /v1/clean from `--concurrency` client threads (http.client, one
  keep-alive connection each), each sending its next request as soon as it has an answer: the
  server is saturated, so latency is mostly the wait behind the other clients (Little's law:
  clients / req/s, printed beside it);
- paced: `--requests` more at Poisson arrival times, `--pace` times the closed phase's req/s,
  from the same threads; latency counts from when a request was due (open loop: a request that
  waited for a free thread waited like any other). This is "under load" short of saturation.

Payloads: the golden inputs and the AEB articles (`../shared/data/aeb`, or $CLEANER_AEB),
shuffled with `--seed`. From a process of its own (so its threads do not slow the load
clients' through one GIL): `--slow-clients` sockets dribbling header bytes throughout (one a
second, reconnecting when closed) and, in each phase, a request whose rule hits its time limit,
oversized bodies (declared and chunked) in parallel, malformed JSON, a 10,000-item
/v1/clean/batch, and a cleaning process SIGKILLed `--kill-after` seconds in. A probe client
sends one short request every 50 ms throughout.

Every answer is classified: 200, 4xx, 503 and 504 with a JSON body are answers; anything else
(a 500, a non-JSON body, a connection closed without an answer) is "lost". It prints one row per
kind of request, req/s, the server's RSS and the cleaning processes' PSS before and after, CPU
per request of the server, the cleaning processes and the clients, and the targets, with each
request's time over its payload's unloaded time; exit status 1 if any request was lost. The
clients share the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
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
    try:  # children of any of its threads: the pool spawns and forks from worker threads
        children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []
    return [pid, *(p for child in children for p in tree(int(child)))]


def proc_mb(path: str, key: str) -> float:
    """The kB figure on the line of /proc file `path` that starts with `key`, in MB (0 if gone)."""
    try:
        line = next(x for x in Path(path).read_text().splitlines() if x.startswith(key))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def rss_mb(pid: int) -> float:
    return proc_mb(f"/proc/{pid}/status", "VmRSS:")


def cleaning_pids(server: int) -> list[int]:
    return [p for p in tree(server)[1:] if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of `pids` (and their reaped children), from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += sum(int(x) for x in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (forked processes share most) split among their users."""
    return proc_mb(f"/proc/{pid}/smaps_rollup", "Pss:")


def usage(server: int) -> tuple[float, float, float, float]:
    """RSS in MB of the server process(es), PSS of the cleaning processes (the template and its forks),
    and the CPU seconds each side has used (the template's include its reaped forks')."""
    cleaning = cleaning_pids(server)
    others = [p for p in tree(server) if p not in cleaning]
    return sum(map(rss_mb, others)), sum(map(pss_mb, cleaning)), cpu_seconds(others), cpu_seconds(cleaning)


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
        self.payload: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)  # (payload, seconds) of 200s
        self.killed: list[int] = []
        self.why_lost: list[str] = []  # what each lost request got instead of an answer

    def add(self, kind: str, result: str, seconds: float | None = None, payload: int | None = None,
            why: str = "") -> None:
        with self.lock:
            self.counts[kind][result] += 1
            if result == "lost":
                self.why_lost.append(f"{kind}: {why[:300]}")
            if seconds is not None:
                self.latency[kind].append(seconds)
                if payload is not None and result == "200":
                    self.payload[kind].append((payload, seconds))

    def timed(self, kind: str, port: int, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None, conn: http.client.HTTPConnection | None = None,
              started: float | None = None, payload: int | None = None) -> bool:
        """Send one request and record it (its latency from `started`, default now); False when the
        connection must be replaced."""
        started = time.perf_counter() if started is None else started
        try:
            status, reply = call(port, method, path, body, headers, conn)
            result, why = outcome(status, reply), f"{status} {reply[:200]!r}"
        except (OSError, http.client.HTTPException) as err:
            result, why = "lost", f"{type(err).__name__}: {err}"
        self.add(kind, result, time.perf_counter() - started, payload, why)
        return result != "lost"

    def export(self) -> dict:
        return {"counts": {k: dict(v) for k, v in self.counts.items()}, "latency": dict(self.latency),
                "killed": self.killed, "why_lost": self.why_lost}

    def merge(self, exported: dict) -> None:
        for kind, counts in exported["counts"].items():
            self.counts[kind].update(counts)
        for kind, latency in exported["latency"].items():
            self.latency[kind] += latency
        self.killed += exported["killed"]
        self.why_lost += exported["why_lost"]


def load(port: int, bodies: list[bytes], count: int, concurrency: int, tally: Tally, kind: str,
         rate: float | None = None, seed: int = 0) -> float:
    """`count` POST /v1/clean from `concurrency` threads, each on a keep-alive connection; wall seconds.
    Without `rate`, each thread sends its next request as soon as it has the answer (closed loop:
    the server is saturated). With `rate`, requests are due at Poisson arrival times of `rate` per
    second (open loop) and each latency counts from the time it was due, so a request that waited
    for a free client thread waited in the queue like any other."""
    gaps = random.Random(seed)
    due = list(itertools.accumulate(gaps.expovariate(rate) for _ in range(count))) if rate else None
    numbers = iter(range(count))  # shared: next() on a range iterator is atomic under the GIL
    started = time.perf_counter()

    def client_loop() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for i in numbers:
            at = None
            if due is not None:
                at = started + due[i]
                time.sleep(max(0.0, at - time.perf_counter()))
            if not tally.timed(kind, port, "POST", "/v1/clean", bodies[i % len(bodies)], conn=conn, started=at,
                               payload=i % len(bodies)):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
        conn.close()

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
                  time.perf_counter() - started, why=f"after the header bytes, {reply[:200]!r}")
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


def settled_health(port: int, wait: float = 30.0) -> dict | None:
    """/healthz once the pool has replaced every killed process (a replacement is forked in the
    background, so right after a kill `alive` can be one short for a moment), or as it is after `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        status = health(port)
        cleaning = (status or {}).get("cleaning") or {}
        if cleaning.get("alive") == cleaning.get("processes") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def kill_worker(port: int, tally: Tally) -> None:
    """SIGKILL one of the cleaning processes that /healthz lists (a busy one, as the load keeps them busy)."""
    cleaning = (health(port) or {}).get("cleaning") or {}
    pids = cleaning.get("pids") or ([cleaning["pid"]] if cleaning.get("pid") else [])  # before the pool: "pid"
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


def fault_process(port: int, args: argparse.Namespace, commands: multiprocessing.Queue,
                  replies: multiprocessing.Queue) -> None:
    """The slow clients (from "start" to "stop") and, for each "phase", the hostile requests and the
    kill; in a process of their own, so that their threads do not slow the load clients' (one GIL)."""
    tally, stop = Tally(), threading.Event()
    slow = [threading.Thread(target=slow_client, args=(port, stop, tally), daemon=True)
            for _ in range(args.slow_clients)]
    while (command := commands.get()) != "stop":
        if command == "start":
            for thread in slow:
                thread.start()
            continue
        phase = [threading.Thread(target=faults, args=(port, tally)),
                 threading.Timer(args.kill_after, kill_worker, args=(port, tally))]
        for thread in phase:
            thread.start()
        for thread in phase:
            thread.join(timeout=180)
        replies.put("done")
    stop.set()
    for thread in slow:
        thread.join(timeout=180)
    replies.put(tally.export())


def measure(args: argparse.Namespace, proc: subprocess.Popen, port: int) -> dict:
    context = multiprocessing.get_context("fork")  # before this process has threads
    commands, replies = context.Queue(), context.Queue()
    helper = context.Process(target=fault_process, args=(port, args, commands, replies), daemon=True)
    if not args.no_faults:
        helper.start()
    bodies = payloads(args.seed)
    load(port, bodies, 4 * args.concurrency, args.concurrency, Tally(), "warm-up")  # not counted
    unloaded = Tally()
    load(port, bodies, 2 * len(bodies), 1, unloaded, "unloaded")  # each payload twice, one at a time
    before, client_cpu = usage(proc.pid), os.times()
    tally, stop = Tally(), threading.Event()
    prober = threading.Thread(target=probe, args=(port, stop, tally), daemon=True)
    prober.start()
    commands.put("start")
    walls = {}
    for phase in ("closed", "paced"):
        rate = None if phase == "closed" else args.pace * args.requests / walls["closed"]
        if not args.no_faults:
            commands.put("phase")
        walls[phase] = load(port, bodies, args.requests, args.concurrency, tally, phase, rate, args.seed)
        if not args.no_faults:
            replies.get(timeout=300)
    stop.set()
    prober.join(timeout=180)
    if not args.no_faults:
        commands.put("stop")
        tally.merge(replies.get(timeout=300))
        helper.join(timeout=60)
    ended = os.times()
    after = usage(proc.pid)
    client_cpu = sum(ended[:4]) - sum(client_cpu[:4])  # this process and the fault process (a reaped child)
    return {"tally": tally, "unloaded": unloaded, "walls": walls, "before": before, "after": after, "client": client_cpu,
            "health": settled_health(port), "bodies": bodies}


def slowdowns(samples: list[tuple[int, float]], alone: dict[int, float]) -> list[float]:
    """Each request's latency over the same payload's fastest unloaded latency."""
    return [seconds / alone[payload] for payload, seconds in samples if payload in alone]


def report(args: argparse.Namespace, result: dict) -> int:
    tally, walls, unloaded = result["tally"], result["walls"], result["unloaded"]
    sizes = [len(b) for b in result["bodies"]]
    print(f"cleaner serve on {HOST}, {args.workers} worker(s); {args.requests} requests per phase from "
          f"{args.concurrency} clients, seed {args.seed}; {len(sizes)} payloads, mean "
          f"{statistics.mean(sizes) / 1024:.1f} KB, max {max(sizes) / 1024:.0f} KB")
    columns = ["200", "4xx", "503", "504", "lost"]
    print(f"{'requests':<18} {'sent':>6} " + " ".join(f"{c:>5}" for c in columns) + f" {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ["unloaded", *tally.counts]:
        counts = unloaded.counts[kind] if kind == "unloaded" else tally.counts[kind]
        times = unloaded.latency[kind] if kind == "unloaded" else tally.latency[kind]
        print(f"{kind:<18} {sum(counts.values()):>6} " + " ".join(f"{counts[c]:>5}" for c in columns)
              + f" {quantile_ms(times, 50):>8.1f} {quantile_ms(times, 99):>8.1f}")
    lost = sum(c["lost"] for c in tally.counts.values()) + unloaded.counts["unloaded"]["lost"]
    p50_unloaded = quantile_ms(unloaded.latency["unloaded"], 50)
    alone: dict[int, float] = {}
    for payload, seconds in unloaded.payload["unloaded"]:
        alone[payload] = min(seconds, alone.get(payload, seconds))
    closed_rate, paced_rate = args.requests / walls["closed"], args.pace * args.requests / walls["closed"]
    print(f"closed loop: {closed_rate:.0f} req/s over {walls['closed']:.1f} s: {args.concurrency} clients always "
          f"waiting, so a request waits for about {args.concurrency} / {closed_rate:.0f} req/s = "
          f"{1000 * args.concurrency / closed_rate:.0f} ms (the p50 under saturation)")
    print(f"paced: {paced_rate:.0f} req/s offered ({args.pace:g} x the closed loop's), "
          f"{args.requests / walls['paced']:.0f} req/s answered over {walls['paced']:.1f} s")
    (server0, clean0, server_cpu0, clean_cpu0), (server1, clean1, server_cpu1, clean_cpu1) = result["before"], result["after"]
    print(f"memory MB: server RSS {server0:.0f} -> {server1:.0f}; cleaning processes PSS {clean0:.0f} -> {clean1:.0f}")
    answered = sum(sum(c.values()) for c in tally.counts.values())
    print(f"CPU ms per request ({answered} requests): server {1000 * (server_cpu1 - server_cpu0) / answered:.2f}, "
          f"cleaning {1000 * (clean_cpu1 - clean_cpu0) / answered:.2f}, the clients {1000 * result['client'] / answered:.2f}")
    if not args.no_faults:
        print(f"cleaning process SIGKILLed {args.kill_after:g} s into each phase: pids {tally.killed or 'none'}")
    print(f"health after the run: {json.dumps((result['health'] or {}).get('cleaning'))}")
    print(f"unloaded p99 / p50: {quantile_ms(unloaded.latency['unloaded'], 99) / p50_unloaded:.1f} "
          f"(the payloads' own spread)")
    for kind in ("closed", "paced", "probe"):
        p99, slow = quantile_ms(tally.latency[kind], 99), slowdowns(tally.payload[kind], alone)
        slow_p99 = f"{statistics.quantiles(slow, n=100)[98]:.1f}" if len(slow) > 1 else "-"
        print(f"target p99 {kind} <= 5 x p50 unloaded ({5 * p50_unloaded:.1f} ms): {p99:.1f} ms, "
              f"{'met' if p99 <= 5 * p50_unloaded else 'NOT met'}; p99 of each request's time over its "
              f"payload's unloaded time: {slow_p99}")
    for why in (tally.why_lost + unloaded.why_lost)[:10]:
        print(f"lost: {why}")
    print(f"target no request lost: {'met' if not lost else f'NOT met ({lost} lost)'}")
    return 1 if lost else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--slow-clients", type=int, default=200)
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds into each phase")
    parser.add_argument("--pace", type=float, default=0.5,
                        help="the paced phase offers this share of the closed loop's req/s")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--read-timeout", type=float, default=10.0, help="the server's --read-timeout")
    parser.add_argument("--no-faults", action="store_true", help="only the load and the probe")
    args = parser.parse_args()
    sys.exit(report(args, run(args)))


if __name__ == "__main__":
    main()
