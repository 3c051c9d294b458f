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


def _checkout(base: Path) -> Path:
    """A CI checkout: the config at the top, sources ``docs``, the checkout's token in ``.git/config``
    and credentials files beside the pages, and pages of ``docs`` symlinked to each."""
    (base / ".git").mkdir()
    (base / ".git" / "config").write_text(f'[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n', encoding="utf-8")
    (base / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (base / "gha-creds-1.json").write_text(f'{{"token": "{SECRET}"}}\n', encoding="utf-8")
    (base / "notes.asciidoc").write_text(OUTSIDE, encoding="utf-8")  # a page, but not under the sources
    (base / "docharness.toml").write_text('[docharness]\nsources = ["docs"]\n', encoding="utf-8")
    docs = base / "docs"
    docs.mkdir()
    (docs / "real.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "git.asciidoc").symlink_to("../.git/config")
    (docs / "env.rst").symlink_to("../.env")
    (docs / "creds.html").symlink_to(base / "gha-creds-1.json")
    (docs / "notes.asciidoc").symlink_to("../notes.asciidoc")
    (docs / "inner").mkdir()
    (docs / "inner" / ".git").mkdir()
    (docs / "inner" / ".git" / "page.asciidoc").write_text(OUTSIDE, encoding="utf-8")
    (docs / "inner" / "hidden.asciidoc").symlink_to(".git/page.asciidoc")
    (docs / "keys.json").write_text(f'{{"key": "{SECRET}"}}\n', encoding="utf-8")  # inside docs/, but no page
    (docs / "keys.rst").symlink_to("keys.json")
    return docs


def test_a_page_symlinked_to_the_checkouts_token_or_beside_the_sources_is_not_read(tmp_path: Path) -> None:
    # the config's folder holds .git/config, .env and credentials: the sources are the docs tree, not it
    _checkout(tmp_path)
    refused = ("docs/git.asciidoc", "docs/env.rst", "docs/creds.html", "docs/notes.asciidoc",
               "docs/inner/hidden.asciidoc", "docs/keys.rst")
    extract = _docharness(tmp_path, "extract", "--json", "docs")
    assert extract.returncode == 1
    for name in refused:
        assert name in extract.stderr, name
    assert "hidden folder .git" in extract.stderr and "is not a page" in extract.stderr
    assert "outside the docs root" in extract.stderr  # notes.asciidoc: a page, but outside docs/
    replay = _docharness(tmp_path, "replay", "--config", "docharness.toml", "--report", "out/results.json", "--junit", "out/junit.xml")
    assert replay.returncode == 1 and "docs/real.asciidoc" in replay.stdout, replay.stdout + replay.stderr
    publish = _docharness(tmp_path, "publish", "--config", "docharness.toml", "--out", "out")
    assert publish.returncode == 0, publish.stderr
    outputs = {"extract": extract.stdout + extract.stderr, "replay": replay.stdout + replay.stderr,
               "publish": publish.stdout + publish.stderr, "files": _all_text(tmp_path / "out")}
    for name, text in outputs.items():
        assert SECRET not in text, f"a file beside the docs tree leaked into {name}"
    assert "real.asciidoc" in outputs["files"]


def test_the_pytest_plugin_confines_pages_to_their_source(pytester: pytest.Pytester) -> None:
    _checkout(pytester.path)
    result = pytester.runpytest_subprocess("docs", "-p", "no:cacheprovider")
    text = result.stdout.str() + result.stderr.str()
    assert SECRET not in text
    for name in ("git.asciidoc", "env.rst", "creds.html", "notes.asciidoc", "hidden.asciidoc", "keys.rst"):
        assert name in text, name
