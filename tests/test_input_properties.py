"""Odd and large inputs at the library level (issue 20), beyond tests/test_properties.py (which
covers `Cleaner.clean` on awkward text): `clean_html` on odd text and on bytes with any
declared charset, real or bogus, never raises, its output follows the output convention
(one kind of line end, and cleaning the output again changes nothing); and 200k tiny lines
or one 50 MB line come out right in bounded time."""

import encodings.aliases
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.engine.document import normalize
from cleaner.html import clean_page, decode, declared_charset

from conftest import ROOT

CLEANER = Cleaner()
P = "The council met on Tuesday to talk about the budget and the new bridge over the river near the town."
ODD = ["\x00", "\r\n", "\r", "\n", "\n\r", "\ud800", "\udfff", "\ufeff", "\x85", "\u2028", "\x1b[31m", "&amp;", "&#0;",
       "&#xd800;", "<p>", "</p>", "<br>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->", "<", ">", P]
PAGE = st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=20)), max_size=30).map("".join)
CHARSETS = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())) + [
    "bogus", "utf-16", "utf-16le", "utf-32", "utf-7", "x-user-defined", "rot13", "hex", "zlib", "undefined", "idna", "punycode", "",
    "\u00e9", "utf-8\x00"]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _follows_the_convention(text: str) -> None:
    assert "\r" not in text and normalize(text) == text
    assert CLEANER.clean(text).text == text  # (the text rules already ran on it)


@PROPERTY
@given(PAGE)
def test_clean_html_on_odd_text(page):
    html = f"<html><body><p>{P}</p>{page}<p>{P}</p></body></html>"
    result = clean_page(CLEANER, html)
    _follows_the_convention(result.text)


def test_a_repeat_behind_a_dropped_line_goes_the_first_time():
    """Found by the property above: a lone '»' that a later rule dropped stood between a paragraph
    and its repeat, so the repeat went only when the output was cleaned again."""
    text = CLEANER.clean(f"{P}\n\n\u00bb\n0\n\n{P}\n").text
    assert text == f"{P}\n\n0\n"
    _follows_the_convention(clean_page(CLEANER, f"<html><body><p>{P}</p>\u00bb</p>0<p>{P}</p></body></html>").text)


@PROPERTY
@given(st.sampled_from(CHARSETS), st.sampled_from(["\u00e9", "\u20ac", "\u00fc\u00df", "\u4e2d\u6587"]),
       st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16-le", "shift_jis", "koi8-r"]),
       st.sampled_from(["", "\r\n", "\r"]))
def test_clean_html_on_bytes_with_any_declared_charset(charset, word, sent_as, newline):
    html = (f'<html><head><meta charset="{charset}"></head><body>{newline}<p>{word} {P}</p>{newline}'
            f'<p>{P}{newline}{P}</p></body></html>')
    data = html.encode(sent_as, errors="replace")
    result = clean_page(CLEANER, data)
    _follows_the_convention(result.text)
    if sent_as == "utf-8":  # valid UTF-8 is read as UTF-8 whatever the page declares
        assert result.text.startswith(f"{word} {P}")


def test_a_declared_charset_that_cannot_be_the_pages_is_ignored():
    """The tag was read as ASCII, so the page is not UTF-16, UTF-32, UTF-7 or EBCDIC; and a
    codec that is not a text encoding (rot13, hex) once raised LookupError out of clean_html."""
    for label in ["utf-16", "utf-16be", "utf-32", "utf-7", "cp037", "rot13", "hex", "base64", "undefined"]:
        assert declared_charset(f'<meta charset="{label}">'.encode()) is None, label
    for label, name in [("latin-1", "cp1252"), ("koi8-r", "koi8-r"), ("Shift_JIS", "shift_jis"), ("utf-8", "utf-8")]:
        assert declared_charset(f'<meta charset="{label}">'.encode()) == name, label
    page = f'<meta charset="utf-16"><p>{P}</p>'.encode("ascii") + b"\xe9"  # not UTF-8, even length
    assert P in decode(page)


LINES = """
import sys
from cleaner import Cleaner
from cleaner.html import clean_page
text = sys.stdin.read()
sys.stdout.write(Cleaner().clean(text).text)
"""


def _clean_in_a_subprocess(text: str) -> str:
    proc = subprocess.run([sys.executable, "-c", LINES], input=text.encode(), capture_output=True, cwd=ROOT,
                          timeout=300)  # a hang guard only: a few seconds here
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return proc.stdout.decode()


def test_two_hundred_thousand_tiny_lines():
    text = "".join(f"Item {n} is here.\r\n" if n % 3 else f"Item {n} is here.\n\n" for n in range(200_000))
    assert _clean_in_a_subprocess(text) == normalize(text)


def test_a_fifty_megabyte_line():
    line = (P + " ") * (50_000_000 // (len(P) + 1))
    assert _clean_in_a_subprocess(line + "\n") == line.rstrip() + "\n"
