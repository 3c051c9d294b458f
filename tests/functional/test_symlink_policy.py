"""A docs tree with symlinks out of it never puts outside files into any output (issue 12, item 1).

Real commands in real processes: a page symlinked to ``/proc/self/environ`` (the builder's
environment, a secret planted in it) and a folder symlinked outside the tree must give a
diagnostic naming the path and saying it was not read; extract, replay, its reports, the
published site and the pytest plugin must not contain the secret.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "planted-env-secret-51c9a0"
REPO = Path(__file__).resolve().parents[2]
PAGE = "= Real\n\n[source,js]\n----\nGET /\n----\n// CONSOLE\n"
OUTSIDE = f"= {SECRET}\n\n[source,js]\n----\nGET /{SECRET}\n----\n// CONSOLE\n"

pytest_plugins = ["pytester"]


def _tree(base: Path) -> Path:
    outside = base / "outside"
    outside.mkdir()
    (outside / "page.asciidoc").write_text(OUTSIDE, encoding="utf-8")
    docs = base / "docs_src"
    docs.mkdir()
    (docs / "docharness.toml").write_text("[docharness]\nsources = [\".\"]\n", encoding="utf-8")
    (docs / "real.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "environ.rst").symlink_to("/proc/self/environ")
    (docs / "stolen.asciidoc").symlink_to(outside / "page.asciidoc")
    (docs / "etc").symlink_to(outside, target_is_directory=True)
    return docs


def _docharness(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCHARNESS_PLANTED": SECRET, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _all_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_extract_replay_and_publish_never_read_outside_the_tree(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    extract = _docharness(tmp_path, "extract", "--json", "docs_src")
    assert extract.returncode == 1
    for name in ("docs_src/environ.rst", "docs_src/stolen.asciidoc", "docs_src/etc"):
        assert name in extract.stderr
    assert extract.stderr.count("not read") >= 3
    replay = _docharness(tmp_path, "replay", "--report", "out/results.json", "--junit", "out/junit.xml")
    assert "not read" in replay.stdout + replay.stderr
    publish = _docharness(tmp_path, "publish", "--out", "out")
    assert publish.returncode == 0, publish.stderr
    assert (tmp_path / "out" / "site" / "index.html").is_file()
    outputs = {"extract": extract.stdout + extract.stderr, "replay": replay.stdout + replay.stderr,
               "publish": publish.stdout + publish.stderr, "files": _all_text(tmp_path / "out")}
    for name, text in outputs.items():
        assert SECRET not in text, f"an outside file leaked into {name}"
        assert "DOCHARNESS_PLANTED" not in text, f"the environment leaked into {name}"
    assert "real.asciidoc" in outputs["files"]  # the real page was published
    assert docs.is_dir()


def test_the_pytest_plugin_makes_an_error_item_and_reads_nothing(pytester: pytest.Pytester,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(pytester.path)
    (pytester.path / "docs_src" / "etc").unlink()  # pytest walks folder symlinks itself; the file case is enough
    shutil.rmtree(pytester.path / "outside" / "__pycache__", ignore_errors=True)
    monkeypatch.setenv("DOCHARNESS_PLANTED", SECRET)
    result = pytester.runpytest_subprocess("docs_src", "-p", "no:cacheprovider")
    text = result.stdout.str() + result.stderr.str()
    assert SECRET not in text and "DOCHARNESS_PLANTED" not in text
    assert "not read" in text and "stolen.asciidoc" in text and "environ.rst" in text
