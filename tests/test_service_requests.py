"""The HTTP service's answers to hostile or unusual requests (issue 30, item 4), over loopback."""

import json
import os
import subprocess
import sys

import pytest

httpx = pytest.importorskip("httpx")  # the `server` and `test` extras install it

from test_server import start_server, stop_server  # noqa: E402

JSON = {"content-type": "application/json"}
NESTED = b"[" * 20_000 + b"]" * 20_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, url = start_server(tmp_path_factory.mktemp("serve"), "--isolated")
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client
    stop_server(proc)


@pytest.mark.parametrize("path", ["/v1/clean", "/v1/clean/batch"])
def test_deeply_nested_json_is_422(server, path):
    reply = server.post(path, content=NESTED, headers=JSON)
    assert reply.status_code == 422, reply.text
    assert "nested too deeply" in reply.text


def test_deeply_nested_json_leaves_no_traceback_in_the_log(tmp_path):
    proc, url = start_server(tmp_path, "--isolated")
    try:
        assert httpx.post(url + "/v1/clean", content=NESTED, headers=JSON, timeout=30).status_code == 422
    finally:
        stop_server(proc)
    log = proc.stdout.read().decode()
    assert "Traceback" not in log and "RecursionError" not in log, log[-2000:]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_not_sent_as_json_is_415(server, content_type):
    headers = {"content-type": content_type} if content_type else {}
    reply = server.post("/v1/clean", content=b'{"text": "Body.\\n"}', headers=headers)
    assert reply.status_code == 415, reply.text
    assert "application/json" in reply.json()["detail"]


def test_json_with_a_charset_is_accepted(server):
    reply = server.post("/v1/clean", content=b'{"text": "Body.\\n"}',
                        headers={"content-type": "application/json; charset=utf-8"})
    assert reply.status_code == 200 and reply.json()["text"] == "Body.\n"


def test_head_healthz_is_200(server):
    reply = server.head("/healthz")
    assert reply.status_code == 200 and reply.content == b""


def test_the_answer_carries_lang_guard_and_offsets(server):
    text = "Das ist der erste Satz des Artikels, und er ist lang genug.\n\nLeave a Reply\n"
    reply = server.post("/v1/clean", json={"text": text, "explain": True}).json()
    assert reply["lang"] == "de" and reply["lang_source"] == "detected" and reply["guard"] is None
    (removal,) = reply["removals"]
    assert text[removal["start"]:removal["end"]] == "Leave a Reply"


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_healthz_operation_id_does_not_depend_on_the_hash_seed(seed):
    """The docs pages link operations by id: /healthz is one GET operation whatever PYTHONHASHSEED is."""
    code = ("from cleaner.service.app import create_app; import json; "
            "print(json.dumps({m: o['operationId'] for m, o in create_app().openapi()['paths']['/healthz'].items()}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
    assert json.loads(proc.stdout) == {"get": "healthz_healthz_get"}


def test_the_openapi_schema_lists_every_field_of_the_answer(server):
    """A client generated from /openapi.json must see page_type and page_type_source, which answers carry."""
    spec = server.get("/openapi.json").json()
    answer = spec["paths"]["/v1/clean"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    model = spec["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
    reply = server.post("/v1/clean", json={"text": "Body text here.\n\nLeave a Reply\n", "explain": True}).json()
    assert set(reply) <= set(model["properties"]), set(reply) - set(model["properties"])
    request = spec["paths"]["/v1/clean"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"site", "page_type"} <= set(spec["components"]["schemas"][request["$ref"].rsplit("/", 1)[1]]["properties"]
                                        if "$ref" in request else request["properties"])
