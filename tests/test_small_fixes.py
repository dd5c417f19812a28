"""Issue 30, item 8: the smaller defects a new user met, each with its test."""

import gzip
import json
import re
import socket

import pytest

from cleaner import Cleaner
from cleaner.engine.loader import RuleError

from conftest import ROOT

ARTICLE = "Body text here.\n\nLeave a Reply\n"
LATIN1 = "Café crème et gâteau, une phrase française assez longue pour être reconnue.\n\nLeave a Reply\n"


def test_install_lines_name_the_project_on_pypi():
    name = re.search(r'^name = "(.+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    files = [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("examples/*.py"), *ROOT.glob("cleaner/**/*.py")]
    extras = {(path.name, m) for path in files for m in re.findall(r"pip install '([\w-]+)\[", path.read_text("utf-8"))}
    assert extras and all(project == name for _, project in extras), sorted(extras)


def test_serve_on_a_busy_port_is_one_line_and_status_2(run_cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = run_cli("serve", "--isolated", "--port", busy.getsockname()[1])
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "cannot listen on 127.0.0.1" in err and "Address already in use" in err and "Traceback" not in err


def test_cleaner_takes_a_single_name_or_path_as_a_str(tmp_path):
    assert "rating" not in {r.category for r in Cleaner(ignore="rating").rules}
    assert {r.category for r in Cleaner(select="rating").rules} == {"rating"}
    with pytest.raises(RuleError, match="x.toml: no such rule file"):
        Cleaner(rules="x.toml")


def test_library_errors_name_the_parameter_and_the_cli_its_option(run_cli):
    with pytest.raises(RuleError, match=r"^Cleaner\(ignore=\.\.\.\): unknown rule id or category: ratng"):
        Cleaner(ignore="ratng")
    assert b"error: --ignore: unknown rule id or category: ratng" in run_cli("--ignore", "ratng", input="x\n").stderr


def test_clean_refuses_bytes_naming_the_fix():
    with pytest.raises(TypeError, match=r"not bytes: decode bytes first"):
        Cleaner().clean(ARTICLE.encode())


@pytest.mark.parametrize("args", [["clean", "-"], ["-"], ["clean", "--color", "never", "-"]])
def test_dash_is_stdin(run_cli, args):
    proc = run_cli(*args, input=ARTICLE)
    assert (proc.returncode, proc.stdout) == (0, b"Body text here.\n"), proc.stderr


def test_gzipped_stdin_is_read(run_cli):
    proc = run_cli(input=gzip.compress(ARTICLE.encode()))
    assert (proc.returncode, proc.stdout) == (0, b"Body text here.\n"), proc.stderr
    broken = run_cli(input=b"\x1f\x8b\x08\x00" + bytes(200))
    assert broken.returncode == 2 and broken.stderr.decode().startswith("cleaner: error: <stdin>: not valid gzip")


def test_a_latin1_file_is_detected_and_encoding_says_which(run_cli, tmp_path):
    (tmp_path / "a.txt").write_bytes(LATIN1.encode("latin-1"))
    proc = run_cli("clean", "a.txt")
    assert proc.stdout.decode() == LATIN1.split("\n\n")[0] + "\n"
    assert "a.txt: not UTF-8 (invalid at byte 3): read as cp1252, as detected" in proc.stderr.decode()
    given = run_cli("clean", "--encoding", "latin-1", "a.txt")
    assert (given.stdout.decode(), given.stderr) == (LATIN1.split("\n\n")[0] + "\n", b"")
    assert run_cli("clean", "--encoding", "nope", "a.txt").returncode == 2


@pytest.mark.parametrize("value", ["polish", "PL", "pl-PL"])
def test_polish_by_name_and_code(run_cli, value):
    proc = run_cli("--lang", value, input="To jest zdanie w języku polskim.\n")
    assert proc.returncode == 0, proc.stderr


def test_polish_is_in_the_help_and_the_readme(run_cli):
    assert "pl, pt" in " ".join(run_cli("--help").stdout.decode().split())
    assert "Polish" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Polish" in (ROOT / "docs" / "languages.md").read_text(encoding="utf-8")
    assert "pl, pt" in (ROOT / "docs" / "languages.md").read_text(encoding="utf-8")


def test_json_errors_say_at_once(run_cli):
    proc = run_cli("batch", "-", input='{"text": "unterminated')
    assert "at at" not in proc.stderr.decode() and "starting at column" in proc.stderr.decode()


@pytest.mark.parametrize("value, refused", [("false", False), ("0", False), ("", False), ("true", True), ("1", True)])
def test_ci_false_does_not_block_golden_update(run_cli, tmp_path, value, refused):
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "one.input.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("golden", "update", "g", env={"CI": value})
    assert (proc.returncode == 2) == refused, proc.stderr
    assert (tmp_path / "g" / "one.expected.txt").exists() != refused


def test_a_typo_in_cleaner_ignore_is_one_usage_error(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    folder = pytester.mkdir("g")
    (folder / "one.input.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "one.expected.txt").write_text("Body text here.\n", encoding="utf-8")
    result = pytester.runpytest("--cleaner-goldens", "g", "--cleaner-ignore", "ratng")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cleaner-ignore: unknown rule id or category: ratng*"])


def test_learn_from_records_without_sites_is_an_error_and_writes_no_pack(run_cli, tmp_path):
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps({"text": ARTICLE}) + "\n" for _ in range(5)), "utf-8")
    proc = run_cli("--isolated", "learn", "corpus.jsonl", "-o", "pack.toml")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "none of the 5 page(s) has a site" in err, err
    assert not (tmp_path / "pack.toml").exists()


PARAGRAPHS = "".join(f"<p>Paragraph {i} of the story, a full sentence that goes on for a while about the council.</p>"
                     for i in range(6))


def test_a_tables_rows_stay_together_in_html_output():
    from cleaner.html import clean_html

    page = ("<html><body><article><p>The council published the results of the vote on Tuesday, after a debate.</p>"
            "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>Greens</td><td>12</td></tr>"
            "<tr><td>Labour</td><td>9</td></tr></table><p>The new council meets next week, officials said.</p>"
            "</article></body></html>")
    text = clean_html(page)
    assert "| Party | Seats |\n|---|---|\n| Greens | 12 |\n| Labour | 9 |" in text.replace(" \n", "\n"), text
    assert "after a debate.\n\n| Party" in text


def test_no_guard_warning_for_a_paragraph_a_text_rule_removed():
    from cleaner.html import clean_page

    furniture = "Sign up for our newsletter to get the top stories in your inbox every morning."
    page = f"<html><body><article><header><h1>Budget</h1><p>{furniture}</p></header>{PARAGRAPHS}</article></body></html>"
    result = clean_page(Cleaner(), page)
    assert furniture not in result.text
    assert not any("kept a prose paragraph" in w for w in result.warnings) and result.kept == []
    lead = "The council met on Tuesday to discuss the budget for next year, officials said."
    kept = clean_page(Cleaner(), page.replace(furniture, lead))
    assert lead in kept.text and any("kept a prose paragraph" in w for w in kept.warnings)


def test_stdin_with_an_output_folder_is_refused(run_cli, tmp_path):
    """`clean - -o DIR` wrote DIR/- (a file named '-'); stdin has no name to write under."""
    proc = run_cli("clean", "-", "-o", "out", input=ARTICLE)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "stdin ('-')" in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


def test_learn_never_writes_its_pack_over_its_corpus(run_cli, tmp_path):
    """`cleaner learn in.jsonl -o in.jsonl` replaced the corpus with a pack, status 0 (as batch did, item 1)."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"text": ARTICLE, "url": "https://a.example/1"}) + "\n", encoding="utf-8")
    before = corpus.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(corpus)
    for target in ("corpus.jsonl", "link.jsonl"):
        proc = run_cli("--isolated", "learn", "corpus.jsonl", "-o", target)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and err.count("\n") == 1 and "is the corpus corpus.jsonl" in err, err
        assert corpus.read_bytes() == before


@pytest.mark.parametrize("line, where", [('{"text": "a",', "at the end of the line"),
                                         ('{"text": "a" "b"}', "at column 14")])
def test_json_errors_point_into_the_line(run_cli, line, where):
    """A record cut short was reported 'at column 1' (the column after the line's newline)."""
    proc = run_cli("batch", "-", input=line + "\n")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and f"line 1: invalid JSON: " in err and where in err, err


def test_encoding_reads_a_utf16_file_it_names(run_cli, tmp_path):
    """A UTF-16 file was refused as binary even with --encoding utf-16; without it, the error says how to read it."""
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("utf-16"))
    page = "<html><body><article><p>Body text of the page, a sentence that goes on for a while.</p></article></body></html>"
    (tmp_path / "p.html").write_bytes(page.encode("utf-16"))
    for args in (["clean", "--encoding", "utf-16", "a.txt"], ["--encoding", "UTF-16", "-"]):
        proc = run_cli(*args, input=ARTICLE.encode("utf-16"))
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"Body text here.\n", b""), proc.stderr
    html = run_cli("clean", "--encoding", "utf-16", "p.html")
    assert html.returncode == 0 and html.stdout.startswith(b"Body text of the page"), html.stderr
    refused = run_cli("clean", "a.txt")
    assert refused.returncode == 2 and b"(--encoding utf-16 reads it)" in refused.stderr
    binary = run_cli("clean", "--encoding", "latin-1", "-", input=b"%PDF-1.7\n" + bytes(range(256)) * 4)
    assert binary.returncode == 2 and b"looks like binary data" in binary.stderr


@pytest.mark.parametrize("codec", ["hex", "rot13", "undefined", "zlib"])
def test_encoding_refuses_a_codec_that_is_not_a_text_encoding(run_cli, codec):
    proc = run_cli("--encoding", codec, input=ARTICLE)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and "not a text encoding" in err, err


def test_a_codec_that_fails_on_the_input_is_one_line(run_cli):
    proc = run_cli("--encoding", "punycode", input="Body.\n")  # a UnicodeError that is no UnicodeDecodeError
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and "<stdin>: not valid punycode" in err, err


def test_clean_a_folder_cleans_its_page_files(run_cli, tmp_path):
    """`cleaner clean DIR` failed with 'Is a directory'; now its .txt/.html pages (below it too) are cleaned."""
    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "pages" / "sub" / "b.html").write_text(
        "<html><body><article><p>Body of the page, a sentence long enough to stay in.</p></article></body></html>",
        encoding="utf-8")
    (tmp_path / "pages" / "notes.md").write_text("not a page\n", encoding="utf-8")
    proc = run_cli("--isolated", "clean", "pages", "-o", "out")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "Body text here.\n"
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8").startswith("Body of the page")
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert run_cli("--isolated", "clean", "one").stdout == b"Body text here.\n"
