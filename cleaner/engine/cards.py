"""A page of cards (a listing, a shop's category page, a site's front page): the text of its main region,
one line per block, without the page's navigation, header, footer, sidebars and forms.

trafilatura takes a page's longest run of prose and leaves out blocks made mostly of links: on a page of
cards, its entries (a linked title, a line of text, a price) are such blocks, and what it keeps is a
heading or an intro. The main region is the page's <main> (or [role=main]) when it holds a fair share of
the body's text, else the body, less its furniture by tag and role."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

    from cleaner.engine.elements import Page

# Furniture by tag and ARIA role (what a page says of its own parts), and what it hides: hidden elements and
# what a closed <details> holds besides its <summary> (a reader sees it only on opening it; rustdoc's trait
# implementations, a shop's collapsed filters). Chosen on half 0 of wcxb-dev's sites: F1 summed over the 53
# pages whose region was taken +0.41 (half 1: +0.17 over 62).
FURNITURE = ("nav, header, footer, aside, form, dialog, [role=navigation], [role=banner], [role=contentinfo], "
             "[role=search], [role=dialog], [aria-hidden=true], [hidden], details:not([open]) > :not(summary)")
# A <main> holding under MAIN_SHARE of the body's text is a part of the page (a hero), not its main region.
MAIN_SHARE = 0.2
BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd figcaption figure blockquote pre table caption thead tbody tfoot tr td "
    "th div section article aside header footer nav main form fieldset address details summary hr".split())
_SKIPPED = frozenset("-comment script style noscript template svg head iframe object select button".split())


def region_text(page: Page, body: bool = True) -> str:
    """The block text of the page's main region (see the module's docstring), '' when it is the body and
    `body` is False; the page's tree is changed."""
    tree = page.tree
    for node in tree.css(FURNITURE):
        if node.tag not in ("html", "body"):
            node.decompose()
    if (whole := tree.body) is None:
        return ""
    main = max(tree.css("main, [role=main]"), key=lambda node: len(node.text()), default=None)
    if main is not None and len(main.text()) > MAIN_SHARE * len(whole.text()):
        return "\n\n".join(block_lines(main))
    return "\n\n".join(block_lines(whole)) if body else ""


def block_lines(node: LexborNode, skipped: frozenset[str] = _SKIPPED) -> list[str]:
    """The text of every block under node, spaces collapsed, one line per block with text; the elements
    named in `skipped` (scripts, forms' controls, ...) left out."""
    lines: list[str] = []
    buffer: list[str] = []
    levels, blocks = [iter(node.iter(include_text=True))], [False]  # the children being walked, each level's own
    while levels:
        for child in levels[-1]:  # (a stack rather than recursion: a text piece costs the same at any depth)
            tag = child.tag
            if tag == "-text":
                buffer.append(child.text_content or "")
            elif tag == "br":
                _end_line(buffer, lines)
            elif tag not in skipped:
                if block := tag in BLOCK_TAGS:
                    _end_line(buffer, lines)
                levels.append(iter(child.iter(include_text=True)))
                blocks.append(block)
                break
        else:
            levels.pop()
            if blocks.pop():
                _end_line(buffer, lines)
    _end_line(buffer, lines)
    return lines


def _end_line(buffer: list[str], lines: list[str]) -> None:
    """The buffered pieces as a line (spaces collapsed), when they hold text; the buffer emptied."""
    if buffer:
        if line := " ".join("".join(buffer).split()):
            lines.append(line)
        buffer.clear()
