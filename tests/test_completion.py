"""Shell completion through the installed `cleaner` script, -q/--quiet and -V (issue 30, item 6)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("cleaner")  # the console script installed beside this Python


def complete(env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "CI"} | env
    return subprocess.run([SCRIPT], env=full, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_is_printed(shell):
    proc = complete({"_CLEANER_COMPLETE": f"{shell}_source"})
    assert proc.returncode == 0, proc.stderr
    assert f"_CLEANER_COMPLETE={shell}_complete" in proc.stdout


@pytest.mark.parametrize("shell, words, cword, expected", [
    ("bash", "cleaner ru", "1", "plain,rules"),
    ("zsh", "cleaner rules l", "2", "plain\nlist\n"),
    ("fish", "cleaner ru", "ru", "plain,rules\t"),
])
def test_the_shells_get_their_completions(shell, words, cword, expected):
    proc = complete({"_CLEANER_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(expected), proc.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_a_subcommand_with_the_script_it_was_given():
    script = ('eval "$(_CLEANER_COMPLETE=bash_source cleaner)"; COMP_WORDS=(cleaner rules sh); COMP_CWORD=2; '
              '_cleaner_completion cleaner; echo "${COMPREPLY[@]}"')
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PATH": f"{SCRIPT.parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["show"], proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="no fish")
def test_fish_completes_with_the_documented_line():
    """docs/cli.md's line for fish, run by fish itself: `complete -C` asks what it would offer."""
    script = '_CLEANER_COMPLETE=fish_source cleaner | source; complete -C "cleaner golden "'
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PATH": f"{SCRIPT.parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["fish", "--no-config", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert [line.split("\t")[0] for line in proc.stdout.splitlines()] == ["check", "update"], proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="no zsh")
def test_zsh_registers_the_completion_with_the_documented_line():
    """docs/cli.md's line for zsh, after compinit: zsh then completes `cleaner` with click's function (whose
    answers test_the_shells_get_their_completions checks)."""
    script = ('autoload -U compinit; compinit -u -D; eval "$(_CLEANER_COMPLETE=zsh_source cleaner)"; '
              'print -r -- "${_comps[cleaner]}"')
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PATH": f"{SCRIPT.parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["zsh", "-f", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "_cleaner_completion", proc.stdout + proc.stderr


def test_dash_capital_v_is_the_version(run_cli):
    proc = run_cli("-V")
    assert proc.returncode == 0 and proc.stdout.decode().startswith("cleaner, version ")


@pytest.mark.parametrize("command", [["clean"], ["explain"], ["-q", "clean"]])
def test_quiet_silences_warnings_not_output(run_cli, tmp_path, command):
    (tmp_path / "a.txt").write_bytes(b"Body text \xff here.\n\nLeave a Reply\n")
    args = [*command, "a.txt"] if command[0] == "-q" else [*command, "-q", "a.txt"]
    proc = run_cli(*args)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert proc.stdout
    loud = run_cli(command[-1], "a.txt")
    assert b"warning: a.txt: invalid UTF-8" in loud.stderr
