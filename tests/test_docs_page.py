"""The service's API docs pages render in a real headless browser (Debian's chromium) with every other host
unreachable: Swagger UI and ReDoc come from the package, not from a CDN. .ci/run installs chromium."""

import json
import os
import shutil
import subprocess

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from test_server import start_server, stop_server

OPERATIONS = {"/v1/clean", "/v1/clean/batch", "/v1/rules", "/healthz"}


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not installed (apt-get install -y chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def render(url: str, tmp_path) -> tuple[str, list[dict]]:
    """The page's DOM after its scripts ran, and the requests the page made (from Chromium's net log)."""
    netlog = tmp_path / "netlog.json"
    proc = subprocess.run([
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={netlog}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # offline: no other host resolves
        "--virtual-time-budget=10000", "--dump-dom", url,
    ], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, page_requests(netlog.read_text(encoding="utf-8"), url)


def page_requests(netlog: str, url: str) -> list[dict]:
    """The requests a page at `url` started itself (the browser's own have no origin as initiator)."""
    try:
        log = json.loads(netlog)
    except json.JSONDecodeError:  # (a log cut short at exit lacks its closing brackets)
        log = json.loads(netlog.rstrip().rstrip(",") + "]}")
    code = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    origin = "/".join(url.split("/", 3)[:3])  # http://127.0.0.1:PORT
    return [e["params"] for e in log["events"]
            if e["type"] == code and e.get("params", {}).get("initiator") == origin]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    proc, url = start_server(tmp_path_factory.mktemp("serve"), "--isolated")
    yield url
    stop_server(proc)


def test_swagger_ui_renders_the_operations_offline(service, tmp_path):
    dom, requests = render(service + "/docs", tmp_path)
    tree = HTMLParser(dom)
    paths = {node.attributes.get("data-path") for node in tree.css(".opblock .opblock-summary-path")}
    assert paths == OPERATIONS, dom[:2000]
    clean = tree.css_first("#operations-default-clean_v1_clean_post")
    assert clean is not None and "opblock-post" in clean.attributes["class"].split()
    fetched = {r["url"] for r in requests}
    assert {service + "/openapi.json", service + "/static-offline-docs/swagger-ui-bundle.js"} <= fetched
    assert all(u.startswith(service + "/") for u in fetched), sorted(fetched)  # nothing off-host


def test_redoc_renders_the_operations_offline(service, tmp_path):
    dom, requests = render(service + "/redoc", tmp_path)
    sections = {node.attributes.get("data-section-id") for node in HTMLParser(dom).css("[data-section-id]")}
    assert {"operation/clean_v1_clean_post", "operation/clean_batch_v1_clean_batch_post",
            "operation/rules_v1_rules_get", "operation/healthz_healthz_get"} <= sections, dom[:2000]
    assert service + "/static-offline-docs/redoc.standalone.js" in {r["url"] for r in requests}
