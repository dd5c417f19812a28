"""Every fenced code block in README.md and docs/ runs as written (issue 15, item 8; issue 18).

`sh` blocks run under `bash -e` (every command must succeed), `python` blocks as a script with this
venv's python, `yaml` blocks (a CI job, a pre-commit hook) by their `cleaner` commands, `toml` blocks as the file they show: a `[[rule]]` file checked with `cleaner rules
test`, a settings table saved as `pyproject.toml` (or `cleaner.toml`) and loaded by `cleaner rules
list`. Each runs in a fresh folder holding the files the README's examples name (scraped.txt,
article.txt, in.jsonl, house.toml, ...), with the venv's bin first on PATH. A block that cannot run
here is marked in the README by an HTML comment on the line before it, `<!-- not run: reason -->`;
the test prints how many were skipped and why, and fails on a block with neither."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cleaner import clean

from conftest import GOLDEN, ROOT

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
NOT_RUN = re.compile(r"<!-- not run: (.+?) -->\s*$")
TIMEOUT = 60  # seconds per block (the service block waits for a server to start)
BIN = Path(sys.executable).parent
ARTICLE = (GOLDEN / "metro-kyiv-getty-captions.input.txt").read_text(encoding="utf-8")
HOUSE_RULE = ("[[rule]]\nid = 'house-promo'\nkind = 'drop_line'\ncategory = 'advertising'\n"
              "description = 'Drops our own promo line.'\npattern = '^Buy our mug$'\n\n"
              "[[rule.example]]\ninput = 'Text.\\n\\nBuy our mug'\noutput = 'Text.'\n")
PAGE = ("<html><body><article><h1>Budget passed</h1><p>The council approved the budget on Tuesday after a long "
        "debate about the new bridge.</p><p>Work starts in spring.</p></article></body></html>")


DOCS = ["README.md", "docs/learn.md", "docs/rules.md", "docs/service.md", "docs/design.md", "docs/guarantees.md",
        "docs/performance.md", "docs/cli.md", "docs/library.md", "docs/languages.md", "docs/html.md", "docs/batch.md",
        "docs/datatrove.md", "docs/quality.md"]  # (docs/pytest-and-tools.md has a test of its own)


def blocks(name: str = "README.md") -> list[tuple[int, str, str, str | None]]:
    """(line, language, code, reason not run) of each fenced block of one file."""
    readme = (ROOT / name).read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(readme):
        before = readme[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        reason = NOT_RUN.search(before)
        found.append((readme.count("\n", 0, match.start()) + 1, match.group(1), match.group(2),
                      reason.group(1) if reason else None))
    return found


def workspace(folder: Path) -> None:
    """The files the README's examples read."""
    for name in ("scraped.txt", "in.txt", "a.txt", "b.txt", "article.txt"):
        (folder / name).write_text(ARTICLE, encoding="utf-8")
    for name in ("my-rules.toml", "house.toml", "rules/house.toml"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(HOUSE_RULE, encoding="utf-8")
    records = [{"id": n, "text": ARTICLE, "body": ARTICLE} for n in range(3)]
    (folder / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "pages.jsonl").write_text(json.dumps({"url": "https://example.com/a", "html": PAGE}) + "\n",
                                        encoding="utf-8")
    stories = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.input.txt"))]
    template = "Sign up for the Example Daily newsletter\n\n{}\n\nExample News. All rights reserved.\n"
    crawl = [{"url": f"https://www.example.com/story-{n}", "text": template.format(story),
              "html": f"<html><body><article><p>{story}</p></article></body></html>"} for n, story in enumerate(stories)]
    (folder / "crawl.jsonl").write_text("".join(json.dumps(r) + "\n" for r in crawl), encoding="utf-8")
    (folder / "pages").mkdir()
    for n, record in enumerate(crawl):
        (folder / "pages" / f"story-{n}.txt").write_text(record["text"], encoding="utf-8")
    (folder / "page.txt").write_text(crawl[0]["text"], encoding="utf-8")
    for target in ("tests/golden", "path/to/goldens"):
        shutil.copytree(GOLDEN, folder / target)
    shutil.copytree(ROOT / "examples", folder / "examples")
    (folder / "data" / "in").mkdir(parents=True)
    (folder / "data" / "in" / "part.jsonl").write_text(
        "".join(json.dumps({"id": str(n), "text": ARTICLE}) + "\n" for n in range(3)), encoding="utf-8")


def command(language: str, code: str, folder: Path) -> list[str]:
    """How to run a block of this language, given its code saved in `folder`."""
    if language == "sh":
        (folder / "block.sh").write_text(code, encoding="utf-8")
        return ["bash", "-e", "-o", "pipefail", "block.sh"]
    if language == "python":
        (folder / "block.py").write_text(code, encoding="utf-8")
        return [sys.executable, "block.py"]
    if language == "yaml":  # a CI job or a pre-commit config: its cleaner commands, run as the job would
        lines = [line for line in yaml_commands(yaml.safe_load(code)) if line.startswith("cleaner ")]
        assert lines, "a yaml block with no cleaner command to run"
        (folder / "block.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["bash", "-e", "-o", "pipefail", "block.sh"]
    if language == "toml" and "[[rule]]" in code:
        (folder / "block.toml").write_text(code, encoding="utf-8")
        return ["cleaner", "--isolated", "--rules", "block.toml", "rules", "test"]  # beside the shipped rules, as a user adds it
    if language == "toml":
        (folder / ("pyproject.toml" if "[tool." in code else "cleaner.toml")).write_text(code, encoding="utf-8")
        return ["cleaner", "rules", "list"]
    raise AssertionError(f"no way to run a '{language or 'plain'}' block: mark it <!-- not run: reason -->")


def yaml_commands(node: object) -> list[str]:
    """The shell commands of a GitHub Actions job (`run:`) or a pre-commit hook (`entry:`)."""
    if isinstance(node, dict):
        found = [node[key] for key in ("run", "entry") if isinstance(node.get(key), str)]
        return [line for text in found for line in text.splitlines()] + [
            line for key, value in node.items() if key not in ("run", "entry") for line in yaml_commands(value)]
    if isinstance(node, list):
        return [line for item in node for line in yaml_commands(item)]
    return []


CASES = [(name, *block) for name in DOCS for block in blocks(name)]


def test_skipped_blocks_say_why(capsys):
    skipped = [(name, line, reason) for name, line, _, _, reason in CASES if reason]
    with capsys.disabled():
        print(f"\n{', '.join(DOCS)}: {len(CASES)} code blocks, {len(skipped)} not run:")
        for name, line, reason in skipped:
            print(f"  {name} line {line}: {reason}")
    readme = [case for case in CASES if case[0] == "README.md"]
    assert len(readme) - sum(1 for case in readme if case[4]) >= 6  # most blocks do run


@pytest.mark.parametrize("name, line, language, code", [case[:4] for case in CASES if not case[4]],
                         ids=[f"{case[0]}:line-{case[1]}" for case in CASES if not case[4]])
def test_readme_block_runs(tmp_path, name, line, language, code):
    if language == "sh" and re.search(r"\bcurl\b", code) and not shutil.which("curl"):
        pytest.skip("curl is not installed here")
    workspace(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen(command(language, code, tmp_path), cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the block's own process group: workers it started go too
        out, err = proc.communicate()
        pytest.fail(f"{name} line {line} ({language}) still running after {TIMEOUT} s:\n{err[-3000:]}")
    assert proc.returncode == 0, f"{name} line {line} ({language}):\n{out[-2000:]}\n{err[-3000:]}"


def test_every_docs_page_is_run_here_or_by_its_own_test():
    assert {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")} == set(DOCS[1:]) | {"docs/pytest-and-tools.md"}


def test_the_readme_excerpt_is_what_cleaner_gives():
    """The README's before/after pair: lines of the golden input it names, and what `clean` makes of them."""
    pair = {reason.split(":")[0]: (code, reason) for _, _, code, reason in blocks()
            if reason and reason.startswith(("before:", "after:"))}
    (before, reason), (after, _) = pair["before"], pair["after"]
    seed = (ROOT / re.search(r"tests/golden/\S+\.input\.txt", reason)[0]).read_text(encoding="utf-8").splitlines()
    assert all(line in seed for line in before.splitlines())
    assert before != after and clean(before) == after
