"""Settings files (issue 15): the README's block works in cleaner.toml, errors name the file,
and the nearest settings are found from each input file's folder."""

import re

from conftest import ROOT

TEXT = "Body text here.\n\nLeave a Reply\n"
CLEANED = "Body text here.\n"


def readme_settings_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```toml\n(\[tool\.cleaner\]\n.*?)```", readme, re.S)[1]


def test_readme_block_pasted_into_cleaner_toml(run_cli, tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.toml").write_text("", encoding="utf-8")  # the block names this file
    (tmp_path / "cleaner.toml").write_text(readme_settings_block(), encoding="utf-8")
    proc = run_cli("rules", "list")
    assert proc.returncode == 0, proc.stderr
    ids = {line.split("\t")[0] for line in proc.stdout.decode().splitlines()}
    assert "metadata-byline" not in ids and not any(line.split("\t")[1] == "rating"
                                                    for line in proc.stdout.decode().splitlines())


def test_bare_and_tool_table_forms_agree(run_cli, tmp_path):
    for body in ('ignore = ["comments"]\n', '[tool.cleaner]\nignore = ["comments"]\n'):
        (tmp_path / "cleaner.toml").write_text(body, encoding="utf-8")
        proc = run_cli(input=TEXT)
        assert proc.returncode == 0 and proc.stdout.decode() == TEXT, body


def test_both_forms_at_once_is_an_error(run_cli, tmp_path):
    (tmp_path / "cleaner.toml").write_text('ignore = ["rating"]\n[tool.cleaner]\nignore = ["comments"]\n',
                                           encoding="utf-8")
    proc = run_cli(input=TEXT)
    assert proc.returncode == 2 and b"cleaner.toml" in proc.stderr


def test_unknown_rule_in_settings_names_the_file(run_cli, tmp_path):
    (tmp_path / "cleaner.toml").write_text('ignore = ["no-such-rule"]\n', encoding="utf-8")
    proc = run_cli(input=TEXT)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and str(tmp_path / "cleaner.toml") in err and "no-such-rule" in err


def test_unknown_rule_on_the_command_line_names_the_option(run_cli, tmp_path):
    (tmp_path / "cleaner.toml").write_text('ignore = ["rating"]\n', encoding="utf-8")
    proc = run_cli("--ignore", "no-such-rule", input=TEXT)
    assert proc.returncode == 2
    assert "--ignore" in proc.stderr.decode() and "cleaner.toml" not in proc.stderr.decode()


def test_missing_rule_file_in_settings_names_the_file(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nrules = ["nope.toml"]\n', encoding="utf-8")
    proc = run_cli(input=TEXT)
    assert proc.returncode == 2
    assert str(tmp_path / "pyproject.toml") in proc.stderr.decode() and "nope.toml" in proc.stderr.decode()


def test_settings_found_from_the_files_folder(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()  # the search stops at the repository root
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "cleaner.toml").write_text('ignore = ["comments"]\n', encoding="utf-8")
    (sub / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "y.txt").write_text(TEXT, encoding="utf-8")
    assert run_cli("clean", "sub/x.txt").stdout.decode() == TEXT
    assert run_cli("explain", "sub/x.txt").stdout.decode().startswith("0 removal(s)")
    assert run_cli("clean", "y.txt").stdout.decode() == CLEANED
    proc = run_cli("clean", "sub/x.txt", "y.txt", "-o", "out")  # each file its nearest settings
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "x.txt").read_text(encoding="utf-8") == TEXT
    assert (tmp_path / "out" / "y.txt").read_text(encoding="utf-8") == CLEANED
    proc = run_cli("clean", "sub/x.txt", "--config", "sub/cleaner.toml")  # --config: one file for all
    assert proc.stdout.decode() == TEXT


def test_batch_settings_from_the_input_folder(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "cleaner.toml").write_text('ignore = ["comments"]\n', encoding="utf-8")
    (sub / "in.jsonl").write_text('{"text": "Body text here.\\n\\nLeave a Reply\\n"}\n', encoding="utf-8")
    proc = run_cli("batch", "sub/in.jsonl", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == '{"text": "Body text here.\\n\\nLeave a Reply\\n"}\n'
