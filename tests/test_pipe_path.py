"""Plain `cleaner < in > out` runs without click (cleaner.cli.main) to start fast; any
argument goes through click (cleaner.cli.commands). `--format text` changes nothing, so the two paths
must give the same bytes, warnings, errors and exit status for every input."""

import os
import subprocess
import sys

import pytest

from conftest import GOLDEN

ARTICLE = (GOLDEN / "metro-kyiv-getty-captions.input.txt").read_bytes()
PAGE = (b"<!doctype html><html><body><article><h1>Title</h1>"
        + b"<p>The council met on Monday to discuss the new budget for the city's parks.</p>" * 5
        + b"</article><footer>Leave a Reply</footer></body></html>")

INPUTS = {
    "article": ARTICLE,
    "escape-sequences": b"Hello \x1b[31mred\x1b[0m world, this is a sentence of text.\n\nLeave a Reply\n",
    "invalid-utf8": "Caf\u00e9 owners met.\n".encode() + b"Second \xff paragraph.\n",
    "binary": b"%PDF-1.7\n\x00\x01\x02",
    "utf-16": "Text saved as UTF-16.\n".encode("utf-16"),
    "empty": b"",
    "furniture-only": b"Leave a Reply\n\nShare this article\n\nADVERTISEMENT\n",
    "html": PAGE,
}


@pytest.mark.parametrize("name", INPUTS)
def test_plain_and_click_paths_agree(run_cli, name):
    plain, via_click = run_cli(input=INPUTS[name]), run_cli("--format", "text", input=INPUTS[name])
    assert (plain.returncode, plain.stdout, plain.stderr) == (via_click.returncode, via_click.stdout, via_click.stderr)
    assert b"Traceback" not in plain.stderr


def test_escape_sequences_in_the_text_are_written_verbatim(run_cli):
    proc = run_cli(input=INPUTS["escape-sequences"])
    assert proc.stdout == b"Hello \x1b[31mred\x1b[0m world, this is a sentence of text.\n"


@pytest.mark.parametrize("config, named", [
    ("rules = ['missing.toml']\n", b"missing.toml"),  # a rule file that is not there
    ("colour = 'blue'\n", b"cleaner.toml"),           # an unknown setting
    ("rules = [\n", b"cleaner.toml"),                 # not TOML
])
def test_settings_file_errors_agree(run_cli, tmp_path, config, named):
    (tmp_path / "cleaner.toml").write_text(config, encoding="utf-8")
    plain, via_click = run_cli(input="Body.\n"), run_cli("--format", "text", input="Body.\n")
    assert plain.returncode == 2 and plain.stdout == b""
    assert plain.stderr.startswith(b"cleaner: error: ") and named in plain.stderr
    assert (plain.returncode, plain.stdout, plain.stderr) == (via_click.returncode, via_click.stdout, via_click.stderr)


def test_plain_cleaner_does_not_import_click(run_cli):
    proc = run_cli(input=ARTICLE, env={"PYTHONPROFILEIMPORTTIME": "1"})
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.decode().splitlines() if "|" in line}
    assert proc.returncode == 0 and "cleaner.engine.pipeline" in modules
    assert "click" not in modules and "cleaner.cli.commands" not in modules
    with_argument = run_cli("--isolated", input=ARTICLE, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert "click" in with_argument.stderr.decode()  # the check can see click when it is there


@pytest.mark.parametrize("args", [[], ["--format", "text"]], ids=["plain", "click"])
def test_a_reader_that_went_away_ends_it_quietly_with_status_1(tmp_path, args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as after `cleaner < in | head` when head has exited
    try:
        proc = subprocess.run([sys.executable, "-m", "cleaner", *args], input=ARTICLE, stdout=write_end,
                              stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (1, b"")
