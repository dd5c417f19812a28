"""The start-up cache: used when valid, rebuilt when stale or broken, never trusted blindly."""

import marshal
import os

import pytest

from cleaner.engine.fast import cache


def _rule_file(tmp_path, pattern):
    path = tmp_path / "mine.toml"
    path.write_text(f"[[rule]]\nid='house-promo'\nkind='drop_line'\ncategory='advertising'\n"
                    f"description='d'\npattern='''{pattern}'''\n", encoding="utf-8")
    return path


def test_second_run_reads_the_cache(run_cli, tmp_path):
    folder = tmp_path / "cache"
    env = {"CLEANER_CACHE_DIR": str(folder)}
    first = run_cli(input="Body.\n\nLeave a Reply\n", env=env)
    files = list(folder.glob("*.cache"))
    assert first.returncode == 0 and len(files) == 1
    data = marshal.loads(files[0].read_bytes())
    assert data["files"] and data["valid"]
    second = run_cli(input="Body.\n\nLeave a Reply\n", env=env)
    assert second.stdout == first.stdout == b"Body.\n"


def test_edited_rule_file_is_validated_again(run_cli, tmp_path):
    env = {"CLEANER_CACHE_DIR": str(tmp_path / "cache")}
    rules = _rule_file(tmp_path, "^Buy our mug")
    assert run_cli("--rules", rules, input="Body.\n\nBuy our mug!\n", env=env).stdout == b"Body.\n"
    _rule_file(tmp_path, "^Buy (our mug")
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    proc = run_cli("--rules", rules, input="Body.\n", env=env)
    assert proc.returncode == 2 and b"bad regex" in proc.stderr


@pytest.mark.parametrize("content", [b"{not a cache", b"", marshal.dumps([1, 2]), marshal.dumps({"valid": 3}),
                                     marshal.dumps({"files": {"x|1|2": "not tables"}, "valid": ["("]})])
def test_broken_cache_file_is_ignored(run_cli, tmp_path, content):
    folder = tmp_path / "cache"
    env = {"CLEANER_CACHE_DIR": str(folder)}
    run_cli(input="x\n", env=env)
    paths = list(folder.glob("*.cache"))
    assert paths
    for path in paths:
        path.write_bytes(content)
    proc = run_cli(input="Body.\n\nLeave a Reply\n", env=env)
    assert proc.returncode == 0 and proc.stdout == b"Body.\n"


def test_cache_can_be_turned_off(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")
    assert cache.cache_dir() is None
    proc = run_cli(input="Body.\n\nLeave a Reply\n", env={"CLEANER_CACHE_DIR": ""})
    assert proc.stdout == b"Body.\n"


def test_rule_files_that_are_gone_leave_the_cache(run_cli, tmp_path):
    """Temporary rule files must not pile up in the cache and slow every later start-up."""
    folder = tmp_path / "cache"
    env = {"CLEANER_CACHE_DIR": str(folder)}
    (tmp_path / "temporary").mkdir()
    gone = _rule_file(tmp_path / "temporary", "^Buy our mug")
    assert run_cli("--rules", gone, input="Body.\n", env=env).returncode == 0
    gone.unlink()
    other = tmp_path / "other.toml"
    other.write_text("[[rule]]\nid='house-cup'\nkind='drop_line'\ncategory='advertising'\n"
                     "description='d'\npattern='''^Buy our cup'''\n", encoding="utf-8")
    assert run_cli("--rules", other, input="Body.\n", env=env).returncode == 0  # a change: saved, pruned
    data = marshal.loads(next(folder.glob("*.cache")).read_bytes())
    assert not any(str(gone) in key for key in data["files"])
    assert "^Buy our mug" not in data["valid"] and "^Buy our mug" not in data["atoms"]
    assert "^Buy our cup" in data["valid"]


def test_phrase_lists_are_compiled_once(run_cli, tmp_path):
    """A second run takes a phrase list's regex and literals from the cache instead of compiling it."""
    folder = tmp_path / "cache"
    env = {"CLEANER_CACHE_DIR": str(folder)}
    rules = tmp_path / "mine.toml"
    rules.write_text("[[rule]]\nid='house-promo'\nkind='drop_line'\ncategory='advertising'\ndescription='d'\n"
                     "phrases='''\nbuy our (mug|mugs)\n'''\n", encoding="utf-8")
    first = run_cli("--rules", rules, input="Body.\n\nBuy our mugs!\n", env=env)
    (data,) = [marshal.loads(f.read_bytes()) for f in folder.glob("*.cache")]
    assert first.stdout == b"Body.\n" and "buy our (mug|mugs)\n" in data["phrases"]
    regex, atoms = data["phrases"]["buy our (mug|mugs)\n"]
    assert "\nbuy" in atoms and regex.startswith("^(?i:")
    second = run_cli("--rules", rules, input="Body.\n\nBuy our mugs!\n", env=env)
    assert second.stdout == first.stdout
