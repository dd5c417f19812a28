"""Site learning in the service (`cleaner serve --learn-sites`): a bounded memory of each site's line
keys, counted from the pages the service cleans, whose rules apply to the site's pages once it has
`ready_pages` pages.

The memory lives in the server process (cleaner.learn's Learner with caps: `max_sites` sites and
`max_keys` keys per site, the least recently seen going first). A request's documents go to the
cleaning processes with their site's rules, if any (as data: `learned`); a cleaning process builds
one Cleaner per site and rule set (the shipped rules plus the site's, `cleaner_for`) and keeps the
last few. Each answer's text is then counted for its site, with the lines the site's rules took out
counted as there (else a learned line would stop being counted and fall under the share threshold).
The memory is kept across restarts in a JSON file, written atomically."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from cleaner import learn
from cleaner.engine.loader import build_rule
from cleaner.engine.pipeline import Cleaner
from cleaner.engine.sites import site_name, url_site

MAX_SITES = 500
MAX_KEYS = 2000  # line keys counted per site
MAX_SEEN = 1000  # page hashes kept per site, to skip exact repeats
READY_PAGES = 10
SAVE_SECONDS = 60.0  # the state file is written this often while pages are learned, and at shutdown
SITE_CLEANERS = 32  # Cleaners with a site's rules kept by each cleaning process
FORMAT = "cleaner-sites/1"

LearnedRules = tuple[str, str, tuple[tuple[str, str, bool], ...]]  # (site, version, ((id, pattern, anywhere), ...))


class SiteMemory:
    """What the service remembers of each site, and the rules that apply to it."""

    def __init__(self, min_pages: int = learn.MIN_PAGES, min_share: float = learn.MIN_SHARE, *,
                 max_sites: int = MAX_SITES, max_keys: int = MAX_KEYS, ready_pages: int = READY_PAGES) -> None:
        self.learner = learn.Learner(min_pages, min_share, max_keys=max_keys, max_sites=max_sites, max_seen=MAX_SEEN)
        self.ready_pages = ready_pages
        # site: (its pages then, the rules that apply, them as sent, their keys by id)
        self.applied: dict[str, tuple[int, list[learn.LearnedRule], LearnedRules | None, dict[str, str]]] = {}
        self.changed = False

    def site_of(self, doc: dict[str, Any]) -> str | None:
        """A request document's site: its `site`, else its `url`'s host."""
        if doc.get("site") is not None:
            return site_name(doc["site"])
        return url_site(doc["url"]) if isinstance(doc.get("url"), str) else None

    def rules(self, site: str) -> list[learn.LearnedRule]:
        """The rules that apply to the site's pages now: none before it has `ready_pages` pages; made again
        as its pages grow by a tenth."""
        counts = self.learner.sites.get(site)
        pages = counts.pages if counts else 0
        known = self.applied.get(site)
        if known is None or pages - known[0] >= max(1, known[0] // 10):
            rules = self.learner.site_rules(site) if pages >= self.ready_pages else []
            data = tuple((r.id, r.pattern, r.anywhere) for r in rules)
            shipped = (site, f"{learn.key_hash(repr(data)):x}", data) if data else None
            known = self.applied[site] = (pages, rules, shipped, {r.id: learn.line_key(r.line) or "" for r in rules})
            while len(self.applied) > len(self.learner.sites) + 1:  # sites the memory let go
                self.applied.pop(next(s for s in self.applied if s not in self.learner.sites))
        return known[1]

    def shipped(self, site: str) -> tuple[LearnedRules | None, dict[str, str]]:
        """The rules to send with a document of `site` (None: none apply), and their keys by id."""
        self.rules(site)
        return self.applied[site][2], self.applied[site][3]

    def learn(self, site: str, answer: bytes, counts: dict[str, int], keys: dict[str, str]) -> None:
        """Count a cleaned page: its answer's text, and the lines the site's rules (`keys` by id) took out."""
        text = json.loads(answer)["text"]
        self.learner.add(site, text, also=[keys[rule] for rule in counts if rule in keys])
        self.changed = True

    def pack(self, site: str) -> str | None:
        """The rules that apply to the site as a rule file (TOML), or None when none do yet."""
        rules = self.rules(site)
        if not rules:
            return None
        pages = rules[0].site_pages
        header = (f"Learned by `cleaner serve --learn-sites` from {pages} page(s) of {site}: {len(rules)} rule(s);\n"
                  f"--min-pages {self.learner.min_pages} --min-share {self.learner.min_share:g}. Each rule drops one "
                  "line of the site's template;\ndelete a rule to keep its line. Use the pack with --rules FILE.")
        return learn.pack_toml(rules, header)

    def status(self, site: str) -> str:
        """Why a site has no rules yet, for a 404."""
        counts = self.learner.sites.get(site)
        pages = counts.pages if counts else 0
        if pages < self.ready_pages:
            return f"no rules for {site}: {pages} page(s) seen, rules apply from {self.ready_pages}"
        return f"no rules for {site}: no line recurs enough on its {pages} page(s)"

    def state(self) -> dict[str, Any]:
        """The memory as JSON data (sites least recently seen first)."""
        return {"format": FORMAT, "sites": [[site, counts.state()] for site, counts in self.learner.sites.items()]}

    def load(self, data: object) -> None:
        """Take the sites of a saved state; ValueError saying what is wrong with it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a sites state file (no \"format\": \"{FORMAT}\")")
        try:
            for site, state in data["sites"]:
                name = site_name(site)
                self.learner.counts(name)  # (the site least recently seen goes past max_sites)
                self.learner.sites[name] = learn.SiteCounts.load(state, max_keys=self.learner.max_keys)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"a site's counts are malformed ({type(err).__name__}: {err})") from None


def read_state(memory: SiteMemory, path: Path) -> None:
    """Load the memory from `path` when it exists; ValueError naming the file and what is wrong."""
    if not path.exists():
        return
    try:
        memory.load(json.loads(path.read_bytes()))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from None


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Write the state atomically: a temporary file beside it, then renamed over it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(state, out, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- in a cleaning process ---------------------------------------------------------------------

_site_cleaners: OrderedDict[tuple[str, str], Cleaner] = OrderedDict()


def cleaner_for(base: Cleaner, doc: dict[str, Any]) -> Cleaner:
    """The Cleaner for a request document: `base`, or base with the site's learned rules (`learned`)."""
    learned: LearnedRules | None = doc.get("learned")
    if not learned:
        return base
    site, version, rules = learned
    cleaner = _site_cleaners.get((site, version))
    if cleaner is None:
        extra = [build_rule("learned", rule_table(site, *rule)) for rule in rules]
        cleaner = Cleaner.from_rules([*base.rules, *extra], timeout=base.timeout, max_removed=base.max_removed,
                                     on_excess=base.on_excess)
        _site_cleaners[(site, version)] = cleaner
        if len(_site_cleaners) > SITE_CLEANERS:
            _site_cleaners.popitem(last=False)
    else:
        _site_cleaners.move_to_end((site, version))
    return cleaner


def rule_table(site: str, rule_id: str, pattern: str, anywhere: bool) -> dict[str, Any]:
    """A learned rule as the pack writes it (learn.rule_toml), less its description's counts and examples."""
    table = {"id": rule_id, "kind": "drop_line", "category": "site-template", "sites": [site], "pattern": pattern,
             "description": f"A line of {site}'s template, learned by the service.", "max_chars": learn.MAX_CHARS}
    return table if anywhere else {**table, "outside_body": True}


# --- in the server process ---------------------------------------------------------------------


class LearningPool:
    """A CleaningPool that sends each document with its site's rules and learns from its answer."""

    def __init__(self, pool: Any, memory: SiteMemory) -> None:
        self.pool, self.memory = pool, memory

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)

    async def clean(self, docs: list[dict[str, Any]]) -> list[tuple[bytes, dict[str, int]]]:
        sites = [self.memory.site_of(doc) for doc in docs]
        shipped = [self.memory.shipped(site) if site else (None, {}) for site in sites]
        sent = [{**doc, "learned": rules} if rules else doc for doc, (rules, _) in zip(docs, shipped)]
        answers = await self.pool.clean(sent)
        for site, (_, keys), (answer, counts) in zip(sites, shipped, answers):
            if site:
                self.memory.learn(site, answer, counts, keys)
        return answers


def install(app: Any, memory: SiteMemory, state_file: Path | None) -> None:
    """Turn site learning on in an app made by create_app: its pool learns, GET /v1/sites/{site}/rules
    exports a site's pack, and the memory is saved to `state_file` (read it first with read_state)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with inner(app):
            app.state.pool = LearningPool(app.state.pool, memory)
            saver = asyncio.ensure_future(save_often(memory, state_file)) if state_file else None
            try:
                yield
            finally:
                if saver is not None:
                    saver.cancel()
                    write_state(state_file, memory.state())

    app.router.lifespan_context = lifespan
    app.include_router(sites_router(memory))


def sites_router(memory: SiteMemory) -> Any:
    """The route GET /v1/sites/{site}/rules over `memory`."""
    from fastapi import APIRouter, HTTPException
    from fastapi.responses import Response

    router = APIRouter()

    @router.get("/v1/sites/{site}/rules", responses={200: {"content": {"application/toml": {}}},
                                                     404: {"description": "No rules learned for the site yet"}})
    async def site_rules(site: str) -> Response:
        """The rules learned for a site and applied to its pages, as a rule file (TOML) to review or keep."""
        try:
            name = site_name(site)
        except ValueError as err:
            raise HTTPException(422, str(err)) from None
        pack = memory.pack(name)
        if pack is None:
            raise HTTPException(404, memory.status(name))
        return Response(pack, media_type="application/toml")

    return router


async def save_often(memory: SiteMemory, path: Path, every: float = SAVE_SECONDS,
                     write: Callable[[Path, dict[str, Any]], None] = write_state) -> None:
    """Save the memory every `every` seconds while it changes (the JSON written in a thread)."""
    while True:
        await asyncio.sleep(every)
        if memory.changed:
            memory.changed = False
            await asyncio.to_thread(write, path, memory.state())
