"""Load benchmark for `cleaner serve`: a bounded number of POST /v1/clean requests over loopback.

    python benchmarks/load.py [--requests 2000] [--concurrency 16] [--workers 1 2] [--payload golden tiny]

Starts the real server (`python -m cleaner serve`) on 127.0.0.1 once per worker count, sends the
payload round-robin from client threads (http.client, one keep-alive connection each: an asyncio
httpx client measured 5x slower than the server here), and prints requests/s, p50/p99 latency and
the count of failed requests. `golden`: the golden articles (a few KB each); `tiny`: one short line,
so the row shows the cost of HTTP, validation and the hop to the cleaning process. The client runs
on the same machine and competes with the server for its cores.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"Content-Type": "application/json"}
PAYLOADS = {
    "golden": [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "golden").glob("*.input.txt"))],
    "tiny": ["Body text.\n"],
}


def start_server(workers: int) -> tuple[subprocess.Popen, int]:
    """Run `cleaner serve` on a free loopback port and wait for /healthz."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "serve", "--isolated", "--no-access-log",
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as reply:
                if reply.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def fire(port: int, texts: list[str], count: int, concurrency: int) -> tuple[list[float], int, float]:
    """Send `count` requests from `concurrency` threads, each on its own keep-alive connection."""
    bodies = [json.dumps({"text": t}).encode() for t in texts]
    numbers = iter(range(count))  # shared: next() on a range iterator is atomic under the GIL
    latencies: list[float] = []
    failures: list[int] = []

    def client_loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for i in numbers:
            started = time.perf_counter()
            try:
                conn.request("POST", "/v1/clean", body=bodies[i % len(bodies)], headers=HEADERS)
                reply = conn.getresponse()
                reply.read()
                ok = reply.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            latencies.append(time.perf_counter() - started)
            if not ok:
                failures.append(i)
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client_loop) for _ in range(concurrency)]:
            future.result()
    return latencies, len(failures), time.perf_counter() - started


def measure(workers: int, payload: str, count: int, concurrency: int) -> dict[str, float | str]:
    """One row of the table: start a server, warm it up, load it, stop it."""
    proc, port = start_server(workers)
    try:
        fire(port, PAYLOADS[payload], 4 * concurrency, concurrency)  # warm-up, not counted
        latencies, failed, wall = fire(port, PAYLOADS[payload], count, concurrency)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    cuts = statistics.quantiles(latencies, n=100)
    return {"payload": payload, "workers": workers, "requests": count, "failed": failed, "rps": count / wall,
            "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--payload", nargs="+", choices=sorted(PAYLOADS), default=["golden"])
    args = parser.parse_args()
    golden = PAYLOADS["golden"]
    print(f"POST /v1/clean over loopback, concurrency {args.concurrency}; "
          f"golden: {len(golden)} articles, mean {sum(map(len, golden)) / len(golden) / 1024:.1f} KB")
    print(f"{'payload':<8} {'workers':>7} {'requests':>8} {'failed':>6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    rows = [measure(w, p, args.requests, args.concurrency) for p in args.payload for w in args.workers]
    for r in rows:
        print(f"{r['payload']:<8} {r['workers']:>7} {r['requests']:>8} {r['failed']:>6} {r['rps']:>8.0f} "
              f"{r['p50']:>7.1f} {r['p99']:>7.1f}")
    sys.exit(1 if any(r["failed"] for r in rows) else 0)


if __name__ == "__main__":
    main()
