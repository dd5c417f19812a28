"""The pipeline: fold the selected rules, in order, over one document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

from cleaner.engine.fast import cache, watchdog
from cleaner.engine.categories import CATEGORIES, unknown_name_message
from cleaner.engine.document import Doc, Kept, Removal, split_lines
from cleaner.engine.elements import ElementStep
from cleaner.engine.kinds import Budget, Cut
from cleaner.engine.language import LANGUAGES, detect, normalise
from cleaner.engine.fast.prefilter import JoinedIndex, LiteralIndex
from cleaner.engine.loader import Rule, RuleError, builtin_rules_dir, load_paths
from cleaner.engine.pagetype import ARTICLE, check_page_type, text_type
from cleaner.engine.sites import site_name, url_site

Policy = Literal["keep", "clean", "fail"]
TIMEOUT = 1.0  # seconds per rule per MB of input
MAX_REMOVED = 0.8  # share of a document's characters; see docs/guarantees.md
MIN_GUARDED_WORDS = 20  # a shorter document is too small to judge: the guard leaves it alone
MAX_SITE_PLANS = 256  # plans kept for documents of sites that rules are scoped to


class ExcessiveRemovalError(Exception):
    """Cleaning would remove more of a document than `max_removed` allows (policy 'fail')."""

    def __init__(self, share: float, limit: float) -> None:
        self.share, self.limit = share, limit
        super().__init__(f"cleaning would remove {share:.0%} of the document (limit {limit:.0%})")


class Result(NamedTuple):
    """The cleaned text and everything that was taken out, in line order."""

    text: str
    removals: list[Removal]
    warnings: list[str]
    removed_share: float = 0.0  # share of the input's characters that the rules removed
    guard: str | None = None  # "kept-original" or "cleaned-anyway" when max_removed was exceeded
    reverted: list[Removal] = []  # what the rules would have removed when the guard kept the original
    lang: str | None = None  # the language the rules ran for
    lang_source: str | None = None  # "given", "detected", or None (no language-specific rules loaded)
    source: str = ""  # the text that was cleaned: what `locate` offsets point into
    kept: Sequence[Kept] = ()  # HTML: what a guard kept of a rule's matches or put back (also in warnings)
    page_type: str = ARTICLE  # the page type the rules ran for (cleaner.engine.pagetype)
    page_type_source: str = "default"  # "given", "detected" or "default" (none given or found: an article)
    page_type_evidence: str = ""  # what the detected page type was told by

    @property
    def counts(self) -> dict[str, int]:
        """How many lines or spans each rule removed."""
        return dict(Counter(r.rule_id for r in self.removals))


class Cleaner:
    """Loads and compiles the rules once; `clean` is then cheap to call per document."""

    def __init__(
        self,
        rules: Iterable[str | Path] = (),
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        builtin: bool = True,
        timeout: float | None = TIMEOUT,
        max_removed: float | None = MAX_REMOVED,
        on_excess: Policy = "keep",
    ) -> None:
        rules, select, ignore = ([x] if isinstance(x, str | Path) else x for x in (rules, select, ignore))
        paths = ([builtin_rules_dir()] if builtin else []) + [Path(p) for p in rules]
        self._setup(select_rules(load_paths(paths), select, ignore), timeout, max_removed, on_excess)
        cache.get().save()

    @classmethod
    def from_rules(cls, rules: list[Rule], **options: object) -> Cleaner:
        cleaner = cls.__new__(cls)
        cleaner._setup(list(rules), **options)  # type: ignore[arg-type]
        return cleaner

    def _setup(self, rules: list[Rule], timeout: float | None = TIMEOUT, max_removed: float | None = MAX_REMOVED,
               on_excess: Policy = "keep") -> None:
        if on_excess not in ("keep", "clean", "fail"):
            raise ValueError(f"on_excess must be 'keep', 'clean' or 'fail', got {on_excess!r}")
        if max_removed is not None and not 0 < max_removed <= 1:
            raise ValueError(f"max_removed must be in (0, 1], got {max_removed}")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                    or not 0 < timeout < float("inf")):
            raise ValueError(f"timeout must be a number of seconds above 0, or None for no limit, got {timeout!r}")
        self.rules = rules
        self.timeout, self.max_removed, self.on_excess = timeout, max_removed, on_excess
        self._plans: dict[tuple[str | None, str | None], tuple[list[Rule], JoinedIndex]] = {}
        self._indexes: dict[object, LiteralIndex] = {}  # by part: shared, a language's own, a site's own
        self._multilingual = any(r.lang for r in rules)  # else detection would change nothing
        self.sites = frozenset().union(*(r.sites for r in rules))  # the sites that rules are scoped to
        # Rules whose kind guards its own cut (a comment thread goes only after a real article
        # body): what they remove is left out of the over-removal share.
        self._self_guarded = frozenset(r.id for r in rules if getattr(r.step, "self_guarded", False))
        self.languages = frozenset(LANGUAGES).union(*(r.lang for r in rules))

    def language(self, lang: object) -> str:
        """The code `lang` stands for (DE, de-DE and german give de), among the detected languages and
        those the rules name; ValueError naming it otherwise."""
        return normalise(lang, self.languages)

    def site(self, site: str | None = None, url: str | None = None) -> str | None:
        """The site a document comes from, as rules' `sites` name it: `site` (a host or URL; ValueError
        when it is neither), else the host of `url`; None when no rule is scoped to it."""
        if site is not None:
            name: str | None = site_name(site)
        elif not self.sites or not isinstance(url, str):
            return None
        else:
            name = url_site(url)
        return name if name in self.sites else None

    def clean(self, text: str, lang: str | None = None, *, site: str | None = None, url: str | None = None,
              page_type: str | None = None) -> Result:
        """Clean one document; rules declaring languages run only for `lang` (detected when None), rules
        scoped to sites only for the document's site (`site`, else the host of `url`), rules scoped to
        page types only for `page_type` (an article when None: ValueError for an unknown one)."""
        if isinstance(text, bytes | bytearray):
            raise TypeError(f"Cleaner.clean takes text (str), not {type(text).__name__}: decode bytes first "
                            "(data.decode('utf-8')), or give HTML to cleaner.html.clean_page, which takes bytes")
        if not isinstance(text, str):
            raise TypeError(f"Cleaner.clean takes text (str), not {type(text).__name__}")
        source_of_type, evidence = "given", ""
        if page_type is not None:
            page_type = check_page_type(page_type)
        elif found := text_type(text):  # a thread or a listing from the text itself
            page_type, source_of_type, evidence = found.name, "detected", found.why
        else:
            page_type, source_of_type = ARTICLE, "default"
        lang_source = "given" if lang is not None else "detected" if self._multilingual else None
        if lang is not None:
            lang = self.language(lang)
        elif self._multilingual:
            lang = detect(text)
        rules, index = self._plan(lang, self.site(site, url) if self.sites or site is not None else None, page_type)
        doc = Doc(text)
        seconds = None if self.timeout is None else self.timeout * max(1.0, len(text) / 1_000_000)
        with watchdog.document(seconds) as armed:  # one alarm, or else a time limit passed to each search
            removals, warnings = self._run(rules, index, doc, seconds, armed)
        removals.sort(key=lambda r: r.line)  # line order; stable: rule order within a line
        result = Result(doc.render(), removals, warnings, removed_share(doc, removals, self._self_guarded),
                        lang=lang, lang_source=lang_source, source=text, page_type=page_type,
                        page_type_source=source_of_type, page_type_evidence=evidence)
        return self._guard(result, text)

    @staticmethod
    def _run(rules: list[Rule], index: JoinedIndex, doc: Doc, seconds: float | None,
             armed: bool) -> tuple[list[Removal], list[str]]:
        """Visit the rules that have candidate lines, in order, and apply each one's cuts."""
        removals: list[Removal] = []
        warnings: list[str] = []
        candidates = index.candidates(doc.texts, doc.kept)
        order, position = sorted(candidates), 0
        while position < len(order):
            number = order[position]
            position += 1
            rule, hits = rules[number], candidates[number]
            if hits is not None:
                hits -= doc.dropped  # (the sets are this call's own: changed in place)
                if not hits:
                    continue
            cuts = run_step(rule, doc, doc.kept if hits is None else sorted(hits), seconds, armed, warnings)
            if not cuts:
                continue
            edited = apply_cuts(doc, cuts)
            if edited:  # what is left of an edited line may match later rules: ask the prefilter which
                again = index.candidates(doc.texts, sorted(edited), whole=False)
                later = {k: v for k, v in again.items() if k > number}
                for k, lines in later.items():
                    current = candidates.get(k, set())
                    candidates[k] = None if current is None or lines is None else current | lines
                order = order[:position] + sorted(set(order[position:]) | later.keys())
            removals += [Removal(rule.id, rule.category, c.index + 1, c.text, c.rest is None) for c in cuts]
        return removals, warnings

    def _plan(self, lang: str | None, site: str | None = None,
              page_type: str = ARTICLE) -> tuple[list[Rule], JoinedIndex]:
        """The rules that run for a language (and a site some rules are scoped to) and their literal
        prefilter, built once per pair: the index of the rules every language and site runs, shared by
        all plans, and small ones of the language's and the site's own rules. A site's plan is made on
        its first document; past MAX_SITE_PLANS of them the oldest is dropped (made again when needed)."""
        plan = self._plans.get((lang, site, page_type))
        if plan is None:
            if site is not None and sum(s is not None for _, s, _ in self._plans) >= MAX_SITE_PLANS:
                oldest = next(key for key in self._plans if key[1] is not None)
                del self._plans[oldest]
                self._indexes.pop(("site", *oldest), None)
            rules = [r for r in self.rules if (not r.lang or lang in r.lang) and (not r.sites or site in r.sites)
                     and (not r.page_types or page_type in r.page_types) and not isinstance(r.step, ElementStep)]
            plan = self._plans[(lang, site, page_type)] = (rules, JoinedIndex(self._parts(rules, lang, site, page_type)))
            cache.get().save()
        return plan

    def _parts(self, rules: list[Rule], lang: str | None, site: str | None,
               page_type: str = ARTICLE) -> list[tuple[LiteralIndex, list[int]]]:
        """A plan's indexes, each with the positions of its rules in the plan: the rules every language
        and site runs (one index for all plans of a page type), the language's own, the site's own (built
        once each per page type)."""
        groups: dict[object, list[int]] = {}
        for i, r in enumerate(rules):
            key = ("site", lang, site, page_type) if r.sites else ("lang", lang, page_type) if r.lang \
                else ("shared", page_type)
            groups.setdefault(key, []).append(i)
        for key, positions in groups.items():
            if key not in self._indexes:
                self._indexes[key] = LiteralIndex([rules[i].step for i in positions])
        return [(self._indexes[key], positions) for key, positions in groups.items()] or [(LiteralIndex([]), [])]

    def removed_chars(self, result: Result) -> tuple[int, int]:
        """The two terms of a result's removed_share (of its `source`), for a caller that adds removals later."""
        return removed_chars(split_lines(result.source), result.removals, self._self_guarded)

    def _guard(self, result: Result, original: str) -> Result:
        """Over max_removed: keep the original (listing what would have gone), clean anyway, or fail.
        A document of fewer than MIN_GUARDED_WORDS words is too small to judge and is never guarded."""
        if self.max_removed is None or result.removed_share <= self.max_removed:
            return result
        if len(original.split(maxsplit=MIN_GUARDED_WORDS)) < MIN_GUARDED_WORDS:
            return result
        if self.on_excess == "fail":
            raise ExcessiveRemovalError(result.removed_share, self.max_removed)
        share = f"{result.removed_share:.0%}"
        if self.on_excess == "clean":
            warning = f"rules removed {share} of the document (over max_removed); cleaned anyway"
            return result._replace(warnings=[*result.warnings, warning], guard="cleaned-anyway")
        warning = f"rules would remove {share} of the document (over max_removed); kept the original"
        return result._replace(text=Doc(original).render(), removals=[], warnings=[*result.warnings, warning],
                               guard="kept-original", reverted=result.removals)


def removed_share(doc: Doc, removals: list[Removal], exempt: frozenset[str] = frozenset()) -> float:
    """Characters removed over characters in the input, ignoring whitespace at line ends; the
    removals of `exempt` rules (kinds that guard their own cuts) count in neither."""
    if not removals:
        return 0.0
    removed, total = removed_chars(doc.original, removals, exempt)
    return removed / total if total > 0 else 0.0


def removed_chars(original: Sequence[str], removals: list[Removal], exempt: frozenset[str]) -> tuple[int, int]:
    """The two terms of removed_share: characters removed, characters of the input (less `exempt` rules' removals)."""
    total = sum(map(len, original))
    removed = sum(len(r.text.strip()) for r in removals if r.rule_id not in exempt)
    total -= sum(len(r.text.strip()) for r in removals if r.rule_id in exempt)
    return removed, total


UNLIMITED = Budget(None)  # stateless: one for all rules when the alarm keeps time


def run_step(rule: Rule, doc: Doc, lines: list[int], seconds: float | None, armed: bool,
             warnings: list[str]) -> list[Cut]:
    """A rule's cuts over `lines`; a runaway pattern (e.g. '(?R)') is skipped with a warning, no cuts.
    (watchdog.run only under this thread's alarm: other threads' searches carry the limit.)"""
    try:
        if armed:
            return watchdog.run(rule.step.apply, doc, lines, UNLIMITED)
        return rule.step.apply(doc, lines, UNLIMITED if seconds is None else Budget(seconds))
    except (TimeoutError, MemoryError, RecursionError) as err:
        reason = f"exceeded the regex time limit ({seconds:.1f} s)" if isinstance(err, TimeoutError) \
            else f"failed ({type(err).__name__})"
        warnings.append(f"rule '{rule.id}' {reason}; skipped")
        if armed:
            watchdog.rearm()
        return []


def apply_cuts(doc: Doc, cuts: list[Cut]) -> set[int]:
    """Drop or rewrite the cut lines; returns the indices of lines rewritten in place."""
    dropped = {c.index for c in cuts if c.rest is None}
    edited = {c.index for c in cuts if c.rest is not None} - dropped
    for cut in cuts:
        if cut.rest is not None and cut.index in edited:
            doc.edit(cut.index, cut.rest)
    if dropped:
        doc.drop(dropped)
    return edited


def select_rules(rules: list[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Keep rules whose id or category is selected (all if none), minus the ignored ones. Every category
    is known, also one that no loaded rule has (`--ignore site-template` without a site pack)."""
    known = {r.id for r in rules} | set(CATEGORIES)
    for option, names in (("select", select), ("ignore", ignore)):
        unknown = sorted(set(names) - known)
        if unknown:
            named = ", ".join(unknown_name_message(name, known) for name in unknown)
            raise RuleError(f"Cleaner({option}=...)", f"unknown rule id or category: {named}")
    chosen = set(select)
    dropped = set(ignore)
    return [
        r for r in rules
        if (not chosen or r.id in chosen or r.category in chosen) and not ({r.id, r.category} & dropped)
    ]


_default: Cleaner | None = None


def clean(text: str, *, url: str | None = None, site: str | None = None, page_type: str | None = None) -> str:
    """Clean text with the shipped rules (`url` or `site`: the page's, for rules scoped to sites;
    `page_type`: the page's type, for rules scoped to page types)."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default.clean(text, site=site, url=url, page_type=page_type).text
