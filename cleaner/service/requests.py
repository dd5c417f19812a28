"""The HTTP service's requests and answers as data: a JSON body parsed and checked into documents,
a cleaned document's answer as JSON bytes. Small bodies are parsed in the server; large ones in a
cleaning process, so parsing a big body never holds up the server's event loop."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator, model_validator

from cleaner.engine.document import locate
from cleaner.engine.pipeline import Cleaner, Result
from cleaner.engine.pagetype import check_page_type
from cleaner.engine.sites import site_name

PARSE_IN_SERVER = 64 * 1024  # bodies up to this many bytes are parsed in the server process


class CleanRequest(BaseModel):
    """One document: `text` or `html`; the page's `url` (for HTML extraction, and its host is the site for
    rules scoped to sites) or its `site`."""

    model_config = ConfigDict(extra="forbid", strict=True)
    text: str | None = None
    html: str | None = None
    url: str | None = None
    site: str | None = None
    lang: str | None = None
    page_type: str | None = None
    explain: bool = False

    @field_validator("site")
    @classmethod
    def _site_name(cls, value: str | None) -> str | None:
        return None if value is None else site_name(value)

    @field_validator("page_type")
    @classmethod
    def _page_type(cls, value: str | None) -> str | None:
        return None if value is None else check_page_type(value)

    @field_validator("text", "html", "url", "lang")
    @classmethod
    def _valid_unicode(cls, value: str | None) -> str | None:
        """A lone surrogate (JSON allows "\\ud800") cannot be cleaned into a UTF-8 answer: 422, not 500."""
        if value is not None and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as err:
                raise ValueError(f"lone surrogate U+{ord(value[err.start]):04X} at character {err.start}; "
                                 "send valid Unicode") from None
        return value

    @model_validator(mode="after")
    def _one_input(self) -> CleanRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


ONE = TypeAdapter(CleanRequest)
MANY = TypeAdapter(list[CleanRequest])


class Refused(Exception):
    """The request is answered with `status` and the JSON `content` instead of being cleaned."""

    def __init__(self, status: int, content: Any) -> None:
        super().__init__(status, content)
        self.status, self.content = status, content


def invalid(errors: list[dict[str, Any]]) -> Refused:
    """422 with the errors in FastAPI's shape: each `loc` starts at "body"."""
    return Refused(422, {"detail": errors})


def parse(cleaner: Cleaner, body: bytes, many: bool, max_batch: int) -> list[dict[str, Any]]:
    """The documents of a /v1/clean (`many` False) or /v1/clean/batch body, checked, with each `lang`
    normalised; raises Refused with the 413, 422 or 501 answer."""
    if not body:
        raise invalid([{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}])
    try:
        data = json.loads(body)
    except json.JSONDecodeError as err:
        raise invalid([{"type": "json_invalid", "loc": ["body", err.pos], "msg": "JSON decode error",
                        "input": {}, "ctx": {"error": err.msg}}]) from None
    except ValueError as err:  # bytes in no JSON encoding
        raise invalid([{"type": "json_invalid", "loc": ["body", 0], "msg": "JSON decode error",
                        "input": {}, "ctx": {"error": str(err)}}]) from None
    except RecursionError:  # (json's C scanner raises it past about 1,000 levels of nesting)
        raise invalid([{"type": "json_invalid", "loc": ["body"], "msg": "JSON nested too deeply",
                        "input": {}, "ctx": {"error": "arrays or objects nested too deeply"}}]) from None
    if many and isinstance(data, list) and len(data) > max_batch:
        raise Refused(413, {"detail": f"a batch of {len(data)} documents exceeds the limit of {max_batch}"})
    try:
        docs = MANY.validate_python(data) if many else [ONE.validate_python(data)]
    except ValidationError as err:
        raise invalid([error_dict(e) for e in err.errors(include_url=False)]) from None
    return [checked(cleaner, doc, number if many else None) for number, doc in enumerate(docs, 1)]


def error_dict(error: Any) -> dict[str, Any]:
    out = dict(error, loc=["body", *error["loc"]])
    if "ctx" in out:
        out["ctx"] = {k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in out["ctx"].items()}
    return out


def checked(cleaner: Cleaner, doc: CleanRequest, number: int | None) -> dict[str, Any]:
    """422 for an unknown language (DE, de-DE and german are de)."""
    try:
        lang = None if doc.lang is None else cleaner.language(doc.lang)
    except ValueError as err:
        where = f"document {number}: " if number else ""
        raise Refused(422, {"detail": f"{where}'lang': {err}"}) from None
    return doc.model_dump() | {"lang": lang}


def clean_document(cleaner: Cleaner, doc: dict[str, Any]) -> tuple[bytes, dict[str, int]]:
    """Clean one request document (`text` or `html`, with its `url` or `site`): its answer as JSON, and its counts."""
    where = {"url": doc.get("url"), "site": doc.get("site"), "page_type": doc.get("page_type")}
    if doc.get("html") is not None:
        from cleaner.html import clean_page

        result = clean_page(cleaner, doc["html"], lang=doc.get("lang"), **where)
    else:
        result = cleaner.clean(doc["text"], lang=doc.get("lang"), **where)
    return as_json(result_dict(result, explain=bool(doc.get("explain")))), result.counts


def result_dict(result: Result, explain: bool) -> dict[str, Any]:
    """The response body: cleaned text, per-rule counts, the language, page type and guard outcome (as
    `--format json` names them), any warnings and, when asked, every removal with its character offsets into the input."""
    out: dict[str, Any] = {"text": result.text, "counts": result.counts, "lang": result.lang,
                           "lang_source": result.lang_source, "guard": result.guard, "page_type": result.page_type,
                           "page_type_source": result.page_type_source}
    if explain:
        out["removals"] = located(result)
    if result.warnings:
        out["warnings"] = list(result.warnings)
    return out


def located(result: Result) -> list[dict[str, Any]]:
    """The removals, each with `start` and `end`: character offsets into the input text (null when the
    removal is no span of it, as an HTML element pruned before extraction)."""
    return [r.as_dict() | {"start": where[0] if where else None, "end": where[1] if where else None}
            for r, where in zip(result.removals, locate(result.source, result.removals))]


def as_json(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def batch_json(answers: list[tuple[bytes, dict[str, int]]]) -> bytes:
    """The /v1/clean/batch answer from the documents' answers: results in order and summed counts."""
    totals: dict[str, int] = {}
    for _, counts in answers:
        for rule, count in counts.items():
            totals[rule] = totals.get(rule, 0) + count
    return b'{"results":[' + b",".join(a for a, _ in answers) + b'],"counts":' + as_json(totals) + b"}"
