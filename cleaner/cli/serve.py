"""`cleaner serve`: the HTTP service under uvicorn; fastapi and uvicorn are imported only when it runs."""

from __future__ import annotations

import base64
import os
import pickle
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cleaner.cli.commands import _options, rule_options
from cleaner.config import build_cleaner
from cleaner.cli.console import fail, warn
from cleaner.cli.learn import learn_options
from cleaner.extras import missing_extra
from cleaner.service.pool import usable_cores

if TYPE_CHECKING:
    from fastapi import FastAPI

# uvicorn workers are fresh processes that get only an import string, so `serve` hands them its
# options (the cleaner factory, limits) pickled in this environment variable.
ENV_VAR = "CLEANER_SERVE_OPTIONS"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, type=click.IntRange(0, 65535), show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, type=click.IntRange(min=1), show_default=True,
              help="Server processes, each with its own cleaning processes.")
@click.option("--processes", type=click.IntRange(min=1),
              help="Cleaning processes per server worker  [default: the usable cores / --workers, at least 1]")
@click.option("--max-body-bytes", default=10 * 1024 * 1024, type=click.IntRange(min=1), show_default=True,
              help="Larger request bodies are refused with 413.")
@click.option("--time-budget", default=10.0, type=click.FloatRange(min=0, min_open=True), show_default=True,
              help="Seconds of cleaning one request may take; past it the request gets 504.")
@click.option("--max-batch", default=1000, type=click.IntRange(min=1), show_default=True,
              help="Most documents in one /v1/clean/batch request; more are refused with 413.")
@click.option("--max-queue", default=100, type=click.IntRange(min=1), show_default=True,
              help="Requests waiting for cleaning, per server worker; more are refused with 503.")
@click.option("--read-timeout", default=10.0, type=click.FloatRange(min=0, min_open=True), show_default=True,
              help="Seconds a client has to send a whole request (headers and body); past it, 408 and closed.")
@click.option("--api-key", envvar="CLEANER_API_KEY", show_envvar=True,
              help="Require this key on /v1/ endpoints (Authorization: Bearer KEY, or X-API-Key: KEY).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.option("--learn-sites", is_flag=True, help="Learn each site's template lines from the pages cleaned (in "
              "memory, bounded) and apply them to its pages; GET /v1/sites/SITE/rules exports them. One --workers.")
@learn_options
@click.option("--learn-after", default=10, type=click.IntRange(min=1), show_default=True,
              help="--learn-sites: a site's learned rules apply once it has this many pages.")
@click.option("--max-sites", default=500, type=click.IntRange(min=1), show_default=True,
              help="--learn-sites: sites remembered; the one seen least recently goes first.")
@click.option("--max-site-keys", default=2000, type=click.IntRange(min=1), show_default=True,
              help="--learn-sites: line keys counted per site; the one seen least recently goes first.")
@click.option("--sites-state", type=click.Path(path_type=Path, dir_okay=False),
              help="--learn-sites: keep the memory in this file across restarts (read at start, written every "
              "minute while learning and at shutdown, atomically).")
@rule_options
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, workers: int, processes: int | None, max_body_bytes: int,
              time_budget: float,
              max_batch: int, max_queue: int, read_timeout: float, api_key: str | None, access_log: bool,
              **local: Any) -> None:
    """Serve the cleaner over HTTP: POST /v1/clean and /v1/clean/batch, GET /v1/rules, /healthz, /docs."""
    learning = learning_settings(workers, {key: local.pop(key) for key in (
        "learn_sites", "min_pages", "min_share", "learn_after", "max_sites", "max_site_keys", "sites_state")})
    options = _options(ctx, local)
    if not api_key and host not in LOOPBACK:
        warn(f"listening on {host} without --api-key: anyone who can reach it can use it")
    build_cleaner(**options)  # bad rules or settings stop here with exit status 2
    try:
        import fastapi  # noqa: F401
        import fastapi_offline  # noqa: F401
        import uvicorn
    except ImportError as err:
        fail(missing_extra("'cleaner serve'", "server", err.name))
    check_port(host, port)
    settings = {"factory": partial(build_cleaner, **options), "max_body_bytes": max_body_bytes,
                "time_budget": time_budget, "max_batch": max_batch, "max_waiting": max_queue, "api_key": api_key,
                "read_timeout": read_timeout, "processes": processes or max(1, usable_cores() // workers),
                "learning": learning}
    os.environ[ENV_VAR] = base64.b64encode(pickle.dumps(settings)).decode("ascii")
    # SIGTERM: stop accepting, let requests in flight finish (at most a time budget and a bit), then exit.
    uvicorn.run("cleaner.cli.serve:app_from_env", factory=True, host=host, port=port, workers=workers,
                access_log=access_log, http="cleaner.service.protocol:DeadlineProtocol",
                timeout_graceful_shutdown=int(time_budget + read_timeout) + 5)


def check_port(host: str, port: int) -> None:
    """Stop with status 2 and one line when the address cannot be listened on (a busy port), before
    uvicorn, which would exit 3: the status of --on-excess fail elsewhere."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, proto, _, address in infos[:1]:
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
                sock.bind(address)
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err}")


def app_from_env() -> FastAPI:
    """The app for one uvicorn worker, built from the options `serve` left in the environment."""
    from cleaner.service.protocol import DeadlineProtocol
    from cleaner.service.app import create_app

    settings = pickle.loads(base64.b64decode(os.environ[ENV_VAR]))
    DeadlineProtocol.timeout = settings.pop("read_timeout")
    learning = settings.pop("learning", None)
    app = create_app(**settings)
    if learning is not None:
        from cleaner.service.sites import install, read_state

        memory = site_memory(learning)
        if learning["sites_state"] is not None:
            read_state(memory, learning["sites_state"])
        install(app, memory, learning["sites_state"])
    return app


def site_memory(learning: dict[str, Any]) -> Any:
    from cleaner.service.sites import SiteMemory

    return SiteMemory(learning["min_pages"], learning["min_share"], max_sites=learning["max_sites"],
                      max_keys=learning["max_site_keys"], ready_pages=learning["learn_after"])


def learning_settings(workers: int, learning: dict[str, Any]) -> dict[str, Any] | None:
    """The --learn-sites options checked (a state file that exists must load), or None when it is off."""
    state = learning["sites_state"]
    if not learning.pop("learn_sites"):
        if state is not None:
            fail("--sites-state needs --learn-sites")
        return None
    if workers > 1:
        fail("--learn-sites keeps its memory in the server process: use --workers 1 (--processes cleans in parallel)")
    if state is not None:
        from cleaner.service.sites import read_state

        if not state.absolute().parent.is_dir():
            fail(f"--sites-state {state}: no folder {state.absolute().parent}")
        try:
            read_state(site_memory(learning), state)
        except ValueError as err:
            fail(f"--sites-state {err}")
        learning["sites_state"] = state.absolute()
    return learning
