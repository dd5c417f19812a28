"""The HTML kinds: steps that act on the parsed page (a selectolax tree) around text extraction."""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ahocorasick_rs import BytesAhoCorasick
    from selectolax.lexbor import LexborHTMLParser, LexborNode

# A matched element holding this share of the page's paragraph text, or TEXT_SHARE of all its
# text, is a layout wrapper whose class happens to match ('post has-sidebar'), not furniture.
PARAGRAPH_SHARE = 0.4
TEXT_SHARE = 0.5
_NEVER = frozenset({"html", "head", "body"})
# A paragraph of prose: this many characters and words at least, ending like a sentence.
PROSE_CHARS = 60
PROSE_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]*$")
# A match of a rule over lists of links to other pages (related, recommended, teasers) whose text
# is prose with under this share of it in links (or inside one), and which is the only match of its
# tag and class (one of several is an item of a list), is the page's own text: an article's lead
# that a template calls its 'teaser', not a list of other stories. Such a match is unwrapped:
# trafilatura discards elements by the same class words ('teaser', 'related').
LINK_SHARE = 0.1
_BLOCKS = "p, div, h2, h3, h4, h5, h6"
# lexbor walks the tree once for each selector of a list. A selector that is one test of a class or id
# value ('[class*=promo i]', '.comments', '#respond') can only match when its word (ASCII, any case) is in
# a class or id value written in the page, so the others are left out of the query. Only a numeric character
# reference ('&#97;') or '&lowbar;' ('_') gives a word's character: when a value holds one, every selector runs.
# The values are found in the page's source by a pattern that takes more than the parser does (a class="..."
# in a comment too), never less.
_WORD_TEST = re.compile(r"\[(?:class|id)\s*[~|^$*]?=\s*(['\"]?)([A-Za-z0-9_-]+)\1(?:\s+[iIsS])?\s*\]|[.#]([A-Za-z0-9_-]+)")
_VALUE = rb"""[\t\n\f\r ]*=[\t\n\f\r ]*("[^"]*|'[^']*|[^\t\n\f\r >]*)"""
_CLASS_VALUES = re.compile(rb"class" + _VALUE)
_ID_VALUES = re.compile(rb"id" + _VALUE)
_WORD_REFERENCE = re.compile(rb"&(?:#|lowbar|underbar)")


class Page:
    """A parsed page without scripts and styles, and how much text it holds before any pruning."""

    def __init__(self, html: str) -> None:
        from selectolax.lexbor import LexborHTMLParser

        self.tree = LexborHTMLParser(html)
        self.tree.strip_tags(["script", "style", "template"])
        self._html = html
        self._values: bytes | None = None
        self._words: tuple[tuple[bytes, ...] | None, set[bytes] | None] = (None, None)  # (words looked for, found)
        self._totals: tuple[int, int] | None = None
        self.spared: list[tuple[str, str, str]] = []  # (selector, why, text) of what a guard kept in the page

    @property
    def totals(self) -> tuple[int, int]:
        """Characters of paragraph text and of all text in the body, measured on first use."""
        if self._totals is None:
            body = self.tree.body
            self._totals = (_paragraph_chars(body), len(body.text())) if body is not None else (0, 0)
        return self._totals

    def narrowed(self, selector: str) -> str:
        """The selector list without the class and id tests whose word no class or id value of the page
        holds ('' when none is left): it matches what the whole list matches."""
        plan = _plan(selector)
        if all(word is None for _, word in plan) or (words := self._written_words()) is None:
            return selector
        return ", ".join(part for part, word in plan if word is None or word in words)

    def _written_words(self) -> set[bytes] | None:
        """Which words of the selectors' class and id tests (every one planned so far) the class and id values
        written in the page hold, found in one pass; None when a value holds a reference that may give a
        word's character."""
        planned, found = _PLANNED, self._words[1]
        if self._words[0] is not planned:
            values = self._class_and_id_values()
            found = None if _WORD_REFERENCE.search(values) else _held(planned, values)
            self._words = (planned, found)
        return found

    def _class_and_id_values(self) -> bytes:
        """The class and id values written in the page, lower-cased (ASCII); those of the last page read when it
        is the same string (a page of cards is parsed again from it: see html.as_cards)."""
        if self._values is None:
            last = _LAST_VALUES[0]
            if last[0] is self._html:
                self._values = last[1]
                return self._values
            data = self._html.encode("utf-8", "surrogatepass").lower()
            self._values = b"\n".join(set(_CLASS_VALUES.findall(data)) | set(_ID_VALUES.findall(data)))
            _LAST_VALUES[0] = (self._html, self._values)
        return self._values


_LAST_VALUES: list[tuple[str | None, bytes]] = [(None, b"")]  # (page, its class and id values) of the last page read


_PLANNED: tuple[bytes, ...] = ()  # every word of a class or id test of the selector lists planned so far
_PLANNING = threading.Lock()


def _held(words: tuple[bytes, ...], values: bytes) -> set[bytes]:
    """The words that `values` holds (as substrings)."""
    return {words[i] for i, _, _ in _automaton(words).find_matches_as_indexes(values, overlapping=True)}


@lru_cache(maxsize=4)
def _automaton(words: tuple[bytes, ...]) -> BytesAhoCorasick:
    from ahocorasick_rs import BytesAhoCorasick

    return BytesAhoCorasick(list(words))


@lru_cache(maxsize=256)
def _plan(selector: str) -> tuple[tuple[str, bytes | None], ...]:
    """The selectors of a list, each with the word of its class or id test (lower-cased), None for any other."""
    if "\\" in selector:  # (an escape: the list is run whole)
        return ((selector, None),)
    global _PLANNED
    plan = tuple((part, _word(part)) for part in _selectors(selector))
    with _PLANNING:
        _PLANNED += tuple(dict.fromkeys(word for _, word in plan if word is not None and word not in _PLANNED))
    return plan


def _word(selector: str) -> bytes | None:
    match = _WORD_TEST.fullmatch(selector)
    return None if match is None else (match.group(2) or match.group(3)).lower().encode("ascii")


def _selectors(selector: str) -> list[str]:
    """A selector list split at its commas outside brackets, parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(selector):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and not depth:
            parts.append(selector[start:i].strip())
            start = i + 1
    return [*parts, selector[start:].strip()]


@cache
def _empty_page() -> LexborHTMLParser:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser("")


def check_selector(selector: str) -> str:
    """The selector itself, or a ValueError when lexbor cannot parse it (selectors the start-up
    cache already knows are not parsed again, so plain-text runs never import selectolax)."""
    from cleaner.engine.fast import cache

    known = cache.get()
    if known.is_valid("css:" + selector):
        return selector
    from selectolax.lexbor import SelectolaxError

    try:
        _empty_page().css(selector)
    except SelectolaxError as err:
        raise ValueError(f"bad CSS selector in 'selector': {selector!r} ({err})") from None
    known.mark_valid("css:" + selector)
    return selector


def text_of(node: LexborNode) -> str:
    """An element's text on one line."""
    return " ".join(node.text(separator=" ").split())


def _paragraph_chars(node: LexborNode) -> int:
    return sum(len(p.text()) for p in node.css("p"))


class ElementStep(NamedTuple):
    """Base of the HTML kinds; the text engine skips rules whose step is one of these."""

    selector: str
    keep_prose: bool = False
    links: bool = False


class Prune(ElementStep):
    """Removes matching elements from the page before extraction."""

    __slots__ = ()

    def __call__(self, page: Page) -> list[tuple[str, str]]:
        """Remove the matches (outermost first); (element, text) of each one that had text, the element
        as tag.class#id."""
        removed: set[int] = set()
        texts: list[tuple[str, str]] = []
        selector = page.narrowed(self.selector)
        matches = page.tree.css(selector) if selector else []
        kinds = Counter(_kind(node) for node in matches) if self.links else Counter()
        for node in matches:
            if node.tag in _NEVER or _inside(node, removed) or _is_wrapper(node, page):
                continue
            if self.links and kinds[_kind(node)] == 1 and (share := _unlinked_prose(node)) is not None:
                page.spared.append((self.selector, f"<{describe(node)}>, prose with {share:.0%} of it in links, "
                                    "not a list of links", text_of(node)))
                node.unwrap()  # its children stay; its class words would make the extractor drop it too
                continue
            removed.add(node.mem_id)
            if self.keep_prose:
                _spare_prose(node, page, self.selector)
            if text := text_of(node):
                texts.append((describe(node), text))
            node.decompose()
        return texts


class Echo(ElementStep):
    """Names the element whose text is dropped from the extracted text, the page left untouched."""

    __slots__ = ()

    def __call__(self, page: Page) -> str | None:
        """The text of the first match, if it has any."""
        node = page.tree.css_first(self.selector)
        return (text_of(node) or None) if node is not None else None


def _inside(node: LexborNode, removed: set[int]) -> bool:
    """True when an ancestor of node was removed already (its handle would dangle)."""
    if not removed:
        return False
    parent = node.parent
    while parent is not None:
        if parent.mem_id in removed:
            return True
        parent = parent.parent
    return False


def _spare_prose(node: LexborNode, page: Page, selector: str) -> None:
    """Move node's prose blocks (an article's lead or dek inside its header: a paragraph, a heading or a
    div that holds no other block) out before node goes."""
    for block in node.css(_BLOCKS):
        text = text_of(block)
        if _prose(text) and _SENTENCE_END.search(text) and len(block.css(_BLOCKS)) == 1:  # (itself)
            node.insert_before(block)  # lexbor inserts a copy
            block.decompose()
            page.spared.append((selector, "a prose paragraph of its match", text))


def _prose(text: str) -> bool:
    return len(text) >= PROSE_CHARS and len(text.split()) >= PROSE_WORDS


def _unlinked_prose(node: LexborNode) -> float | None:
    """The share of node's text in links when its text is prose with under LINK_SHARE of it in links
    (an element inside a link is all link); None otherwise."""
    text = text_of(node)
    if not _prose(text) or _inside_link(node):
        return None
    share = sum(len(text_of(a)) for a in node.css("a")) / len(text)
    return share if share < LINK_SHARE else None


def describe(node: LexborNode) -> str:
    """An element as a selector would name it: tag, classes and id ('div.teaser-text#lead')."""
    classes = "".join(f".{word}" for word in (node.attributes.get("class") or "").split())
    ident = node.attributes.get("id")
    return f"{node.tag}{classes}{f'#{ident}' if ident else ''}"


def _kind(node: LexborNode) -> tuple[str, str]:
    return node.tag or "", node.attributes.get("class") or ""


def _inside_link(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


def _is_wrapper(node: LexborNode, page: Page) -> bool:
    """True when node holds most of the page's text: a wrapper, not furniture."""
    paragraphs, text = page.totals
    own = _paragraph_chars(node)
    return (own > 0 and own >= PARAGRAPH_SHARE * paragraphs) or len(node.text()) >= TEXT_SHARE * text


def drop_element(*, selector: str, keep_prose: bool = False, links: bool = False) -> Prune:
    """Removes the elements the CSS selector matches before extraction (never body, nor a wrapper holding most text);
    keep_prose: their prose paragraphs (<p> of a sentence or more) stay in the page; links: a match must be a list
    of links (one whose text is prose with few links in it stays)."""
    return Prune(check_selector(selector), keep_prose, links)


def drop_element_text(*, selector: str) -> Echo:
    """Drops the extracted paragraph repeating the selector's first match (a headline); the page stays as it is."""
    return Echo(check_selector(selector))
