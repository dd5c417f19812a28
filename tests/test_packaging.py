"""A plain (non-editable) install from a wheel carries the rules and cleans a seed."""

import subprocess
import sys
import venv

from conftest import GOLDEN, ROOT


def test_wheel_install_cleans_from_another_directory(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT],
                   check=True, capture_output=True)
    wheel = next(dist.glob("scrape_cleaner-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    # The dependencies come from the test environment (a path entry, not its .pth hooks, so the
    # editable checkout stays invisible); the package itself only from the wheel.
    site = next(env_dir.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    pip = env_dir / "bin" / "pip"
    subprocess.run([pip, "install", "--quiet", "--no-deps", wheel], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    case = "thehindu-kyiv-more-like-this"
    proc = subprocess.run([env_dir / "bin" / "cleaner"], input=(GOLDEN / f"{case}.input.txt").read_bytes(),
                          capture_output=True, cwd=elsewhere, check=True)
    assert proc.stdout.decode() == (GOLDEN / f"{case}.expected.txt").read_text(encoding="utf-8")
    where = subprocess.run([env_dir / "bin" / "python", "-c",
                            "import cleaner.engine.loader as l; print(l.builtin_rules_dir())"],
                           capture_output=True, text=True, cwd=elsewhere, check=True).stdout
    assert str(env_dir) in where
