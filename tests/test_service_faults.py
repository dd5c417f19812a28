"""The HTTP service under faults: a real `cleaner serve` on 127.0.0.1, real signals, real sockets.

Each test starts its own server (a few seconds each); hang-guards are generous, nothing is timed."""

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

from test_server import SLOW_RULE, SLOW_TEXT, start_server, stop_server  # noqa: E402

FINE = {"text": "Body.\n\nLeave a Reply\n"}


def children(pid: int) -> list[int]:
    """Children of any of the process's threads (the pool forks and spawns from worker threads)."""
    return [int(p) for task in Path(f"/proc/{pid}/task").iterdir() for p in (task / "children").read_text().split()]


def spawned(server_pid: int) -> list[int]:
    """The server's multiprocessing spawn children (the template its cleaning processes are forked from)."""
    return [p for p in children(server_pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def cleaning(client) -> dict:
    return client.get("/healthz").json()["cleaning"]


def running(pid: int) -> bool:
    """Not yet a zombie (a process being killed still has its /proc entry, in state R, S or D)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


def wait_for(predicate, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s")


@pytest.fixture
def rules(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_RULE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def serve(rules):
    """Start a server with extra options; stopped at the end of the test."""
    started = []

    def start(*args: str, before: tuple[str, ...] = ()):
        proc, url = start_server(rules, "--isolated", "--rules", "slow.toml", *args, before=before)
        started.append(proc)
        return proc, httpx.Client(base_url=url, timeout=60)

    yield start
    for proc in started:
        stop_server(proc)


def test_idle_worker_killed_is_replaced(serve):
    proc, client = serve("--processes", "2")
    assert [client.post("/v1/clean", json=FINE).status_code for _ in range(2)] == [200, 200]
    before = cleaning(client)
    worker = before["pids"][0]
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: not running(worker), what="the killed worker dead")  # else a request may still reach it
    replies = [client.post("/v1/clean", json=FINE) for _ in range(5)]
    assert [r.status_code for r in replies] == [200] * 5, [r.text for r in replies]
    assert replies[-1].json()["text"] == "Body.\n"
    health = wait_for(lambda: (h := client.get("/healthz").json())["cleaning"]["alive"] == 2 and h,
                      what="the killed process replaced")
    assert health["status"] == "ok" and health["cleaning"]["restarts"] == 1
    assert worker not in health["cleaning"]["pids"] and len(health["cleaning"]["pids"]) == 2
    assert set(health["cleaning"]["pids"]) <= set(children(before["template"]))


def test_killed_template_is_replaced_and_requests_go_on(serve):
    proc, client = serve("--processes", "2")
    before = cleaning(client)
    os.kill(before["template"], signal.SIGKILL)
    os.kill(before["pids"][0], signal.SIGKILL)  # its replacement needs a new template
    wait_for(lambda: not running(before["template"]) and not running(before["pids"][0]), what="both dead")
    replies = [client.post("/v1/clean", json=FINE) for _ in range(5)]
    assert [r.status_code for r in replies] == [200] * 5, [r.text for r in replies]
    after = wait_for(lambda: (c := cleaning(client))["alive"] == 2 and c, what="two processes again")
    assert after["template"] != before["template"] and after["template"] in spawned(proc.pid)
    assert before["pids"][1] in after["pids"] and before["pids"][0] not in after["pids"]


def test_a_long_request_moves_to_the_slow_lane_and_others_are_served(serve):
    """One cleaning process and a request that runs for minutes: the others are still answered (a fresh
    process takes the slow one's place); killing the slow one costs only its own request a 503.
    Before the slow lane, every other request waited behind it."""
    proc, client = serve("--processes", "1", "--time-budget", "300", before=("--timeout", "300"))
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(client.post, "/v1/clean", json={"text": SLOW_TEXT})
        (stuck,) = wait_for(lambda: cleaning(client)["slow_lane"], what="the request in the slow lane")
        replies = [client.post("/v1/clean", json=FINE) for _ in range(5)]
        assert [r.json()["text"] for r in replies] == ["Body.\n"] * 5
        assert stuck not in cleaning(client)["pids"]
        os.kill(stuck, signal.SIGKILL)
        reply = slow.result(timeout=90)
    assert reply.status_code == 503, reply.text
    assert "cleaning process died" in reply.json()["detail"] and reply.headers.get("retry-after") == "1"
    assert client.post("/v1/clean", json=FINE).json()["text"] == "Body.\n"
    assert cleaning(client)["slow_lane"] == []


def test_a_big_batch_lets_a_small_request_through(serve):
    """One cleaning process: a request sent while a 400-document batch (seconds of cleaning) is being
    cleaned is answered before the batch is (the batch goes in chunks, each taking its turn again),
    and the batch comes back whole and in order."""
    proc, client = serve("--processes", "1", "--time-budget", "300")
    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "golden").glob("*.input.txt"))]
    docs = [{"text": texts[i % len(texts)]} for i in range(400)]
    with ThreadPoolExecutor(1) as pool:
        batch = pool.submit(client.post, "/v1/clean/batch", json=docs)
        wait_for(lambda: cleaning(client)["busy"], what="the batch being cleaned")
        assert client.post("/v1/clean", json=FINE).json()["text"] == "Body.\n"
        assert cleaning(client)["busy"] == 1 and not batch.done()  # the batch's cleaning goes on after it
        reply = batch.result(timeout=300)
    assert reply.status_code == 200 and len(reply.json()["results"]) == 400
    one = client.post("/v1/clean/batch", json=docs[:len(texts)]).json()["results"]
    assert reply.json()["results"][:len(texts)] == one


def test_healthz_reports_the_cleaning_processes(serve):
    proc, client = serve("--processes", "3")
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    (template,) = spawned(proc.pid)
    assert health["cleaning"] == {"processes": 3, "alive": 3, "busy": 0, "waiting": 0, "restarts": 0,
                                  "pids": sorted(children(template)), "slow_lane": [], "template": template}


def test_over_the_queue_bound_is_503_busy(serve):
    _, client = serve("--time-budget", "1", "--max-queue", "1", before=("--timeout", "120"))  # 504, not a skipped rule
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: client.post("/v1/clean", json={"text": SLOW_TEXT}), range(4)))
    codes = sorted(r.status_code for r in replies)
    assert 503 in codes and set(codes) <= {503, 504}, codes
    assert all("detail" in r.json() for r in replies)
    busy = [r.json()["detail"] for r in replies if r.status_code == 503]
    assert all("busy" in d for d in busy), busy
    assert all(r.headers.get("retry-after") == "1" for r in replies if r.status_code == 503)
    assert client.post("/v1/clean", json=FINE).status_code == 200


def test_batch_over_the_item_limit_is_413_with_a_message(serve):
    _, client = serve("--max-batch", "100")
    reply = client.post("/v1/clean/batch", json=[{"text": "a"}] * 10_000)
    assert reply.status_code == 413
    assert reply.json() == {"detail": "a batch of 10000 documents exceeds the limit of 100"}
    assert client.post("/v1/clean/batch", json=[{"text": "a"}] * 100).status_code == 200


def test_api_key_guards_the_cleaning_endpoints(serve):
    _, client = serve("--api-key", "s3cret")
    assert client.get("/healthz").status_code == 200  # load balancers probe it without a key
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        reply = client.post("/v1/clean", json=FINE, headers=headers)
        assert reply.status_code == 401 and "API key" in reply.json()["detail"]
        assert client.get("/v1/rules", headers=headers).status_code == 401
    assert client.post("/v1/clean", json=FINE, headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.post("/v1/clean", json=FINE, headers={"X-API-Key": "s3cret"}).status_code == 200


def test_api_key_from_the_environment(rules, monkeypatch):
    monkeypatch.setenv("CLEANER_API_KEY", "from-env")
    proc, url = start_server(rules, "--isolated")
    try:
        assert httpx.post(url + "/v1/clean", json=FINE).status_code == 401
        assert httpx.post(url + "/v1/clean", json=FINE, headers={"X-API-Key": "from-env"}).status_code == 200
    finally:
        stop_server(proc)


def test_slow_header_clients_are_closed_and_others_served(serve):
    proc, client = serve("--read-timeout", "2")
    port = int(str(client.base_url).rsplit(":", 1)[1])
    dribblers = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    for sock in dribblers:
        sock.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\n")
    assert client.post("/v1/clean", json=FINE).status_code == 200
    for sock in dribblers:
        sock.settimeout(30)  # hang-guard: the server closes well before
        data = sock.recv(4096)
        while data and not data.endswith(b"}"):
            data += sock.recv(4096)
        assert data.startswith(b"HTTP/1.1 408") and b"request not received" in data, data
        sock.close()
    assert client.post("/v1/clean", json=FINE).status_code == 200


def test_malformed_and_oversized_bodies_at_once_leave_the_service_answering(serve):
    _, client = serve("--max-body-bytes", "100000")
    big = b'{"text": "' + b"x" * 200_000 + b'"}'

    def send(i: int):
        body = big if i % 2 else b'{"text": "unterminated'
        return client.post("/v1/clean", content=body, headers={"content-type": "application/json"})

    with ThreadPoolExecutor(8) as pool:
        codes = sorted({r.status_code for r in pool.map(send, range(32))})
    assert codes == [413, 422]
    assert client.post("/v1/clean", json=FINE).status_code == 200


def test_sigterm_lets_the_request_in_flight_finish(serve):
    proc, client = serve()
    text = (Path(__file__).parent / "golden").glob("*.input.txt")
    big = "\n\n".join(p.read_text(encoding="utf-8") for p in text) * 150  # a few seconds of cleaning
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.post, "/v1/clean", json={"text": big})
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        reply = pending.result(timeout=120)
    assert reply.status_code == 200 and len(reply.json()["text"]) > 1000
    assert proc.wait(timeout=60) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM once it has shut down
    log = proc.stdout.read().decode()
    assert "Finished server process" in log and "Traceback" not in log, log


def test_serve_binds_loopback_by_default(run_cli):
    out = run_cli("serve", "--help").stdout.decode()
    assert "[default: 127.0.0.1]" in out and "CLEANER_API_KEY" in out
