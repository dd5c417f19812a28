"""Hostile pages (issue 20): the work per page is bounded in nesting depth and in elements, and
what lies past a bound is said in a warning while the page's text is kept."""

import gzip
import subprocess
import sys

import pytest

from cleaner import Cleaner
from cleaner.html import MAX_DEPTH, MAX_ELEMENTS, clean_page, flatten

from conftest import ROOT

CLEANER = Cleaner()
P = "The council met on Tuesday to talk about the budget and the new bridge over the river near the town."
AEB_PAGES = sorted((ROOT / "tests" / "fixtures" / "aeb" / "html").glob("*.html.gz"))


def nested(depth: int, tag: str = "div") -> str:
    return f"<html><body>{f'<{tag}>' * depth}<p>{P}</p>{f'</{tag}>' * depth}</body></html>"


@pytest.mark.parametrize("depth", [300, 20_000, 99_000])
def test_deep_nesting_is_flattened_and_the_text_kept(depth):
    """100,000 levels once took 97 s (lexbor's tree building is quadratic in depth) and gave
    nothing; past 253 levels lxml, under trafilatura, drops the whole article. (Past
    MAX_ELEMENTS elements the page is not parsed at all: see below.)"""
    result = clean_page(CLEANER, nested(depth))
    assert result.text == P + "\n"
    assert any(f"nested deeper than {MAX_DEPTH}" in w for w in result.warnings), result.warnings


def test_nesting_within_the_bound_is_left_alone():
    page = nested(MAX_DEPTH - 2, "section")
    assert flatten(page) == (page, None)
    assert clean_page(CLEANER, page).warnings == []


def test_flatten_drops_only_what_is_too_deep():
    page = "<div>" * (MAX_DEPTH + 5) + "a<br>b" + "</div>" * (MAX_DEPTH + 5) + "</div><p>tail"
    flat, warning = flatten(page)
    assert flat.count("<div>") == flat.count("</div>") - 1 == MAX_DEPTH
    assert "a<br>b" in flat and flat.endswith("</div><p>tail")
    assert warning is not None and "5 levels" in warning


@pytest.mark.parametrize("path", AEB_PAGES, ids=[p.name[:10] for p in AEB_PAGES])
def test_real_pages_are_not_touched(path):
    from cleaner.html import decode

    page = decode(gzip.decompress(path.read_bytes()))
    assert flatten(page) == (page, None)
    assert clean_page(CLEANER, page).warnings == []


def test_too_many_elements_skip_extraction_and_keep_the_text():
    page = f"<html><body><p>{P}</p>" + "<span>word</span> " * (MAX_ELEMENTS + 10) + "</body></html>"
    result = clean_page(CLEANER, page)
    assert result.text.startswith(P + " word word")
    assert result.text.count("word") >= MAX_ELEMENTS
    assert any(f"more than {MAX_ELEMENTS:,} elements" in w for w in result.warnings), result.warnings


def test_a_hundred_thousand_nested_elements_keep_the_text():
    result = clean_page(CLEANER, nested(100_000))
    assert result.text == P + "\n"
    assert len(result.warnings) == 1


def test_twenty_megabytes_of_tags_finish(tmp_path):
    """20 MB of tags once took 29 s and 916 MB: now the extraction is skipped (a hang guard only)."""
    script = ("import sys; from cleaner import Cleaner; from cleaner.html import clean_page; page = '<html><body><p>' + sys.argv[1] + '</p>' + "
              "'<b><i>x</i></b>' * 1_400_000 + '</body></html>'; result = clean_page(Cleaner(), page); "
              "print(result.text[:len(sys.argv[1])]); print(len(result.warnings))")
    proc = subprocess.run([sys.executable, "-c", script, P], capture_output=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert proc.stdout.decode().splitlines() == [P, "1"]
