"""The command line, run as a real subprocess."""

import json

from conftest import GOLDEN

SAMPLE = (GOLDEN / "metro-kyiv-getty-captions.input.txt").read_text(encoding="utf-8")
EXPECTED = (GOLDEN / "metro-kyiv-getty-captions.expected.txt").read_text(encoding="utf-8")


def test_pipe_filter(run_cli):
    proc = run_cli(input=SAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == EXPECTED


def test_pipe_ignore_category(run_cli):
    proc = run_cli("--ignore", "comments", input="Body text here.\n\nLeave a Reply\n")
    assert proc.stdout.decode() == "Body text here.\n\nLeave a Reply\n"


def test_select_only_one_rule(run_cli):
    text = "Body.\n\nLeave a Reply\n\n(Visited 1 times, 1 visits today)\n"
    proc = run_cli("--select", "metadata-view-counter", input=text)
    assert proc.stdout.decode() == "Body.\n\nLeave a Reply\n"


def test_unknown_select_is_a_usage_error(run_cli):
    proc = run_cli("--select", "no-such-rule", input="x\n")
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"no-such-rule" in proc.stderr


def test_json_format(run_cli):
    proc = run_cli("--format", "json", input=SAMPLE)
    data = json.loads(proc.stdout)
    assert data["text"] == EXPECTED
    assert data["counts"]["caption-getty-dateline"] == 2
    first = data["removals"][0]
    assert set(first) == {"rule", "category", "line", "text", "whole_line", "start", "end"}


def test_clean_files_into_folder(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Body.\n\nLeave a comment\n", encoding="utf-8")
    proc = run_cli("clean", "a.txt", "b.txt", "-o", "out")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == EXPECTED
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "Body.\n"


def test_explain_names_rule_and_text(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    proc = run_cli("explain", "a.txt")
    out = proc.stdout.decode()
    assert "a.txt:50: comments-leave-reply [comments] Leave a Reply" in out
    assert "\x1b[" not in out  # plain when piped


def test_rules_list_starts_with_id(run_cli):
    lines = run_cli("rules", "list").stdout.decode().splitlines()
    assert len(lines) >= 40
    assert any(line.startswith("comments-disqus\tcomments\tdrop_line\t") for line in lines)


def test_rules_test_passes_and_fails(run_cli, tmp_path):
    assert run_cli("rules", "test").returncode == 0
    (tmp_path / "bad.toml").write_text(
        "[[rule]]\nid='x-rule'\nkind='drop_line'\ncategory='widget'\ndescription='d'\npattern='^Foo$'\n"
        "[[rule.example]]\ninput='Foo'\noutput='Foo'\n", encoding="utf-8")
    proc = run_cli("--rules", "bad.toml", "rules", "test")
    assert proc.returncode == 1
    assert b"FAIL x-rule example #1" in proc.stdout


def test_help_on_every_command(run_cli):
    for args in ([], ["clean"], ["explain"], ["rules"], ["rules", "list"], ["rules", "show"], ["rules", "test"],
                 ["golden"], ["golden", "check"], ["golden", "update"]):
        proc = run_cli(*args, "--help")
        assert proc.returncode == 0 and b"Usage:" in proc.stdout, args


def _golden_dir(tmp_path, expected=None):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "one.input.txt").write_text("Body.\n\nLeave a Reply\n", encoding="utf-8")
    if expected is not None:
        (folder / "one.expected.txt").write_text(expected, encoding="utf-8")
    return folder


def test_golden_check_pass_and_mismatch(run_cli, tmp_path):
    folder = _golden_dir(tmp_path, "Body.\n")
    proc = run_cli("golden", "check", folder)
    assert proc.returncode == 0 and proc.stdout.decode().endswith("1 passed, 0 failed\n")
    (folder / "one.expected.txt").write_text("Body changed.\n", encoding="utf-8")
    proc = run_cli("golden", "check", folder)
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "-Body changed." in out and "+Body." in out
    assert out.endswith("0 passed, 1 failed\n")


def test_golden_missing_expected_fails(run_cli, tmp_path):
    proc = run_cli("golden", "check", _golden_dir(tmp_path))
    assert proc.returncode == 1
    assert b"missing expected file" in proc.stdout


def test_golden_update_writes_but_not_under_ci(run_cli, tmp_path):
    folder = _golden_dir(tmp_path)
    proc = run_cli("golden", "update", folder, env={"CI": "true"})
    assert proc.returncode == 2
    assert not (folder / "one.expected.txt").exists()
    assert run_cli("golden", "update", folder).returncode == 0
    assert (folder / "one.expected.txt").read_text(encoding="utf-8") == "Body.\n"


def test_project_goldens_via_cli(run_cli):
    proc = run_cli("golden", "check", GOLDEN)
    assert proc.returncode == 0, proc.stdout.decode()


def test_config_file_is_found_upwards(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nignore = ["comments"]\n', encoding="utf-8")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    text = "Body.\n\nLeave a Reply\n"
    assert run_cli(input=text, cwd=sub).stdout.decode() == text
    assert run_cli("--isolated", input=text, cwd=sub).stdout.decode() == "Body.\n"


def test_cleaner_toml_adds_rules(run_cli, tmp_path):
    (tmp_path / "mine.toml").write_text(
        "[[rule]]\nid='house-promo'\nkind='drop_line'\ncategory='advertising'\n"
        "description='Our own promo line.'\npattern='^Buy our mug'\n", encoding="utf-8")
    (tmp_path / "cleaner.toml").write_text('rules = ["mine.toml"]\n', encoding="utf-8")
    assert run_cli(input="Body.\n\nBuy our mug today!\n").stdout.decode() == "Body.\n"


def test_version_is_the_package_version(run_cli):
    """`cleaner --version` names the command and the version the distribution (scrape-cleaner) ships."""
    from importlib.metadata import version

    import cleaner

    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == f"cleaner, version {cleaner.__version__}"
    assert cleaner.__version__ == version("scrape-cleaner")
