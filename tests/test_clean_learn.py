"""`cleaner clean` over several pages of one site (a folder, or files with --site/--url) learns the lines
they share first; golden checks, the pytest plugin and `explain` stay per case."""

import pytest

from test_learn import SITE, synthetic_site

PAGES = 12


@pytest.fixture
def site_folder(tmp_path):
    """pages/NN.txt: synthetic pages of one site; returns [(text, article lines, template lines)]."""
    pages = synthetic_site()[:PAGES]
    (tmp_path / "pages").mkdir()
    for number, (text, _, _) in enumerate(pages):
        (tmp_path / "pages" / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    return pages


def outputs(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_a_folder_of_one_site_learns_what_its_pages_share(run_cli, tmp_path, site_folder):
    done = run_cli("--isolated", "clean", "pages", "--site", f"www.{SITE}", "-o", "learned")
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().startswith(f"cleaner: learned ") and f"from {PAGES} page(s) of {SITE}" in \
        done.stderr.decode()
    alone = run_cli("--isolated", "clean", "pages", "--site", SITE, "-o", "alone", "--no-learn-sites")
    assert alone.returncode == 0 and alone.stderr == b""
    learned, each = outputs(tmp_path / "learned"), outputs(tmp_path / "alone")
    assert sorted(learned) == [f"{n:02d}.txt" for n in range(PAGES)]
    for (name, text), (_, article, _) in zip(learned.items(), site_folder):
        assert all(line in text for line in article)  # every line of the story stays
        assert "Updated " not in text and "Updated " in each[name]  # a template line goes only when learned
    by_url = run_cli("--isolated", "clean", *[f"pages/{n:02d}.txt" for n in range(PAGES)],
                     "--url", f"https://{SITE}/x", "-o", "by-url")
    assert by_url.returncode == 0 and outputs(tmp_path / "by-url") == learned
    quiet = run_cli("--isolated", "clean", "pages", "--site", SITE, "-o", "quiet", "-q")
    assert quiet.stderr == b"" and outputs(tmp_path / "quiet") == learned


def test_without_a_site_each_page_is_cleaned_alone(run_cli, tmp_path, site_folder):
    done = run_cli("--isolated", "clean", "pages", "-o", "out")
    assert done.returncode == 0 and done.stderr == b""
    assert sorted(outputs(tmp_path / "out")) == [f"{n:02d}.txt" for n in range(PAGES)]  # a file per page
    for name, text in outputs(tmp_path / "out").items():
        assert text.encode() == run_cli("--isolated", "clean", f"pages/{name}").stdout


def test_an_unreadable_page_is_reported_once_and_the_others_learn(run_cli, tmp_path, site_folder):
    (tmp_path / "pages" / "zz.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    done = run_cli("--isolated", "clean", "pages", "--site", SITE, "-o", "out")
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("zz.txt") == 1 and "1 of 13 file(s) not cleaned" in err
    assert "Updated " not in (tmp_path / "out" / "00.txt").read_text(encoding="utf-8")


def test_a_folder_without_pages_is_one_line(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_cli("--isolated", "clean", "empty", "-o", "out")
    assert done.returncode == 2 and not (tmp_path / "out").exists()
    assert done.stderr.decode().splitlines() == [
        "cleaner: error: empty: a folder with no page files (.txt, .html, .htm, .xhtml, .shtml) in it",
        "cleaner: error: 1 of 1 file(s) not cleaned"]


def test_golden_cases_and_explain_never_depend_on_the_other_files(run_cli, tmp_path, pytester, monkeypatch):
    """Expected files made one case at a time pass `golden check` and the pytest plugin, though the
    same pages cleaned together as one site lose their shared lines: a case is cleaned alone."""
    monkeypatch.delenv("CI", raising=False)
    golden = pytester.path / "g"
    golden.mkdir()
    for number, (text, _, _) in enumerate(synthetic_site()[:PAGES]):
        (golden / f"c{number:02d}.input.txt").write_text(text, encoding="utf-8")
        alone = run_cli("--isolated", "clean", golden / f"c{number:02d}.input.txt")
        (golden / f"c{number:02d}.expected.txt").write_bytes(alone.stdout)
    together = run_cli("--isolated", "clean", *sorted(golden.glob("*.input.txt")), "--site", SITE, "-o", "t")
    assert together.returncode == 0
    assert (tmp_path / "t" / "c00.input.txt").read_bytes() != (golden / "c00.expected.txt").read_bytes()
    check = run_cli("--isolated", "golden", "check", golden)
    assert check.returncode == 0 and f"{PAGES} passed, 0 failed" in check.stdout.decode()
    pytester.runpytest("--cleaner-goldens", "g").assert_outcomes(passed=PAGES)
    explain = run_cli("--isolated", "explain", golden / "c00.input.txt", "--site", SITE).stdout.decode()
    assert "site-template" not in explain
