"""The HTTP service, started for real with `python -m cleaner serve` and spoken to over loopback."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")  # the `server` and `test` extras install it

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.document import locate  # noqa: E402
from cleaner.html import clean_page  # noqa: E402

from conftest import GOLDEN  # noqa: E402

SLOW_RULE = """\
[[rule]]
id = "slow-backtracking"
kind = "drop_line"
category = "widget"
description = "Backtracks exponentially on a long run of a's ending in b."
pattern = '^(a|aa)+$'
"""
SLOW_TEXT = "Body.\n\n" + "a" * 40 + "b\n"  # minutes of backtracking; the budget is 0.5 s
MAX_BODY = 100_000
BUDGET = 0.5
CASES = sorted(GOLDEN.glob("*.input.txt"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(cwd: Path, *args: str, timeout: float = 90, before: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """Run `cleaner [BEFORE] serve` on a free loopback port and wait until /healthz answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *before, "serve", "--port", str(port), "--no-access-log",
                             *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {proc.stdout.read().decode()}")
        try:
            if httpx.get(url + "/healthz", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"server did not answer /healthz within {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def rule_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "slow.toml"
    path.write_text(SLOW_RULE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(rule_file):
    """The same rules in this process, to compare the server's answers with."""
    return Cleaner([rule_file])


@pytest.fixture(scope="module")
def server(rule_file):
    proc, url = start_server(rule_file.parent, "--isolated", "--rules", str(rule_file),
                             "--time-budget", str(BUDGET), "--max-body-bytes", str(MAX_BODY))
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client
    stop_server(proc)


def removals(result) -> list[dict]:
    """As `--format json` gives them: each with its character offsets into the input."""
    return [{"rule": r.rule_id, "category": r.category, "line": r.line, "text": r.text, "whole_line": r.whole_line,
             "start": where[0] if where else None, "end": where[1] if where else None} for r, where in zip(result.removals, locate(result.source, result.removals))]


def body(result, explain: bool = False) -> dict:
    """The JSON the service should answer for a library Result."""
    out = {"text": result.text, "counts": result.counts, "lang": result.lang, "lang_source": result.lang_source,
           "guard": result.guard, "page_type": result.page_type, "page_type_source": result.page_type_source}
    if result.warnings:
        out["warnings"] = list(result.warnings)
    return out | ({"removals": removals(result)} if explain else {})


def test_healthz(server, reference):
    health = server.get("/healthz").json()
    assert health.pop("cleaning")["alive"] >= 1
    assert health == {"status": "ok", "version": "0.1.0", "rules": len(reference.rules)}


def test_clean_matches_library_on_goldens(server, reference):
    for case in CASES:
        text = case.read_text(encoding="utf-8")
        expected = reference.clean(text)
        reply = server.post("/v1/clean", json={"text": text})
        assert reply.status_code == 200, reply.text
        assert reply.json() == body(expected), case.name


def test_explain_lists_removals(server, reference):
    text = CASES[0].read_text(encoding="utf-8")
    reply = server.post("/v1/clean", json={"text": text, "explain": True}).json()
    assert reply == body(reference.clean(text), explain=True)
    assert reply["removals"], "a golden input should lose something"


def test_page_type_given_and_reported(server):
    html = "<html><body><p>" + "The forum thread opens with a long question about tents in the Alps. " * 3 + "</p></body></html>"
    reply = server.post("/v1/clean", json={"html": html, "page_type": "forum"}).json()
    assert (reply["page_type"], reply["page_type_source"]) == ("forum", "given")
    refused = server.post("/v1/clean", json={"text": "a", "page_type": "blog"})
    assert refused.status_code == 422 and "unknown page type 'blog'" in refused.text


def test_batch_keeps_order_and_totals(server, reference):
    texts = [case.read_text(encoding="utf-8") for case in CASES]
    reply = server.post("/v1/clean/batch", json=[{"text": t} for t in texts] + [{"text": "", "explain": True}])
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    assert results == [body(reference.clean(t)) for t in texts] + [body(reference.clean(""), explain=True)]
    assert sum(reply.json()["counts"].values()) == sum(len(reference.clean(t).removals) for t in texts)
    assert server.post("/v1/clean/batch", json=[]).json() == {"results": [], "counts": {}}


def test_rules_lists_rules_in_order(server, reference):
    rules = server.get("/v1/rules").json()
    assert [r["id"] for r in rules] == [r.id for r in reference.rules]
    assert rules[-1] == {"id": "slow-backtracking", "category": "widget", "kind": "drop_line",
                         "description": "Backtracks exponentially on a long run of a's ending in b.", "lang": [], "sites": []}


def test_openapi_and_docs_page(server):
    paths = server.get("/openapi.json").json()["paths"]
    assert {"/v1/clean", "/v1/clean/batch", "/v1/rules", "/healthz"} <= set(paths)
    assert {"413", "422", "504"} <= set(paths["/v1/clean"]["post"]["responses"])
    schema = paths["/v1/clean"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"text", "html", "url", "lang", "explain"} <= set(schema["properties"])
    batch = paths["/v1/clean/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch["type"] == "array" and batch["items"] == schema
    docs = server.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


@pytest.mark.parametrize("body, message", [
    ({}, "exactly one of 'text' or 'html'"),
    ({"text": "a", "html": "<p>a</p>"}, "exactly one of 'text' or 'html'"),
    ({"text": "a", "site": "not a site"}, "not a site name or URL"),
    ({"text": 5}, "valid string"),
    ({"text": "a", "explain": "yes"}, "valid boolean"),
    ({"text": "a", "colour": "red"}, "Extra inputs"),
    (["not", "an", "object"], "valid dictionary"),
])
def test_wrong_fields_are_422(server, body, message):
    reply = server.post("/v1/clean", json=body)
    assert reply.status_code == 422
    assert message in str(reply.json()["detail"])


def test_malformed_json_is_422(server):
    for path in ("/v1/clean", "/v1/clean/batch"):
        reply = server.post(path, content=b'{"text": "unterminated', headers={"content-type": "application/json"})
        assert reply.status_code == 422
        assert reply.json()["detail"][0]["type"] == "json_invalid"
    reply = server.post("/v1/clean/batch", json={"text": "a batch must be a list"})
    assert reply.status_code == 422


@pytest.mark.parametrize("path, body, where", [
    ("/v1/clean", b'{"text": "a \\ud800"}', ["body", "text"]),
    ("/v1/clean/batch", b'[{"text": "ok"}, {"html": "<p>\\udfff</p>"}]', ["body", 1, "html"]),
])
def test_lone_surrogate_is_422_naming_the_field(server, path, body, where):
    reply = server.post(path, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 422, reply.text
    (error,) = reply.json()["detail"]
    assert error["loc"] == where and "lone surrogate U+D" in error["msg"]


@pytest.mark.parametrize("path, body", [
    ("/v1/clean", {"text": "Body.\n\nLeave a Reply\n", "explain": True, "lang": "EN"}),
    ("/v1/clean", {"text": 5}),
    ("/v1/clean", {}),
    ("/v1/clean", {"text": "a", "colour": "red"}),
    ("/v1/clean", {"text": "a \ud800"}),
    ("/v1/clean", {"text": "a", "lang": "xx"}),
    ("/v1/clean", ["not", "an", "object"]),
    ("/v1/clean/batch", [{"text": "Body.\n\nLeave a Reply\n"}, {"text": "ok", "explain": True}]),
    ("/v1/clean/batch", [{"text": "ok"}, {"text": 5}]),
    ("/v1/clean/batch", [{"text": "ok"}, {"text": "a", "lang": "xx"}]),
    ("/v1/clean/batch", [{"text": "a"}] * 1001),
    ("/v1/clean/batch", {"text": "a batch must be a list"}),
])
def test_a_large_body_gets_the_answer_a_small_one_gets(server, path, body):
    """A body over 64 KB is parsed and checked in a cleaning process, not on the server's event loop:
    the same JSON padded with 70 KB of spaces gets the same status and the same answer."""
    small = json.dumps(body).encode()
    replies = [server.post(path, content=b, headers={"content-type": "application/json"})
               for b in (small, small + b" " * 70_000)]
    assert replies[0].status_code == replies[1].status_code, [r.text for r in replies]
    assert replies[0].json() == replies[1].json()


def test_a_large_malformed_body_is_422(server):
    for body in (b'[{"text": "ok"}', b'{"text": "unterminated'):
        reply = server.post("/v1/clean/batch", content=body + b" " * 70_000, headers={"content-type": "application/json"})
        assert reply.status_code == 422 and reply.json()["detail"][0]["type"] == "json_invalid", reply.text


def test_body_over_limit_is_413_declared_or_streamed(server):
    big = b'{"text": "' + b"x" * MAX_BODY + b'"}'
    reply = server.post("/v1/clean", content=big, headers={"content-type": "application/json"})
    assert reply.status_code == 413
    assert reply.json() == {"detail": f"request body exceeds the limit of {MAX_BODY} bytes"}
    chunks = (big[i:i + 8192] for i in range(0, len(big), 8192))  # no Content-Length: chunked
    reply = server.post("/v1/clean/batch", content=chunks, headers={"content-type": "application/json"})
    assert reply.status_code == 413
    assert server.post("/v1/clean", json={"text": "x" * (MAX_BODY - 100)}).status_code == 200


def test_over_budget_is_504_and_server_keeps_serving(server):
    for path, body in (("/v1/clean", {"text": SLOW_TEXT}), ("/v1/clean/batch", [{"text": "a"}, {"text": SLOW_TEXT}])):
        started = time.monotonic()
        reply = server.post(path, json=body)
        assert reply.status_code == 504
        assert reply.json() == {"detail": f"cleaning took longer than the time budget of {BUDGET:g} s"}
        assert time.monotonic() - started < BUDGET + 10
        assert server.get("/healthz").status_code == 200
        assert server.post("/v1/clean", json={"text": "Body.\n\nLeave a Reply\n"}).json()["text"] == "Body.\n"


def test_html_is_cleaned(server, reference):
    html = ("<html><body><article><h1>Council vote</h1><p>The council approved the budget on Tuesday "
            "after a long debate about road repairs.</p><p>Leave a Reply</p></article></body></html>")
    reply = server.post("/v1/clean", json={"html": html, "url": "https://example.org/news/1", "explain": True})
    assert reply.status_code == 200, reply.text
    assert reply.json() == body(clean_page(reference, html, "https://example.org/news/1"), explain=True)
    assert "council approved the budget" in reply.json()["text"]


def test_two_workers_serve_concurrently(tmp_path):
    proc, url = start_server(tmp_path, "--isolated", "--workers", "2")
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(8) as pool:
                replies = list(pool.map(lambda _: client.post("/v1/clean", json={"text": "Body.\n\nLeave a Reply\n"}),
                                        range(40)))
        assert {r.status_code for r in replies} == {200}
        assert {r.json()["text"] for r in replies} == {"Body.\n"}
    finally:
        stop_server(proc)


def test_serve_refuses_bad_rules_before_listening(run_cli, tmp_path):
    (tmp_path / "bad.toml").write_text("[[rule]]\nid='Bad Id'\n", encoding="utf-8")
    proc = run_cli("serve", "--rules", "bad.toml", "--port", str(free_port()))
    assert proc.returncode == 2
    assert b"kebab-case" in proc.stderr
