"""The package's layout is its architecture: each layer imports only the layers below it, and no
two modules import each other (lazy imports inside functions count too).

    cleaner/engine/fast   atoms, prefilter, regexes, cache, watchdog: nothing else of cleaner
    cleaner/engine        document, loader, kinds, elements, language, categories, pipeline
    cleaner/html.py       the HTML path, on the engine
    cleaner/*.py          config, batch, golden, selftest, extras, learn: on the engine and html
    cleaner/cli, service, integrations: the front ends, on everything below"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "cleaner"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """The cleaner modules a file imports anywhere in it (`from cleaner import x` names cleaner.x
    when that is a module, else the package root)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "cleaner"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "cleaner":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


GRAPH = {name: imports(path) - {name} for name, path in MODULES.items()}

# Each layer and the prefixes of what it may import (besides itself).
LAYERS = [
    ("cleaner.engine.fast", ("cleaner.engine.fast",)),
    ("cleaner.engine", ("cleaner.engine",)),
    ("cleaner.html", ("cleaner.engine",)),
    ("cleaner.config", ("cleaner.engine",)),
    ("cleaner.golden", ("cleaner.engine", "cleaner.html", "cleaner.cli.console")),
    ("cleaner.selftest", ("cleaner.engine", "cleaner.html")),
    ("cleaner.batch", ("cleaner.engine", "cleaner.html", "cleaner.cli.console")),
    ("cleaner.learn", ("cleaner.engine",)),
]


def layer_of(module: str) -> tuple[str, tuple[str, ...]] | None:
    for prefix, allowed in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return prefix, allowed
    return None


def test_the_layout_is_read_from_the_package():
    """The check sees the layers it names (a renamed folder would make it pass vacuously)."""
    for prefix, _ in LAYERS:
        assert any(m == prefix or m.startswith(prefix + ".") for m in MODULES), prefix
    assert GRAPH["cleaner.engine.pipeline"] >= {"cleaner.engine.loader", "cleaner.engine.fast.watchdog"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m)))
def test_a_layer_imports_only_what_is_below_it(module):
    prefix, allowed = layer_of(module)
    above = sorted(i for i in GRAPH[module]
                   if not any(i == a or i.startswith(a + ".") for a in allowed) or i == "cleaner")
    assert above == [], f"{module} imports {above}: only {', '.join(allowed)} are below {prefix}"


def test_no_two_modules_import_each_other_in_a_loop():
    """Depth-first search for a cycle in the module graph (lazy imports included)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH:
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import loop: " + " -> ".join(cycle))
