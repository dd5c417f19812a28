"""The HTML path: pruning by selector rules, extraction, text rules, decoding, and the CLI's input detection."""

import gzip
import json
import subprocess
import sys

import pytest

from cleaner import Cleaner, clean_html
from cleaner.engine.document import normalize
from cleaner.engine.elements import ElementStep
from cleaner.html import decode
from cleaner.html import clean_page

from conftest import ROOT

AEB = ROOT / "tests" / "fixtures" / "aeb"
TRUTH = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))

P1 = "The city council approved the budget on Monday after a long debate about schools and roads."
P2 = "The vote was seven to two, and the new budget takes effect in January next year."
PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Council passes budget | The Daily</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council passes budget</h1>
<p>{P1}</p>
<figure><img src="council.jpg"><figcaption>Council members vote on Monday. Photo: Jane Doe/The Daily</figcaption></figure>
<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter.</p></div>
<p>{P2}</p>
<section id="comments"><h3>2 comments</h3><p>Mark, March 12: About time they fixed the roads!</p></section>
</article></body></html>"""
HEAD = "Council passes budget"
FURNITURE = ["Photo: Jane Doe", "morning briefing", "free newsletter", "fixed the roads"]


def aeb_page(prefix: str) -> tuple[bytes, dict]:
    """A vendored AEB page's raw bytes and its ground-truth entry."""
    path = next((AEB / "html").glob(f"{prefix}*.html.gz"))
    return gzip.decompress(path.read_bytes()), TRUTH[path.name.removesuffix(".html.gz")]


def test_hand_written_page_loses_its_furniture():
    text = clean_html(PAGE)
    assert text == f"{HEAD}\n\n{P1}\n\n{P2}\n"
    assert not any(bit in text for bit in FURNITURE)


def test_removals_name_the_selector_rules():
    result = clean_page(Cleaner(), PAGE.encode("utf-8"), url="https://example.com/budget")
    by_rule = {r.rule_id: r for r in result.removals}
    assert by_rule["html-figure-caption"].text == "Council members vote on Monday. Photo: Jane Doe/The Daily"
    assert by_rule["html-figure-caption"].category == "caption"
    assert "Sign up for our free newsletter." in by_rule["html-newsletter"].text
    assert "About time they fixed the roads!" in by_rule["html-comments"].text
    assert all(r.line == 0 for r in result.removals if r.rule_id.startswith("html-"))


@pytest.mark.parametrize(("prefix", "gone", "kept"), [
    ("ea25dd7edf",  # smithsonianmag: figure caption with credit, newsletter box, Disqus stub
     ["bacteria that cause plague, survives on fleas", "SIGN UP for our newsletter", "Disqus"],
     ["Three cases of plague have been diagnosed in China", "to avoid contact with rodents"]),
    ("0e014df693",  # theantijunecleaver: reader comment, comment form, share buttons
     ["We also fill our refillable bottles", "Sharing is caring", "Email *"],
     ["When you live in a state as beautiful as Colorado", "How do you make sure that you stay hydrated?"]),
    ("c13b9c0e04",  # spokesman: figure caption with credit, newsletter box, word count and tags
     ["Materials from South Dakota", "Subscribe to the Morning Review newsletter", "Wordcount"],
     ["awareness campaign has been facing backlash", "the five words that everybody in America reads"]),
])
def test_vendored_aeb_pages(prefix, gone, kept):
    data, truth = aeb_page(prefix)
    text = clean_html(data, url=truth["url"])
    for bit in gone:
        assert bit not in text, bit
    for bit in kept:
        assert bit in text and bit in truth["articleBody"], bit


def test_text_engine_skips_html_rules():
    html_rules = [r for r in Cleaner().rules if isinstance(r.step, ElementStep)]
    assert len(html_rules) >= 15
    text = "Council passes budget\n\nShare\n\nComments\n"
    assert Cleaner.from_rules(html_rules).clean(text).text == normalize(text)


def test_wrapper_whose_class_matches_is_kept():
    page = f"<html><body><div class='post has-sidebar related-posts-on'><p>{P1}</p><p>{P2}</p></div></body></html>"
    assert clean_html(page) == f"{P1}\n\n{P2}\n"


def test_empty_and_textless_pages():
    assert clean_html("") == ""
    assert clean_html(b"") == ""
    assert clean_html("<html><head><title>T</title></head><body><script>var a = 1;</script></body></html>") == ""


CAFE = "Le café « Chez Zoë » a ouvert ses portes à Montréal, où l’on sert des crêpes et du thé glacé."
ENCODED = {
    "cp1252-meta": (b'<html><head><meta charset="windows-1252"></head><body><p>%s</p></body></html>', CAFE, "cp1252"),
    "latin1-http-equiv": (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
                          b"</head><body><p>%s</p></body></html>", CAFE.replace("’", "'"), "latin-1"),
    "utf8-bom": (b"\xef\xbb\xbf<html><body><p>%s</p></body></html>", CAFE, "utf-8"),
    "utf8-undeclared": (b"<html><body><p>%s</p></body></html>", CAFE, "utf-8"),
    "utf8-declared-latin1": (b'<html><head><meta charset="iso-8859-1"></head><body><p>%s</p></body></html>',
                             CAFE, "utf-8"),
    "shift-jis-meta": (b'<html><head><meta charset="Shift_JIS"></head><body><p>%s</p></body></html>',
                       "東京の喫茶店では、季節の果物を使ったパフェが人気を集めている。", "shift_jis"),
    "koi8-r-meta": (b'<html><head><meta charset="koi8-r"></head><body><p>%s</p></body></html>',
                    "В Москве открылась новая библиотека для детей и подростков.", "koi8-r"),
}


@pytest.mark.parametrize("case", ENCODED)
def test_encodings(case):
    template, text, encoding = ENCODED[case]
    data = template % text.encode(encoding)
    assert text in decode(data)
    assert text in clean_html(data)


def test_undeclared_legacy_bytes_are_sniffed():
    text = "Ein schöner Tag in München: Bürger genießen die Sonne an der Isar und über die Brücken. " * 3
    data = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    assert "schöner Tag in München" in decode(data)


def test_import_cleaner_does_not_import_trafilatura():
    code = "import sys, cleaner; cleaner.Cleaner().clean('x'); print('trafilatura' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_cli_detects_html_on_stdin(run_cli):
    proc = run_cli(input=PAGE.encode("cp1252"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == f"{HEAD}\n\n{P1}\n\n{P2}\n"


def test_cli_text_stays_text(run_cli):
    text = f"{P1}\n\nA note on <b>bold</b> tags in text.\n\nLeave a Reply\n"
    proc = run_cli(input=text)
    assert proc.stdout.decode() == f"{P1}\n\nA note on <b>bold</b> tags in text.\n"
    forced = run_cli("--input", "text", input=PAGE)
    assert "<figcaption>" in forced.stdout.decode()


def test_cli_input_html_forces_the_html_path(run_cli):
    fragment = f"Intro line\n<p>{P1}</p><figure><figcaption>A caption. Photo: Jane Doe</figcaption></figure>"
    proc = run_cli("--input", "html", input=fragment)
    assert "Photo: Jane Doe" not in proc.stdout.decode()
    assert P1 in proc.stdout.decode()


def test_cli_explain_and_json_report_selector_removals(run_cli, tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    explain = run_cli("explain", "page.html").stdout.decode()
    assert "page.html:html: html-figure-caption [caption] <figcaption> Council members vote on Monday." in explain
    assert "html-newsletter [newsletter]" in explain and "html-comments [comments]" in explain
    data = json.loads(run_cli("clean", "--format", "json", "--url", "https://example.com/a", "page.html").stdout)
    assert data["text"] == f"{HEAD}\n\n{P1}\n\n{P2}\n"
    assert {"rule": "html-figure-caption", "category": "caption", "line": 0,
            "text": "Council members vote on Monday. Photo: Jane Doe/The Daily",
            "whole_line": True, "start": None, "end": None} in data["removals"]  # (no offsets: not a line of text)
    assert data["counts"]["html-figure-caption"] == 1


def test_cli_lists_and_tests_html_rules(run_cli):
    listing = run_cli("rules", "list").stdout.decode()
    assert "html-figure-caption\tcaption\tdrop_element\t" in listing
    assert "html-comments\tcomments\tdrop_element\t" in listing
    proc = run_cli("rules", "test", "--select", "html-figure-caption,html-comments", "--no-builtin",
                   "--rules", ROOT / "rules" / "html")
    assert proc.returncode == 0, proc.stdout.decode()


def test_bad_selector_names_file_and_rule(run_cli, tmp_path):
    (tmp_path / "bad.toml").write_text(
        "[[rule]]\nid = 'my-box'\nkind = 'drop_element'\ncategory = 'widget'\ndescription = 'd'\n"
        "selector = 'div[class='\n", encoding="utf-8")
    proc = run_cli("--rules", "bad.toml", input=PAGE)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and proc.stdout == b""
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "bad.toml" in err and "'my-box'" in err and "bad CSS selector" in err and "div[class=" in err


TRAF = ROOT / "tests" / "fixtures" / "traf"
LONG = [f"Paragraph {n} of the report: the council spent the morning on the road budget, and members "
        f"argued about which streets should be repaired first and how the work would be paid for." for n in range(6)]


def test_lead_paragraph_in_the_article_header_is_kept():
    lead = "Schools and roads get more money next year, after a debate that lasted until midnight."
    page = (f"<html><body><article><header><a href='/politics'>Politics</a><h1>Council passes budget</h1>"
            f"<p>{lead}</p><p>By Jane Doe, 12 March 2024</p></header>"
            + "".join(f"<p>{p}</p>" for p in LONG) + "</article></body></html>")
    result = clean_page(Cleaner(), page)
    assert lead in result.text and "Jane Doe" not in result.text and "Politics" not in result.text
    assert result.text.index(lead) < result.text.index(LONG[0])
    assert any("html-article-header" in w and "kept a prose paragraph" in w for w in result.warnings)
    removed = [r.text for r in result.removals if r.rule_id == "html-article-header"]
    assert removed and all(lead not in text for text in removed)


def test_content_wrappers_matched_by_a_selector_are_put_back():
    # Each section holds a third of the text (under the prune guard's share), and its class matches
    # html-popup ('tooltip'): pruned, the page keeps only its intro.
    sections = "".join(f"<section class='text-block has-tooltip'><p>{LONG[i]}</p><p>{LONG[i + 1]}</p></section>"
                       for i in (0, 2, 4))
    page = (f"<html><body><main><h1>Road budget</h1><p>Short intro.</p>{sections}</main>"
            f"<aside class='related'><h3>Related</h3><ul><li><a href='/a'>Mayor unveils road plan</a></li></ul></aside>"
            f"</body></html>")
    result = clean_page(Cleaner(), page)
    assert all(p in result.text for p in LONG)
    assert "Mayor unveils road plan" not in result.text
    assert not any(r.rule_id == "html-popup" for r in result.removals)
    assert any("extracted again" in w for w in result.warnings)
    assert sum("html-popup" in w and "put back" in w for w in result.warnings) == 1


def test_trafilatura_fallback_finds_the_article_its_own_pass_misses():
    page = gzip.decompress((TRAF / "rnz.de.witzel.html.gz").read_bytes())
    text = clean_html(page, url="https://www.rnz.de/nachrichten_artikel,-zz-dpa-Schlaglichter-Frank-Witzel-erhaelt"
                                "-Deutschen-Buchpreis-2015-_arid,133484.html")
    assert "hat Frank Witzel den Deutschen Buchpreis 2015 erhalten" in text
    assert "Online-Service-Center" not in text


def test_cli_explain_shows_a_guard_putting_text_back(run_cli, tmp_path):
    sections = "".join(f"<section class='text-block has-tooltip'><p>{LONG[i]}</p><p>{LONG[i + 1]}</p></section>"
                       for i in (0, 2, 4))
    (tmp_path / "page.html").write_text(f"<html><body><main><p>Short intro.</p>{sections}</main></body></html>",
                                        encoding="utf-8")
    proc = run_cli("explain", "--input", "html", "page.html")
    assert "rule 'html-popup' matched content" in proc.stderr.decode()
    assert "put back" in proc.stderr.decode()


def test_a_lead_the_template_calls_a_teaser_is_kept_and_a_list_of_teasers_goes():
    lead = "Thousands of passengers pass the zoo station every day, and from spring on they will see a new tower."
    others = ["The panda born in March took her first steps outside on Sunday, the keepers said.",
              "Ticket prices rise next year for the first time since the zoo was rebuilt after the war."]
    page = (f"<html><body><div class='news-single'><h1>A tower for the zoo</h1><div class='teaser-text'><p>{lead}</p>"
            "</div><div class='news-text-wrap'>" + "".join(f"<p>{p}</p>" for p in LONG) + "</div>"
            + "".join(f"<div class='teaser'><p>{o}</p></div>" for o in others) + "</div></body></html>")
    result = clean_page(Cleaner(), page)
    assert lead in result.text and result.text.index(lead) < result.text.index(LONG[0])
    assert all(o not in result.text for o in others)
    assert [(k.rule_id, k.text) for k in result.kept if "in links" in k.why] == [("html-related", lead)]


def test_a_dek_in_the_article_header_is_kept():
    dek = "Schools and roads get more money next year, after a debate that lasted until midnight."
    page = (f"<html><body><article><header><h1>Council passes budget</h1><h2>{dek}</h2><p>By Jane Doe</p></header>"
            + "".join(f"<p>{p}</p>" for p in LONG) + "</article></body></html>")
    result = clean_page(Cleaner(), page)
    assert dek in result.text and "Jane Doe" not in result.text
    assert any(k.rule_id == "html-article-header" and k.text == dek for k in result.kept)


def test_cli_explain_shows_what_a_guard_kept(run_cli, tmp_path):
    lead = "Thousands of passengers pass the zoo station every day, and from spring on they will see a new tower."
    (tmp_path / "page.html").write_text(
        f"<html><body><article><div class='teaser-text'><p>{lead}</p></div>"
        + "".join(f"<p>{p}</p>" for p in LONG) + "<div class='related'><h3>Related</h3><ul><li><a href='/a'>Mayor "
        "unveils road plan</a></li></ul></div></article></body></html>", encoding="utf-8")
    out = run_cli("explain", "--input", "html", "page.html").stdout.decode()
    assert f"html-related (guard: kept <div.teaser-text>, prose with 0% of it in links, not a list of links) {lead}" in out
    assert "html-related [related] <div.related> Related" in out
    assert "1 match(es) kept or put back by a guard" in out


def test_the_headline_stays_first():
    """The h1 that the page's title holds opens the text, also when the extractor left it out or moved it."""
    logo = "<h1 class='logo'>The Daily</h1>"
    page = (f"<html><head><title>Council passes budget | The Daily</title></head><body>{logo}<main><article>"
            f"<p>{P1}</p><h1>Council passes budget</h1><p>{P2}</p></article></main></body></html>")
    assert clean_html(page) == f"{HEAD}\n\n{P1}\n\n{P2}\n"


def test_a_logo_h1_is_no_headline():
    """An h1 the title does not hold (a site's name, one word) is not put first."""
    page = (f"<html><head><title>Council passes budget | The Daily</title></head><body><h1>Daily</h1>"
            f"<article><p>{P1}</p><p>{P2}</p></article></body></html>")
    assert clean_html(page) == f"{P1}\n\n{P2}\n"


@pytest.mark.parametrize("page_type", ["article", "service"])
def test_an_iframe_left_open_in_a_noscript_is_not_read_as_text(page_type):
    """A self-closed iframe in a noscript (a tag manager's) opened raw text in the parsed copy, which came back
    as the page's markup: noscript is left out before parsing, as a browser running scripts does."""
    page = (f"<html><head><title>Council</title></head><body><noscript><iframe src='https://example.com/ns.html' "
            f"height='0' width='0' /></noscript><script>var a = 1;</script><main><p>{P1}</p><p>{P2}</p></main>"
            "</body></html>")
    result = clean_page(Cleaner(), page, page_type=page_type)
    assert result.text == f"{P1}\n\n{P2}\n"


@pytest.mark.parametrize("page_type", ["article", "service"])
def test_markup_read_as_text_falls_back_to_the_page_as_it_was(page_type):
    """A self-closed iframe outside a noscript opens raw text to the end of the page in the parsed copy (as in
    a browser); its extraction holds a script tag that the page as it was does not: that one is used, with a
    warning."""
    page = (f"<html><head><title>Council</title></head><body><div><iframe src='https://example.com/ns.html' "
            f"height='0' width='0' /></div><script>var a = 1;</script><main><p>{P1}</p><p>{P2}</p></main>"
            "</body></html>")
    result = clean_page(Cleaner(), page, page_type=page_type)
    assert result.text == f"{P1}\n\n{P2}\n"
    assert any("script tag" in warning for warning in result.warnings)


def test_a_page_builders_blocks_are_no_sidebar_widgets():
    """SiteOrigin's and Elementor's blocks carry widget_ classes (widget_text, elementor-widget__width-initial):
    html-sidebar leaves them, and still takes a sidebar's widget."""
    from cleaner.engine.elements import Page

    rule = next(r for r in Cleaner().rules if r.id == "html-sidebar")
    page = Page(f"<main><div class='so-panel widget widget_text'><p>{P1}</p></div>"
                f"<div class='elementor-element elementor-widget elementor-widget__width-initial'><p>{P2}</p></div>"
                "</main><div class='widget_recent_entries'><p>How to write a cover letter that gets read</p></div>")
    assert [text for _, text in rule.step(page)] == ["How to write a cover letter that gets read"]
