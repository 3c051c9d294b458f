"""The plugin's own run protocol for example items gives what pytest's full protocol gives.

Example items skip the dispatch of the setup/call/teardown hooks when only pytest's own
plugins implement them (it costs more per item than replaying the example). The same pages
run both ways must give the same outcomes, reports, JUnit XML and terminal text; an item
with a mark, a conftest hooking a phase and ``--setup-show`` take pytest's full protocol.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import harness.pytest_plugin as plugin_module
import harness.pytest_plugin_protocol as protocol_module

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
PAGES = ("elasticsearch/rollup/start-job.asciidoc", "elasticsearch/rollup/stop-job.asciidoc",
         "elasticsearch/ml/close-job.asciidoc")
HOOKED = "def pytest_runtest_setup(item):\n    pass\n"  # any phase hook of a conftest: the full protocol


@pytest.fixture()
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """Seed pages with a passing, a failing, an error and a skipped example."""
    docs = pytester.path / "docs_src"
    docs.mkdir()
    shutil.copy(REPO / "docs_src/docharness.toml", docs / "docharness.toml")
    for page in PAGES:
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "docs_src" / page, docs / page)
    start = docs / PAGES[0]
    start.write_text(start.read_text(encoding="utf-8").replace('"started": true', '"started": false'),
                     encoding="utf-8")
    stop = docs / PAGES[1]
    stop.write_text(stop.read_text(encoding="utf-8").replace("setup:sensor_started_rollup_job", "setup:nope"),
                    encoding="utf-8")
    monkeypatch.setenv("DOCHARNESS_TOKEN", "protocol-token-31bc")
    return pytester


def _junit(path: Path) -> list[tuple[str, ...]]:
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        children = tuple(f"{c.tag}:{c.get('type')}:{c.get('message')}:{(c.text or '').strip()}" for c in case)
        cases.append((case.get("classname", ""), case.get("name", ""), case.get("file", ""), case.get("line", ""),
                      *children))
    return cases


def _reports(recorder: pytest.HookRecorder) -> list[dict[str, object]]:
    """Each logged report's fields (``longrepr`` as its text), its timing left out."""
    return [{k: (r.longreprtext if k == "longrepr" else v) for k, v in vars(r).items()
             if k not in ("duration", "start", "stop")} for r in recorder.getreports("pytest_runtest_logreport")]


def _text(result: pytest.RunResult) -> str:
    return re.sub(r"in [0-9.]+s.*", "", result.stdout.str())  # the timing differs, nothing else may


def test_both_protocols_give_the_same_outcomes_reports_and_junit(project: pytest.Pytester) -> None:
    plain = project.inline_run("docs_src", "--junitxml=plain.xml")
    fast = [c for c in plain.getcalls("pytest_runtest_setup")]
    assert not fast, "the example items went through the phase hooks"
    (project.path / "conftest.py").write_text(HOOKED, encoding="utf-8")
    full = project.inline_run("docs_src", "--junitxml=full.xml")
    assert len(full.getcalls("pytest_runtest_setup")) == len(full.getcalls("pytest_runtest_logstart")) > 0

    def outcomes(recorder: pytest.HookRecorder) -> list[tuple[str, str, str, object]]:
        return [(r.nodeid, r.when, r.outcome, r.longreprtext) for r in recorder.getreports("pytest_runtest_logreport")]

    assert outcomes(plain) == outcomes(full)
    assert _reports(plain) == _reports(full)  # every field a report carries, but its timing
    # a phase that raised nothing gets its report without the makereport hook; the others through it
    raised = [r for r in plain.getreports("pytest_runtest_logreport") if not r.passed]
    assert len(plain.getcalls("pytest_runtest_makereport")) == len(raised) > 0
    assert len(full.getcalls("pytest_runtest_makereport")) == len(full.getreports("pytest_runtest_logreport"))
    assert {r.outcome for r in plain.getreports("pytest_runtest_logreport") if r.when != "teardown"} == {
        "passed", "failed", "skipped"}
    assert _junit(project.path / "plain.xml") == _junit(project.path / "full.xml")
    (project.path / "conftest.py").unlink()
    terminal_plain = project.runpytest("docs_src", "-rA")
    (project.path / "conftest.py").write_text(HOOKED, encoding="utf-8")
    terminal_full = project.runpytest("docs_src", "-rA")
    assert _text(terminal_plain) == _text(terminal_full)
    assert "protocol-token-31bc" not in _text(terminal_plain)


def test_a_mark_added_by_a_conftest_is_honoured(project: pytest.Pytester) -> None:
    (project.path / "conftest.py").write_text(
        "import pytest\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        if 'start-job' in item.nodeid:\n"
        "            item.add_marker(pytest.mark.skip(reason='not on this cluster'))\n", encoding="utf-8")
    result = project.runpytest("docs_src/elasticsearch/rollup", "-rs")
    result.stdout.fnmatch_lines(["*not on this cluster*"])
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes["skipped"] == 2  # start-job's two items


def test_setup_show_takes_the_full_protocol(project: pytest.Pytester) -> None:
    result = project.runpytest("docs_src/elasticsearch/rollup/stop-job.asciidoc", "--setup-show")
    result.stdout.fnmatch_lines(["*docs_src/elasticsearch/rollup/stop-job.asciidoc::line_*"])  # a passing item


def test_pytest_current_test_reads_as_under_the_full_protocol(project: pytest.Pytester) -> None:
    record = ("import os\nSEEN = []\n\n"
              "def pytest_runtest_logreport(report):\n"
              "    SEEN.append((report.nodeid, report.when, os.environ.get('PYTEST_CURRENT_TEST')))\n\n"
              "def pytest_sessionfinish(session):\n"
              "    open('seen.txt', 'w').write(repr(SEEN))\n")
    seen = []
    for extra in ("", HOOKED):
        (project.path / "conftest.py").write_text(record + extra, encoding="utf-8")
        project.runpytest_subprocess("docs_src/elasticsearch/rollup")
        seen.append((project.path / "seen.txt").read_text(encoding="utf-8"))
    assert seen[0] == seen[1] and "(call)" in seen[0]


def test_a_conftest_making_reports_gets_every_phase(project: pytest.Pytester) -> None:
    (project.path / "conftest.py").write_text(
        "import pytest\n\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    report.user_properties.append(('seen', call.when))\n"
        "    return report\n", encoding="utf-8")
    recorder = project.inline_run("docs_src/elasticsearch/rollup")
    reports = recorder.getreports("pytest_runtest_logreport")
    assert not recorder.getcalls("pytest_runtest_setup")  # the phases still run without their hooks
    assert reports and all(("seen", r.when) in r.user_properties for r in reports)


@pytest.mark.parametrize("missing", ["setup state", "tmp_path key", "skip location"])
def test_without_the_pytest_internals_it_relies_on_the_reports_stay_the_same(
        project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    """A pytest without ``Session._setupstate`` runs every item the full way; without the tmpdir plugin's
    stash key, reports go through the hook; without ``_use_item_location``, a wrapper puts the page's line in
    skip reports. Each gives the reports of pytest's own protocol."""
    (project.path / "conftest.py").write_text(HOOKED, encoding="utf-8")
    full = _reports(project.inline_run("docs_src"))
    (project.path / "conftest.py").unlink()
    if missing == "setup state":
        monkeypatch.setattr(protocol_module, "_setup_state", lambda item: None)
    elif missing == "tmp_path key":
        monkeypatch.setattr(protocol_module, "_stash_key", lambda plugin: None)
    else:
        monkeypatch.setattr(plugin_module, "_skips_at_item_location", lambda: False)
    recorder = project.inline_run("docs_src")
    assert _reports(recorder) == full
    assert len(recorder.getcalls("pytest_runtest_makereport")) == len(full)  # every report through the hook
    assert bool(recorder.getcalls("pytest_runtest_setup")) is (missing == "setup state")


def test_every_item_has_the_location_pytest_would_give_it(project: pytest.Pytester) -> None:
    """An example item's location (the page's path worked out once per page) is pytest's own for it."""
    items, _ = project.inline_genitems("docs_src")
    pytest_location = vars(pytest.Item)["location"].func  # pytest's Item.location, not cached on the item
    assert len({item.parent for item in items}) == len(PAGES) and len(items) > len(PAGES)
    for item in items:
        assert item.location == pytest_location(item)
        assert item.location[0].startswith("docs_src/elasticsearch/")
