"""The per-category furniture benchmark: its labelled set is well formed and its share counts what it says."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from furniture_blocks import BLOCKS, CATEGORIES, found, left, read_blocks, shares  # noqa: E402

KEYS = {"set", "page", "category", "where", "found_by", "checked", "path", "text"}


def test_labelled_set_is_well_formed():
    lines = [json.loads(line) for line in BLOCKS.read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 300
    for block in lines:
        assert set(block) == KEYS, block
        assert block["category"] in CATEGORIES and block["set"] in {"aeb", "traf", "wcxb"}
        assert block["text"].strip() and block["path"].startswith("html > ")
    assert {b["category"] for b in lines} == set(CATEGORIES)
    assert len({(b["set"], b["page"], b["path"]) for b in lines}) == len(lines)


def test_found_counts_shingles_and_short_blocks():
    assert found("Photo: Jane Doe for the Daily", "Photo: Jane Doe for the Daily Star.") == (3, 3)
    assert found("Photo: Jane Doe for the Daily", "A story about Jane Doe.") == (0, 3)
    assert found("Getty Images", "Image: Getty Images.") == (1, 1)
    assert found("Getty Images", "Getty's images") == (0, 1)


def test_shares_sum_per_category(tmp_path):
    path = tmp_path / "b.jsonl"
    rows = [{"set": "aeb", "page": "p", "category": "caption", "text": "Photo: Jane Doe for the Daily"},
            {"set": "aeb", "page": "p", "category": "article", "text": "The council approved the budget today"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    blocks = read_blocks(path, {"aeb"})
    got = shares(blocks, {("aeb", "p"): "The council approved the budget today."})
    assert got == {"caption": (1, 0, 3), "article": (1, 3, 3)}


def test_left_lists_the_furniture_blocks_the_output_holds():
    from types import SimpleNamespace

    blocks = [{"set": "aeb", "page": "p", "category": "caption", "text": "Photo: Jane Doe for the Daily"},
              {"set": "aeb", "page": "p", "category": "related", "text": "More stories about the bridge"},
              {"set": "aeb", "page": "p", "category": "article", "text": "The council approved the budget today"}]
    pages = {("aeb", "p"): SimpleNamespace(url="https://example.com/a")}
    output = {("aeb", "p"): "The council approved the budget today. Photo: Jane Doe for the Daily."}
    got = left(blocks, pages, output)
    assert len(got) == 1 and got[0].split()[:2] == ["caption", "aeb"] and " 3/3 " in got[0]
    assert " ablated   0 " in left(blocks, pages, output, {id(blocks[0]): (0, 3)})[0]


def test_net_leaves_out_the_articles_own_shingles():
    article = "Council members vote on Monday after a long debate"
    assert found("Council members vote on Monday. Photo: Jane Doe", article, article) == (0, 3)
    assert found("Council members vote on Monday. Photo: Jane Doe", article) == (2, 5)


def test_wcxb_word_f1_follows_its_evaluate():
    from wcxb_ab import word_f1

    assert word_f1("", "") == 1.0 and word_f1("x", "") == 0.0 and word_f1("", "x") == 0.0
    assert word_f1("The cat sat", "the cat sat on the mat") == 2 * 1.0 * 0.5 / 1.5


def test_ablation_counts_only_what_the_block_put_in_the_output():
    from furniture_ablate import caused, find_block, without_block
    from selectolax.lexbor import LexborHTMLParser

    html = "<html><body><script>x()</script><div><p>Council members vote on Monday.</p><figure>Photo: Jane Doe</figure></div></body></html>"
    path = "html > div:nth-child(1) > figure:nth-child(2)"
    assert find_block(LexborHTMLParser(html), path).text() == "Photo: Jane Doe"
    assert without_block(html, path, "Photo: Jane Doe").count("Jane Doe") == 0
    assert without_block(html, path, "another text") is None
    repeated = "Council members vote on Monday after a long debate"
    assert caused(repeated, repeated, repeated) == (0, 6)
    assert caused(repeated, repeated, "") == (6, 6)
    assert caused("Jane Doe", "Photo: Jane Doe", "Photo:") == (1, 1)


def test_byline_proposals_take_the_bylines_own_element_not_the_header():
    from furniture_propose import byline_candidates, text_of
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser("<html><body><header><h1>Council passes the budget</h1><div class='m'><span>By Jane Doe</span>"
                            " <time>March 12, 2024</time></div></header><p>The council met on Monday and voted.</p></body></html>")
    got = [(category, how, text_of(node)) for category, how, node in byline_candidates(tree, "")]
    assert got and set(got) == {("caption", "byline", "By Jane Doe March 12, 2024")}
