"""One JUnit convention: the CLI's and the pytest plugin's files name a test alike and pass both CI schemas.

The same page (with a failing, an errored, a skipped and a passing example) is replayed by
``docharness replay --junit`` and by ``pytest --junitxml`` through the plugin. Both files are
validated with lxml against the Jenkins xUnit schema and the GitLab one (tests/schemas/),
and every test has the same (classname, name) in both.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import ci_project as cp
import fault_servers as fs
import pytest
from junit_schemas import violations

from harness.cli import main

pytest_plugins = ["pytester"]


def identities(path: Path) -> dict[tuple[str, str], str]:
    """(classname, name) -> outcome element ("" for a pass) of every testcase."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "")
        found[(case.get("classname") or "", case.get("name") or "")] = outcome
    return found


def test_cli_and_plugin_junit_agree_and_validate(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.fault_server(cp.planted) as server:
        cp.write_project(pytester.path, server.url)
        monkeypatch.chdir(pytester.path)
        monkeypatch.setenv("CI_TOKEN", cp.TOKEN)
        assert main(["replay", "--junit", "cli.xml"]) == 1
        result = pytester.runpytest("docs_src", "--junitxml=plugin.xml", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1, skipped=1, errors=1)
    cli, plugin = pytester.path / "cli.xml", pytester.path / "plugin.xml"
    for path in (cli, plugin):
        assert violations(path.read_bytes()) == {"jenkins": [], "gitlab": []}, path.name
        assert cp.TOKEN not in path.read_text(encoding="utf-8")
    expected = {("docs_src.page.asciidoc", "line_4"): "", ("docs_src.page.asciidoc", cp.FAILED): "failure",
                ("docs_src.page.asciidoc", "line_33"): "skipped", ("docs_src.page.asciidoc", cp.ERROR): "error"}
    assert identities(cli) == expected
    assert identities(plugin) == expected


def test_the_failure_message_names_the_source_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.fault_server(cp.planted) as server:
        cp.write_project(tmp_path, server.url)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("CI_TOKEN", cp.TOKEN)
        assert main(["replay", "--junit", "out/junit.xml"]) == 1
    root = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    failure = root.find(f".//testcase[@name='{cp.FAILED}']/failure")
    assert failure is not None
    assert (failure.get("message") or "").startswith(f"docs_src/page.asciidoc:{cp.DIFF_LINE}: the response differs")
    assert f"--> docs_src/page.asciidoc:{cp.DIFF_LINE}:3" in (failure.text or "")
