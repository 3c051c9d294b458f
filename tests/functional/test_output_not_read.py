"""A run whose output folder lies inside its sources never reads its last report and site as pages.

A project with ``docharness.toml`` at its top and ``sources = ["."]``, run from there, writes
``generated/`` inside its own sources. Before, the second run read ``generated/report.html`` (the
target's answers) and the site's HTML and Sphinx sources as documentation and published them as
reference pages; every run added the previous run's output again (``generated-site-src-ops-...``).
Real processes, a real Sphinx build, the embedded reference server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGE = ("= Stop a job\n\n[source,js]\n----\nPOST _xpack/rollup/job/does_not_exist/_stop\n----\n// CONSOLE\n"
        "// TEST[catch:missing]\n")
CONFIG = ('[docharness]\nsources = ["."]\n\n[[sources]]\npaths = ["**"]\nfamily = "elasticsearch"\n'
          'match = "exact"\n')

pytest_plugins = ["pytester"]


def _docharness(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})


def _site_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out / "site-src").as_posix() for p in (out / "site-src" / "ops").glob("*.rst"))


def test_a_second_run_reads_only_the_pages(tmp_path: Path) -> None:
    (tmp_path / "docharness.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "stop.asciidoc").write_text(PAGE, encoding="utf-8")
    first = _docharness(tmp_path, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "extracted 1 documents" in first.stdout
    pages = _site_pages(tmp_path / "generated")
    assert pages == ["ops/stop.rst"]
    second = _docharness(tmp_path, "run")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "extracted 1 documents" in second.stdout  # not generated/report.html and the site's pages
    assert _site_pages(tmp_path / "generated") == pages
    publish = _docharness(tmp_path, "publish", "--config", "docharness.toml")
    assert publish.returncode == 0, publish.stdout + publish.stderr
    assert _site_pages(tmp_path / "generated") == pages
    extract = _docharness(tmp_path, "extract", ".")
    assert "generated" not in extract.stdout + extract.stderr


def test_the_pytest_plugin_collects_no_page_of_the_output(pytester: pytest.Pytester) -> None:
    (pytester.path / "docharness.toml").write_text(CONFIG, encoding="utf-8")
    (pytester.path / "stop.asciidoc").write_text(PAGE, encoding="utf-8")
    first = _docharness(pytester.path, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    result = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == ["stop.asciidoc::line_4"], result.stdout.str()


def test_an_output_folder_holding_the_sources_is_not_marked(tmp_path: Path) -> None:
    """``--out .`` with ``sources = ["."]``: marking it would hide every page from every later command."""
    (tmp_path / "docharness.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "stop.asciidoc").write_text(PAGE, encoding="utf-8")
    first = _docharness(tmp_path, "run", "--out", ".")
    assert first.returncode == 0, first.stdout + first.stderr
    assert not (tmp_path / ".docharness-output").exists()
    extract = _docharness(tmp_path, "extract", "stop.asciidoc")
    assert "1 document" in extract.stdout
