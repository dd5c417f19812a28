"""The HTML front end: decode the page, prune furniture by selector, extract the main text, run the text rules."""

from __future__ import annotations

import codecs
import re
from functools import cache

import trafilatura

from cleaner.document import Removal
from cleaner.elements import Echo, Page, Prune, text_of
from cleaner.engine import Cleaner, Result
from cleaner.loader import Rule

# fast: no second opinion from readability/justext (faster, and it scored better on the AEB pages).
EXTRACT_OPTIONS = {"include_comments": False, "fast": True}

_DECLARED = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Browsers read these as windows-1252 (WHATWG Encoding Standard); names as codecs.lookup gives them.
_AS_CP1252 = {"iso8859-1", "ascii"}


def clean_html(html: str | bytes, url: str | None = None) -> str:
    """Clean one page with the shipped rules: its article text, without furniture."""
    return _shipped().clean_html(html, url=url).text


@cache
def _shipped() -> Cleaner:
    return Cleaner()


def clean_page(cleaner: Cleaner, html: str | bytes, url: str | None = None, lang: str | None = None) -> Result:
    """Prune the page with the cleaner's HTML rules, extract its main text, then run its text rules."""
    source = decode(html) if isinstance(html, bytes) else html
    page = Page(source)
    echoes = [(rule, text) for rule in cleaner.rules if isinstance(rule.step, Echo) and (text := rule.step(page))]
    removals = prune(page, cleaner.rules)
    text = extract(page.tree.html or "", url)
    if not text and removals:  # pruning took the article with it: extract from the page as it was
        text, removals = extract(source, url), []
    text, dropped = drop_echoes(text, echoes)
    result = cleaner.clean(text, lang)
    return result._replace(removals=removals + dropped + result.removals)


def prune(page: Page, rules: list[Rule]) -> list[Removal]:
    """Run the drop_element rules in order; one removal per element with text."""
    return [
        Removal(rule.id, rule.category, 0, text)
        for rule in rules if isinstance(rule.step, Prune)
        for text in rule.step(page)
    ]


def extract(html: str, url: str | None) -> str:
    """trafilatura's main text, one paragraph per block."""
    text = trafilatura.extract(html, url=url, **EXTRACT_OPTIONS) if html.strip() else None
    return "\n\n".join(line for line in (text or "").splitlines() if line.strip())


def drop_echoes(text: str, echoes: list[tuple[Rule, str]]) -> tuple[str, list[Removal]]:
    """Drop the first paragraph equal to each echoed element's text (ignoring case and spacing)."""
    paragraphs = text.split("\n\n")
    keys = [_key(p) for p in paragraphs]
    removals = []
    for rule, echoed in echoes:
        if (key := _key(echoed)) in keys:
            index = keys.index(key)
            keys[index] = None
            removals.append(Removal(rule.id, rule.category, 0, paragraphs[index]))
    kept = [p for p, k in zip(paragraphs, keys, strict=True) if k is not None]
    return "\n\n".join(kept), removals


def page_text(html: str) -> str:
    """All the text of a page's body, one line."""
    body = Page(html).tree.body
    return text_of(body) if body is not None else ""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def decode(data: bytes) -> str:
    """Bytes to text: a BOM, else strict UTF-8, else the declared charset, else charset_normalizer's guess."""
    # UTF-8 goes before the declaration: legacy-encoded text is practically never valid UTF-8,
    # while pages that declare latin-1 and send UTF-8 are common.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = declared_charset(data)
    for encoding in filter(None, ("utf-8", declared)):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return _sniff(data) or data.decode(declared or "utf-8", errors="replace")


def declared_charset(data: bytes) -> str | None:
    """The charset named by a <meta> tag or XML declaration in the first 16 KB, if Python knows it."""
    match = _DECLARED.search(data[:16384])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def _sniff(data: bytes) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else None
