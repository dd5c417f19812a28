"""Properties of cleaning that hold for any input (issue 6): it never raises, it is
idempotent, it invents nothing, and known furniture inserted into a real article goes
while the article stays exactly as it was."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.engine.document import Doc, normalize
from cleaner.engine.kinds import _word_counts, drop_short_run, word_count

from conftest import GOLDEN

CLEANER = Cleaner()
LANGS = [None, "en", "de", "fr", "es", "it", "pt", "nl"]

# Real furniture lines, each removed by a shipped rule wherever it stands as a paragraph.
FURNITURE = [
    "Leave a Reply",
    "Sign up for our daily push alerts here.",
    "(Visited 1 times, 1 visits today)",
    "comments powered by Disqus",
    "Your email address will not be published. Required fields are marked *",
    "Share this article",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Follow us on Instagram",
    "Was this article helpful?",
    "READ MORE: Trump says he is not happy with Putin call",
    "Image source, Getty Images",
    "Join the conversation",
    "Listen to this article",
    "5 min read",
    "Photograph: Alina Smutko/Reuters",
    "KYIV, UKRAINE - JULY 4: Residents shelter in the metro during an air raid. (Photo by Jane Doe/Getty Images)",
]

ARTICLES = {p.name.removesuffix(".expected.txt"): p.read_text(encoding="utf-8")
            for p in sorted(GOLDEN.glob("*.expected.txt"))}

# Pieces that make text hard: control characters, byte-order marks, every kind of line end,
# combining marks, right-to-left text and controls, emoji sequences, Unicode separators.
AWKWARD = [
    "\x00", "\ufeff", "\r\n", "\r", "\n", "\n\n", "\t", " ", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
    "\u00a0", "\u200b", "e\u0301", "\u0301\u0301\u0301", "\u202e", "\u200f", "مرحبا بالعالم", "שלום עולם",
    "👍🏽", "👩\u200d👩\u200d👧", "🇺🇦", "\ud800", "\udfff", "\U0010ffff", "\ufffd", "ß", "İ", "ſ", "ﬁ",
    "word " * 400, "a" * 3000,
]
# Fragments of the shipped rules' patterns, so that random text reaches the regexes' hard paths.
FRAGMENTS = [
    "(Photo: ", "(Photo by ", "(AP Photo/", ")", "(", " in Kyiv, Ukraine July 4, 2025.", "REUTERS/",
    "Related Articles", "More Like This", "By Jane Smith", "Home > World > ", "Photo Credit:", " via Getty Images",
    "Leave a ", "comments", "Published on July 4, 2025", "*", ":", ". ", "?", "Name:", "|", "»", "…",
]
SENTENCES = [line for text in ARTICLES.values() for line in text.splitlines() if line]

piece = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "Z"]), max_size=40),
    st.sampled_from(AWKWARD),
    st.sampled_from(FRAGMENTS),
    st.sampled_from(FURNITURE),
    st.sampled_from(SENTENCES),
)
texts = st.lists(piece, max_size=40).map("".join)

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def input_lines(text: str) -> list[str]:
    """The input's lines as the engine reads them: CRLF, CR and LF end a line, a leading BOM goes."""
    text = text.removeprefix("\ufeff")
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(c in chars for c in small)


def invented_line(text: str, output: str) -> str | None:
    """The first output line that is not (a part of) an input line in order, or None."""
    sources = input_lines(text)
    position = 0
    for line in output.split("\n"):
        if not line:
            continue
        while position < len(sources) and not is_subsequence(line, sources[position]):
            position += 1
        if position == len(sources):
            return line
        position += 1
    return None


@PROPERTY
@given(texts, st.sampled_from(LANGS))
def test_never_raises_and_output_is_normalized(text, lang):
    result = CLEANER.clean(text, lang)
    assert isinstance(result.text, str)
    assert normalize(result.text) == result.text
    assert 0.0 <= result.removed_share <= 1.0


@PROPERTY
@given(texts, st.sampled_from(LANGS))
def test_idempotent(text, lang):
    once = CLEANER.clean(text, lang).text
    assert CLEANER.clean(once, lang).text == once


@PROPERTY
@given(texts, st.sampled_from(LANGS))
def test_nothing_invented(text, lang):
    result = CLEANER.clean(text, lang)
    assert invented_line(text, result.text) is None


def test_invented_line_detects_what_it_should():
    assert invented_line("A b c\n\nD e", "A c\n\nD e\n") is None
    assert invented_line("A b c\n\nD e", "D e\n\nA b c\n") == "A b c"  # order matters
    assert invented_line("A b c", "A b c d\n") == "A b c d"


def _paragraphs(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


@st.composite
def article_with_furniture(draw):
    """A golden article with 1-3 furniture paragraphs at random paragraph boundaries."""
    name = draw(st.sampled_from(sorted(ARTICLES)))
    paragraphs = _paragraphs(ARTICLES[name])
    inserts = draw(st.lists(st.tuples(st.integers(0, len(paragraphs)), st.sampled_from(FURNITURE)),
                            min_size=1, max_size=3))
    for boundary, furniture in sorted(inserts, reverse=True):
        paragraphs.insert(boundary, furniture)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return name, ("\n\n".join(paragraphs) + "\n").replace("\n", newline)


@settings(max_examples=150, deadline=None)
@given(article_with_furniture())
def test_inserted_furniture_is_removed_and_article_kept(case):
    name, text = case
    result = CLEANER.clean(text)
    assert result.text == ARTICLES[name]
    assert result.guard is None


@pytest.mark.parametrize("furniture", FURNITURE)
def test_each_furniture_line_is_removed_everywhere(furniture):
    """Every furniture line at every paragraph boundary of one article (exhaustive, no sampling)."""
    name = "wire-kyiv-disqus-form"
    paragraphs = _paragraphs(ARTICLES[name])
    for boundary in range(len(paragraphs) + 1):
        text = "\n\n".join([*paragraphs[:boundary], furniture, *paragraphs[boundary:]]) + "\n"
        assert CLEANER.clean(text).text == ARTICLES[name], (furniture, boundary)


def test_articles_are_long_enough_to_test_with():
    assert len(ARTICLES) >= 5
    assert all(len(_paragraphs(text)) >= 5 for text in ARTICLES.values())
    assert sum(len(text) for text in ARTICLES.values()) > 10_000


# Edge cases found while writing the properties above, kept as regression tests.
_BODY = "\n\n".join(f"Paragraph {n} of the body says the council met again on Tuesday to talk about the budget "
                    "and the new bridge over the river near town, and nothing was decided." for n in range(4))
FIXED = {
    "double-bom": "\ufeff\ufeffText.\n",
    # A line holding only a byte-order mark, first after the leading marks or a dropped line:
    # the output starts with a blank line ('\nBody text.\n').
    "bom-only-line-first": "\ufeff\n\ufeff\nBody text.\n",
    "bom-only-line-after-dropped": "Leave a Reply\n\ufeff\nBody text.\n",
    # Two glued captions: the first is only stripped on the second pass.
    "two-glued-captions": "The council met on Monday and agreed the budget for the bridge. "
                          "A caption is here for us in Kyiv, Ukraine July 4, 2025. "
                          "Another caption is there in Kyiv, Ukraine July 4, 2025.\n",
    # A credit inside a credit: removing the inner one leaves a new match.
    "nested-photo-credit": "Hello (Photo: (Photo: x) y) there friend.\n",
    # cut_tail: the first marker's tail fits max_share only once the second tail is gone.
    "two-tail-markers": _BODY + "\n\nRelated Articles\n\n"
                        + "\n".join(f"Teaser headline number {n} goes here" for n in range(8))
                        + "\n\nMore Like This\n\nAnother teaser headline here now" + " word" * 7 + "\n",
}


def _normalized_and_idempotent(text: str) -> None:
    once = CLEANER.clean(text).text
    assert normalize(once) == once
    assert CLEANER.clean(once).text == once


@pytest.mark.parametrize("name", FIXED)
def test_fixed_edge_case(name):
    _normalized_and_idempotent(FIXED[name])



@given(st.lists(st.sampled_from(["a", "é", " ", "  ", "\t", "\xa0", "\u2009", "\u3000", "\x1f", "\u2028", "\x85",
                                  "\u200b", "."]), max_size=40).map("".join) | st.text(max_size=40))
def test_word_count_is_the_number_of_words(text: str) -> None:
    # word_count's shortcut is for lines whose only whitespace is single spaces
    text = text.strip()
    assert word_count(text) == len(text.split())


_LINE_TEXT = st.lists(st.sampled_from(["a", "é", " ", "  ", "\t", "\xa0", "\u2009", "\x1f", "\u200b", "."]),
                      max_size=12).map("".join) | st.text(max_size=12)


@given(st.lists(_LINE_TEXT, max_size=8))
def test_word_counts_of_a_document_are_each_lines(lines: list[str]) -> None:
    # _word_counts tests the whole document at once for its shortcut; a line it gets wrong fails here
    doc = Doc("\n".join(lines))
    assert _word_counts(doc.texts) == [len(text.split()) for text in doc.texts]


@given(st.lists(st.sampled_from(["", "Home", "News", "A much longer line of text than a label.", "Sport 2"]),
                max_size=12))
def test_short_run_precheck_never_hides_a_run(lines: list[str]) -> None:
    # the length pre-check may only skip documents in which the full test finds no run
    doc = Doc("\n".join(lines))
    step = drop_short_run(min_run=3, max_words=3, max_chars=10, edges_only=False)
    runs = step._runs(doc, doc.kept, False)
    if any(len(run) >= 3 for run in runs):
        assert step._may_hold_run(doc, doc.kept)


def _paragraphs_reference(lines: list[str]) -> str:
    """The output convention spelled out line by line: one blank line between paragraphs."""
    out: list[str] = []
    gap = False
    for line in lines:
        if not line:
            gap = bool(out)
        elif gap:
            out += ["", line]
            gap = False
        else:
            out.append(line)
    text = "\n".join(out).lstrip("\ufeff")
    return text + "\n" if text.strip() else ""


@given(st.lists(st.sampled_from(["", "", "a b", "  indented", "\ufeffmark", "x\ufeff", "\t"]), max_size=12))
def test_render_keeps_one_blank_line_between_paragraphs(lines: list[str]) -> None:
    doc = Doc("\n".join(lines))
    assert doc.render() == _paragraphs_reference(doc.lines)
