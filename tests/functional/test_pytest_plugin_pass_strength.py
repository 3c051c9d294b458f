"""Through the pytest plugin, a pass says what it compared, as the CLI's summary and JUnit do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


def _cli_notes(folder: Path) -> list[str]:
    """The weaker-pass lines of ``docharness replay`` on the same pages and the same embedded server."""
    done = subprocess.run([sys.executable, "-m", "harness", "replay", "--no-cache", "docs_src"], cwd=folder,
                          capture_output=True, text=True, check=False)
    return [line for line in done.stdout.splitlines() if " of the passed examples " in line]


def test_the_summary_and_junit_say_what_the_passes_compared(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    expected = _cli_notes(pytester.path)
    assert any("shape-checked" in line for line in expected), expected  # docs_src has weaker passes
    result = pytester.runpytest("docs_src", "--docharness-no-cache", "-p", "no:randomly", "--junitxml=j.xml",
                                "-o", "junit_family=xunit1")  # xunit2, the default, has no testcase property
    out = result.stdout.str()
    assert "docharness: what the passes compared" in out
    shown = [line for line in out.splitlines() if " of the passed examples " in line]
    assert shown == expected
    checks = {p.get("value") for p in ElementTree.parse(pytester.path / "j.xml").iter("property")
              if p.get("name") == "docharness_check"}
    assert "checked: shape only: keys and types, values not compared" in checks
    assert "checked: exact match" in checks


def test_passed_reports_carry_the_check_for_minus_r_p(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    result = pytester.runpytest("docs_src/guide/examples/stop-job.asciidoc", "--docharness-no-cache",
                                "-p", "no:randomly", "-rP", "--junitxml=j.xml")
    result.assert_outcomes(passed=2)
    assert "Captured docharness setup" in result.stdout.str() and "checked: exact match" in result.stdout.str()
    assert not list(ElementTree.parse(pytester.path / "j.xml").iter("property"))  # xunit2: none on a testcase


def test_a_run_with_only_exact_passes_prints_no_note(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    page = "docs_src/guide/examples/stop-job.asciidoc"
    result = pytester.runpytest(page, "--docharness-no-cache", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert "what the passes compared" not in result.stdout.str()


def test_under_xdist_the_controller_counts_the_workers_passes(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    pages = ["docs_src/elasticsearch", "docs_src/cloud"]
    alone = pytester.runpytest(*pages, "--docharness-no-cache", "-p", "no:randomly")
    spread = pytester.runpytest_subprocess(*pages, "--docharness-no-cache", "-p", "no:randomly", "-n", "2",
                                           "--dist", "loadfile")
    notes = [[line for line in r.stdout.str().splitlines() if " of the passed examples " in line]
             for r in (alone, spread)]
    assert notes[0] and notes[0] == notes[1]


def test_without_pytests_junitxml_plugin_a_pass_is_still_a_pass(pytester: pytest.Pytester) -> None:
    # junit_family is declared by pytest's junitxml plugin: read without it, every pass became an error
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    result = pytester.runpytest("docs_src/guide/examples/stop-job.asciidoc", "--docharness-no-cache",
                                "-p", "no:randomly", "-p", "no:junitxml", "-rP")
    result.assert_outcomes(passed=2)
    assert "checked: exact match" in result.stdout.str()
