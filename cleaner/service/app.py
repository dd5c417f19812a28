"""The HTTP service: a FastAPI app over a Cleaner (install with `pip install 'scrape-cleaner[server]'`)."""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleaner import __version__
from cleaner.engine.pipeline import Cleaner
from cleaner.service.pool import BudgetExceeded, CleaningPool, Unavailable
from cleaner.service.requests import PARSE_IN_SERVER, CleanRequest, Refused, batch_json, parse

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_TIME_BUDGET = 10.0
DEFAULT_MAX_BATCH = 1000
DEFAULT_MAX_WAITING = 100
RETRY_AFTER = "1"  # seconds, on a 503: a dead cleaning process is replaced, and a queue drains, in about that


class RemovalOut(BaseModel):
    rule: str
    category: str
    line: int
    text: str
    whole_line: bool
    start: int | None
    end: int | None


class CleanResponse(BaseModel):
    text: str
    counts: dict[str, int]
    lang: str | None
    lang_source: str | None
    guard: str | None
    page_type: str
    page_type_source: str
    removals: list[RemovalOut] | None = None
    warnings: list[str] | None = None


class BatchResponse(BaseModel):
    results: list[CleanResponse]
    counts: dict[str, int]


class RuleOut(BaseModel):
    id: str
    category: str
    kind: str
    description: str
    lang: list[str]
    sites: list[str]


class Cleaning(BaseModel):
    processes: int
    alive: int
    busy: int
    waiting: int
    restarts: int
    pids: list[int]
    slow_lane: list[int]
    template: int | None


class Health(BaseModel):
    status: str
    version: str
    rules: int
    cleaning: Cleaning


class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in [
        (401, "An API key is required (--api-key) and this one is missing or wrong"),
        (413, "Request body, or batch, larger than the configured limit"),
        (415, "The body is not sent as `Content-Type: application/json`"),
        (422, "The body is not JSON, or not documents: `detail` lists what is wrong, or names the field"),
        (501, "HTML input is not available in this installation"),
        (503, "The cleaning process died under this request, or too many requests are waiting (with Retry-After)"),
        (504, "Cleaning took longer than the per-request time budget"),
    ]
}


class BodyLimit:
    """Answers 413 before parsing when the declared or streamed body exceeds `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self.too_large()(scope, receive, send)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise self.too_large_error()
            return message

        await self.app(scope, limited, send)

    def too_large_error(self) -> HTTPException:
        return HTTPException(413, f"request body exceeds the limit of {self.max_bytes} bytes")

    def too_large(self) -> JSONResponse:
        return JSONResponse({"detail": self.too_large_error().detail}, status_code=413)


class ApiKey:
    """Answers 401 to /v1/ requests without the key (as `Authorization: Bearer KEY` or `X-API-Key`)."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app, self.key = app, key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/") and not self.allowed(scope):
            reply = JSONResponse({"detail": "missing or wrong API key (Authorization: Bearer KEY, or X-API-Key)"},
                                 status_code=401, headers={"WWW-Authenticate": "Bearer"})
            return await reply(scope, receive, send)
        await self.app(scope, receive, send)

    def allowed(self, scope: Scope) -> bool:
        headers = dict(scope["headers"])
        given = headers.get(b"x-api-key") or headers.get(b"authorization", b"").removeprefix(b"Bearer ")
        return hmac.compare_digest(given, self.key)


def create_app(*, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, time_budget: float | None = DEFAULT_TIME_BUDGET,
               max_batch: int = DEFAULT_MAX_BATCH, max_waiting: int = DEFAULT_MAX_WAITING, api_key: str | None = None,
               processes: int | None = None, factory: Callable[[], Cleaner] | None = None,
               **cleaner_options: Any) -> FastAPI:
    """The app; cleaner_options go to Cleaner(...), or `factory` builds the Cleaner (it must pickle);
    `processes` cleaning processes (default: the usable cores)."""
    factory = factory or partial(Cleaner, **cleaner_options)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = CleaningPool(factory, time_budget, max_waiting, processes)
        await app.state.pool.start()
        yield
        app.state.pool.close()

    # /docs and /redoc load Swagger UI and ReDoc from files in fastapi-offline, not from a CDN; no validator badge
    # (Swagger UI would send the spec's address to validator.swagger.io).
    app = FastAPIOffline(title="cleaner", version=__version__, lifespan=lifespan,
                         summary="Strip page furniture from scraped article text.",
                         swagger_ui_parameters={"validatorUrl": None})
    app.state.cleaner = factory()  # in this process: lists the rules, and bad rules fail here
    app.state.max_batch = max_batch
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if api_key:
        app.add_middleware(ApiKey, key=api_key)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(BudgetExceeded, _error_handler(504))
    app.add_exception_handler(Unavailable, _error_handler(503, {"Retry-After": RETRY_AFTER}))
    app.add_exception_handler(Exception, _error_handler(500))
    app.include_router(router)
    return app


class AsciiJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: a 422 echoes the input, which may hold a lone surrogate."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return AsciiJSONResponse(exc.content, status_code=exc.status)


def _error_handler(status: int, headers: dict[str, str] | None = None) -> Callable[[Request, Exception], Any]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        detail = str(exc) if status != 500 else f"internal error: {type(exc).__name__}: {exc}"
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    return handle


router = APIRouter()


def body_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that parses its own body."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def documents(request: Request, many: bool) -> list[dict[str, Any]]:
    """The request's documents: a small body parsed here, a large one in a cleaning process."""
    if not json_content(request.headers.get("content-type", "")):
        raise Refused(415, {"detail": "send the body as JSON, with Content-Type: application/json"})
    body, state = await request.body(), request.app.state
    if len(body) <= PARSE_IN_SERVER:
        return parse(state.cleaner, body, many, state.max_batch)
    return await state.pool.parse(body, many, state.max_batch)


def json_content(content_type: str) -> bool:
    """application/json (any parameters, as charset), or a +json type: what a cross-site form cannot send."""
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


@router.post("/v1/clean", response_model=CleanResponse, responses=ERRORS,
             openapi_extra=body_schema(CleanRequest.model_json_schema()))
async def clean(request: Request) -> Response:
    """Clean one document; `explain` adds every removal with its rule and line."""
    ((answer, _),) = await request.app.state.pool.clean(await documents(request, many=False))
    return Response(answer, media_type="application/json")


@router.post("/v1/clean/batch", response_model=BatchResponse, responses=ERRORS,
             openapi_extra=body_schema({"type": "array", "items": CleanRequest.model_json_schema()}))
async def clean_batch(request: Request) -> Response:
    """Clean a list of documents in order; the time budget covers the whole request."""
    answers = await request.app.state.pool.clean(await documents(request, many=True))
    return Response(batch_json(answers), media_type="application/json")


@router.get("/v1/rules", response_model=list[RuleOut])
async def rules(request: Request) -> list[dict[str, Any]]:
    """The rules in force, in the order they run."""
    return [{"id": r.id, "category": r.category, "kind": r.kind, "description": r.description,
             "lang": list(r.lang), "sites": list(r.sites)} for r in request.app.state.cleaner.rules]


# HEAD answers as GET does, outside the schema: a two-method route's operation id comes from a set's first
# method, healthz_healthz_get or _head by the hash seed, and the docs pages' links with it.
@router.head("/healthz", include_in_schema=False)
@router.get("/healthz", response_model=Health)
async def healthz(request: Request) -> dict[str, Any]:
    """The service answers, how many rules it runs, and its cleaning processes (dead ones are replaced first)."""
    cleaning = request.app.state.pool.status()
    return {"status": "ok" if cleaning["alive"] else "starting", "version": __version__,
            "rules": len(request.app.state.cleaner.rules), "cleaning": cleaning}
