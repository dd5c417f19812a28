"""Golden cases that are HTML pages, and golden files that are not UTF-8 (issue 30, items 2 and 3)."""

import pytest

from cleaner import Cleaner
from cleaner.golden import Case, check_case
from cleaner.html import clean_html

PAGE = """<!doctype html><html><head><title>Storm</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Storm closes the coast road</h1>
<p>The coast road was closed on Tuesday after a storm brought down trees along a ten-mile stretch.</p>
<p>Crews worked through the night to clear the road, and officials expect it to reopen by Friday.</p>
</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>
"""
BAD = b"Body text.\n\xff\xfe broken\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "g").mkdir()
    return tmp_path / "g"


def test_an_html_input_is_cleaned_as_a_page(run_cli, folder):
    (folder / "page.input.html").write_text(PAGE, encoding="utf-8")
    (folder / "page.url").write_text("https://example.com/storm\n", encoding="utf-8")
    proc = run_cli("golden", "update", folder)
    assert proc.returncode == 0, proc.stderr
    expected = (folder / "page.expected.txt").read_text(encoding="utf-8")
    assert expected == clean_html(PAGE, "https://example.com/storm")
    assert "crews worked through the night" in expected.lower() and "<p>" not in expected
    assert run_cli("golden", "check", folder).returncode == 0


def test_an_input_txt_that_is_html_is_cleaned_as_a_page(folder):
    (folder / "page.input.txt").write_text(PAGE, encoding="utf-8")
    (folder / "page.expected.txt").write_text(clean_html(PAGE), encoding="utf-8")
    assert check_case(Cleaner(), Case("page", folder / "page.input.txt")).ok


def test_an_html_case_mismatch_shows_a_diff(run_cli, folder):
    (folder / "page.input.html").write_text(PAGE, encoding="utf-8")
    (folder / "page.expected.txt").write_text("Something else.\n", encoding="utf-8")
    proc = run_cli("golden", "check", folder)
    assert proc.returncode == 1 and b"+Crews worked" in proc.stdout


@pytest.mark.parametrize("broken", ["input", "expected"])
def test_check_names_a_file_that_is_not_utf8_with_status_2(run_cli, folder, broken):
    (folder / "ok.input.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "ok.expected.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "bad.input.txt").write_bytes(BAD if broken == "input" else b"Body text.\n")
    (folder / "bad.expected.txt").write_bytes(BAD if broken == "expected" else b"Body text.\n")
    proc = run_cli("golden", "check", folder)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert f"bad.{broken}.txt: not valid UTF-8 (byte 11)" in err
    assert "1 passed, 0 failed, 1 unreadable" in proc.stdout.decode()


def test_update_names_an_input_that_is_not_utf8_with_status_2(run_cli, folder):
    (folder / "bad.input.txt").write_bytes(BAD)
    proc = run_cli("golden", "update", folder)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and err.count("\n") == 1
    assert "bad.input.txt: not valid UTF-8 (byte 11)" in err
    assert not (folder / "bad.expected.txt").exists()


def test_the_pytest_plugin_fails_that_case_alone(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    folder = pytester.mkdir("g")
    (folder / "ok.input.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "ok.expected.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "bad.input.txt").write_bytes(BAD)
    (folder / "bad.expected.txt").write_text("Body text.\n", encoding="utf-8")
    (folder / "page.input.html").write_text(PAGE, encoding="utf-8")
    (folder / "page.expected.txt").write_text(clean_html(PAGE), encoding="utf-8")
    result = pytester.runpytest("--cleaner-goldens", "g", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*g/page.input.html::page PASSED*", "*bad.input.txt: not valid UTF-8 (byte 11)*"])
    assert "UnicodeDecodeError" not in result.stdout.str()


SITE_RULE = """[[rule]]
id = "house-example-promo"
kind = "drop_line"
category = "advertising"
description = "Example News's desk line."
pattern = '^The Example coast desk keeps this story up to date\\.$'
sites = ["example.com"]

[[rule.example]]
input = "Body.\\n\\nThe Example coast desk keeps this story up to date."
output = "Body."
"""


def test_an_html_case_is_cleaned_with_its_url(run_cli, folder):
    """NAME.url names the page's site: a rule scoped to that site runs on the case, and only with it."""
    (folder / "cleaner.toml").write_text('rules = ["house.toml"]\n', encoding="utf-8")
    (folder / "house.toml").write_text(SITE_RULE, encoding="utf-8")
    promo = "The Example coast desk keeps this story up to date."
    (folder / "page.input.html").write_text(PAGE.replace("</article>", f"<p>{promo}</p></article>"), encoding="utf-8")
    assert run_cli("golden", "update", folder).returncode == 0
    assert promo in (folder / "page.expected.txt").read_text(encoding="utf-8")  # no URL: no site
    (folder / "page.url").write_text("https://www.example.com/storm\n", encoding="utf-8")
    check = run_cli("golden", "check", folder)
    assert check.returncode == 1 and f"-{promo}" in check.stdout.decode(), check.stdout
    assert run_cli("golden", "update", folder).returncode == 0
    expected = (folder / "page.expected.txt").read_text(encoding="utf-8")
    assert promo not in expected and "Crews worked through the night" in expected
    assert run_cli("golden", "check", folder).returncode == 0


def test_update_names_each_unreadable_case_and_updates_the_others(run_cli, folder):
    """As `check` runs the other cases: update stopped at the first broken input, leaving the cases after it
    (in name order) stale, so the outcome depended on the names."""
    (folder / "a-bad.input.txt").write_bytes(BAD)
    (folder / "b-ok.input.txt").write_text("Body.\n\nLeave a Reply\n", encoding="utf-8")
    (folder / "c-bad.input.txt").write_bytes(BAD)
    proc = run_cli("golden", "update", folder)
    err = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(err) == 2, err
    assert "a-bad.input.txt: not valid UTF-8" in err[0] and "c-bad.input.txt: not valid UTF-8" in err[1]
    assert (folder / "b-ok.expected.txt").read_text(encoding="utf-8") == "Body.\n"
    assert proc.stdout.decode().splitlines()[-1] == "1 updated, 0 unchanged, 2 not updated"


def test_an_expected_file_that_cannot_be_written_is_one_line(run_cli, folder, pytester, monkeypatch):
    """update wrote NAME.expected.txt in place: a folder by that name gave an IsADirectoryError traceback."""
    (folder / "x.input.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "x.expected.txt").mkdir()
    proc = run_cli("golden", "update", folder)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert "x.expected.txt: cannot write" in err
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.delenv("CI", raising=False)
    g = pytester.mkdir("g")
    (g / "x.input.txt").write_text("Body.\n", encoding="utf-8")
    (g / "x.expected.txt").mkdir()
    result = pytester.runpytest("--cleaner-goldens", "g", "--cleaner-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*x.expected.txt: cannot write*"])
    assert "Traceback" not in result.stdout.str() and "IsADirectoryError:" not in result.stdout.str()


def test_a_case_with_two_inputs_is_refused_everywhere(run_cli, folder, pytester, monkeypatch):
    """NAME.input.txt beside NAME.input.html: check passed one and failed the other against one expected file,
    update wrote it twice ('updated x' twice, the last input winning) and the pytest plugin checked the .txt twice."""
    for where in (folder, pytester.mkdir("g")):
        (where / "x.input.txt").write_text("Body.\n\nLeave a Reply\n", encoding="utf-8")
        (where / "x.input.html").write_text(PAGE, encoding="utf-8")
        (where / "x.expected.txt").write_text("Body.\n", encoding="utf-8")
    check = run_cli("golden", "check", folder)
    assert check.returncode == 2 and check.stderr.decode().count("\n") == 1, check.stderr
    assert "two inputs, x.input.html and x.input.txt" in check.stderr.decode()
    assert check.stdout.decode().splitlines()[-1] == "0 passed, 0 failed, 1 unreadable"
    update = run_cli("golden", "update", folder)
    assert update.returncode == 2 and "two inputs" in update.stderr.decode()
    assert (folder / "x.expected.txt").read_text(encoding="utf-8") == "Body.\n"
    monkeypatch.delenv("CI", raising=False)
    result = pytester.runpytest("--cleaner-goldens", "g")
    assert result.ret == pytest.ExitCode.TESTS_FAILED and "passed" not in result.stdout.lines[-1]
    result.stdout.fnmatch_lines(["*two inputs, x.input.html and x.input.txt*"])


def test_a_dangling_input_is_reported_once(run_cli, folder):
    """A broken link NAME.input.txt beside NAME.expected.txt was two failures of one case (a case and an orphan)."""
    (folder / "y.input.txt").symlink_to(folder / "nowhere.txt")
    (folder / "y.expected.txt").write_text("a\n", encoding="utf-8")
    (folder / "ok.input.txt").write_text("Body.\n", encoding="utf-8")
    (folder / "ok.expected.txt").write_text("Body.\n", encoding="utf-8")
    proc = run_cli("golden", "check", folder)
    out = proc.stdout.decode()
    assert proc.returncode == 1 and out.count("FAIL y") == 1 and out.splitlines()[-1] == "1 passed, 1 failed", out
