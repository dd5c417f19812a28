"""The HTML path's time limit and its size bound, by their outcomes (issue 30, item 7); no timings."""

import signal

from cleaner import Cleaner
from cleaner.html import clean_page

PARAGRAPHS = "".join(f"<p>Paragraph {i} of the story, a sentence long enough to count.</p>\n" for i in range(10_000))
PAGE = f"<html><body><nav><a href='/'>Home</a></nav><article>{PARAGRAPHS}</article></body></html>"


def test_a_page_over_its_time_limit_keeps_its_text_with_a_warning():
    result = clean_page(Cleaner(timeout=0.01), PAGE)  # 0.01 s per MB: far less than extracting 10,000 <p> takes
    assert any("took over its time limit" in w and "all the text of the page kept" in w for w in result.warnings)
    assert any("Cleaner(timeout=...)" in w for w in result.warnings)  # how a library user sets it, too
    assert "Paragraph 0 of the story" in result.text and "Paragraph 9999 of the story" in result.text
    assert signal.getsignal(signal.SIGPROF) == signal.SIG_DFL  # the limit is gone with the page
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_the_same_page_without_a_limit_is_extracted():
    result = clean_page(Cleaner(timeout=None), PAGE)
    assert not any("time limit" in w for w in result.warnings)
    assert "Paragraph 9999 of the story" in result.text and "Home" not in result.text


def test_the_cli_says_so_on_stderr(run_cli, tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    proc = run_cli("--timeout", "0.01", "clean", "page.html")
    assert proc.returncode == 0, proc.stderr
    assert b"warning: page.html: cleaning the page took over its time limit" in proc.stderr
    assert b"Paragraph 9999 of the story" in proc.stdout


def test_a_text_run_over_the_parsers_limit_is_kept_with_a_warning():
    huge = "word " * 2_100_000  # 10.5 MB without a tag: lxml drops it and everything after it
    page = (f"<html><body><article><p>First paragraph of the story.</p><p>{huge}</p>"
            "<p>The paragraph after the huge one.</p></article></body></html>")
    result = clean_page(Cleaner(timeout=None), page)
    assert any("10.5 MB of text without a tag" in w for w in result.warnings), result.warnings
    assert "The paragraph after the huge one." in result.text and result.text.count("word") == 2_100_000
