"""What of a labelled block the output holds because of the block: the output with the block, less the
output of the same page with the block's element removed (`furniture_blocks.py --ablate`).

A caption whose words the article repeats, a comment heading naming the headline, a teaser that is the
article's own title: their shingles are in the output whatever a cleaner does with the block. Removing
the block from the page and extracting again tells the text the block itself put there."""

from __future__ import annotations

import re
from collections.abc import Callable

from aeb_metric import shingles, tokenize
from selectolax.lexbor import LexborHTMLParser, LexborNode

_STRIPPED = frozenset({"script", "style", "template", "noscript"})  # as furniture_propose.proposals strips them
_SKIPPED = frozenset({"-text", "_text", "-comment", "_comment", None}) | _STRIPPED
_STEP = re.compile(r"(.+):nth-child\((\d+)\)")


def find_block(tree: LexborHTMLParser, path: str) -> LexborNode | None:
    """The element at a furniture_propose.css_path (made on the page without scripts and styles), or None."""
    node = tree.body
    for step in path.split(" > ")[1:]:
        match = _STEP.fullmatch(step)
        if node is None or match is None:
            return None
        tag, index = match.group(1), int(match.group(2))
        node = node.child
        while node is not None and (node.tag in _SKIPPED or (index := index - 1)):
            node = node.next
        if node is None or node.tag != tag:
            return None
    return node


def without_block(html: str, path: str, text: str) -> str | None:
    """The page with the block's element removed; None when the path does not lead to an element holding
    that text (then the block is counted as it is)."""
    tree = LexborHTMLParser(html)
    node = find_block(tree, path)
    if node is None or " ".join(node.text(separator=" ").split()) != text:
        return None
    node.decompose()
    return tree.html or ""


def caused(block: str, output: str, output_without: str) -> tuple[int, int]:
    """(shingles of the block the output holds more often than the output without the block, shingles of
    the block); a block under 4 tokens counts when its tokens are in a row in the first only."""
    tokens = tokenize(block)
    if not tokens:
        return 0, 0
    if len(tokens) < 4:
        short = f" {' '.join(tokens)} "
        return int(short in f" {' '.join(tokenize(output))} " and short not in f" {' '.join(tokenize(output_without))} "), 1
    mine = shingles(block)
    return sum((mine & (shingles(output) - shingles(output_without))).values()), sum(mine.values())


def ablated(block: dict, html: str, output: str, extract: Callable[[str], str], plain: tuple[int, int]) -> tuple[int, int]:
    """The block's (found, shingles) by ablation; `plain` (the shares as found) when nothing was found or the
    element cannot be located."""
    if not plain[0] or (changed := without_block(html, block["path"], block["text"])) is None:
        return plain
    return caused(block["text"], output, extract(changed))
