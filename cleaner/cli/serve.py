"""`cleaner serve`: the HTTP service under uvicorn; fastapi and uvicorn are imported only when it runs."""

from __future__ import annotations

import base64
import os
import pickle
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from cleaner.cli.commands import _options, rule_options
from cleaner.config import build_cleaner
from cleaner.cli.console import fail, warn
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
@rule_options
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, workers: int, processes: int | None, max_body_bytes: int,
              time_budget: float,
              max_batch: int, max_queue: int, read_timeout: float, api_key: str | None, access_log: bool,
              **local: Any) -> None:
    """Serve the cleaner over HTTP: POST /v1/clean and /v1/clean/batch, GET /v1/rules, /healthz, /docs."""
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
                "read_timeout": read_timeout, "processes": processes or max(1, usable_cores() // workers)}
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
    return create_app(**settings)
