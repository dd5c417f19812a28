"""A bad rule file stops with one clear line on stderr, status 2 and nothing on stdout."""

import pytest

HEAD = "[[rule]]\nid = 'my-rule'\nkind = 'drop_line'\ncategory = 'widget'\ndescription = 'd'\n"

CASES = {
    "invalid-toml": ("[[rule]\nid = 'x'", ["bad.toml", "invalid TOML", "line 1"]),
    "bad-regex": (HEAD + "pattern = 'ab(c'\n", ["bad.toml", "'my-rule'", "position 4", "missing )"]),
    "unknown-kind": (HEAD.replace("drop_line", "drop_everything") + "pattern = 'x'\n",
                     ["'my-rule'", "unknown kind 'drop_everything'"]),
    "unknown-option": (HEAD + "pattern = 'x'\npaterns = 'y'\n", ["'my-rule'", "unknown option", "paterns"]),
    "missing-option": (HEAD, ["'my-rule'", "missing option", "pattern"]),
    "wrong-type": (HEAD + "pattern = 'x'\nmax_words = 'ten'\n", ["'my-rule'", "max_words", "must be int"]),
    "duplicate-id": (HEAD + "pattern = 'x'\n" + HEAD + "pattern = 'y'\n", ["'my-rule'", "duplicate id"]),
    "bad-id": (HEAD.replace("my-rule", "My Rule") + "pattern = 'x'\n", ["bad.toml", "kebab-case"]),
    "missing-category": (HEAD.replace("category = 'widget'\n", "") + "pattern = 'x'\n", ["'my-rule'", "category"]),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_rule_file(run_cli, tmp_path, name):
    content, needles = CASES[name]
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    proc = run_cli("--rules", "bad.toml", input="Some text.\n")
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_missing_rule_path(run_cli):
    proc = run_cli("--rules", "nowhere.toml", input="x\n")
    assert proc.returncode == 2
    assert b"nowhere.toml" in proc.stderr and b"no such rule file" in proc.stderr


def test_every_kind_takes_keyword_only_options():
    """The loader reads a kind's options off its keyword-only parameters; a positional one would go unchecked."""
    from cleaner.kinds import KINDS
    from cleaner.loader import _schema

    for name, factory in KINDS.items():
        assert factory.__code__.co_argcount == 0, name
        hints, required = _schema(name)
        assert set(required) <= set(hints) and hints, name
