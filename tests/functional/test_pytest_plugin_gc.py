"""A session made only of example items freezes the garbage collector's view of what collection made;
a session with other tests leaves the collector alone. Each run is a real pytest process, since the
collector's state is the process's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
PAGE = "docs_src/guide/examples/stop-job.asciidoc"
# what the collector has frozen while each example is reported, and once the plugin's session finish ran
RECORDER = """
import gc

def pytest_runtest_logreport(report):
    if report.when == "call":
        with open("frozen.txt", "a") as out:
            out.write(f"{report.nodeid} {gc.get_freeze_count()}\\n")

import pytest

@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    with open("frozen.txt", "a") as out:
        out.write(f"finished {gc.get_freeze_count()}\\n")
"""


def _frozen(pytester: pytest.Pytester, *paths: str) -> dict[str, int]:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    pytester.makeconftest(RECORDER)
    result = pytester.runpytest_subprocess(*paths, "--docharness-no-cache", "-p", "no:randomly", "-p",
                                           "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()
    lines = (pytester.path / "frozen.txt").read_text(encoding="utf-8").splitlines()
    return {name: int(count) for name, count in (line.rsplit(" ", 1) for line in lines)}


def test_a_session_of_examples_only_runs_with_collection_frozen(pytester: pytest.Pytester) -> None:
    frozen = _frozen(pytester, PAGE)
    examples = {name: count for name, count in frozen.items() if name != "finished"}
    assert len(examples) == 2 and all(count > 0 for count in examples.values()), frozen
    assert frozen["finished"] == 0  # given back at the end of the session


def test_a_session_with_other_tests_leaves_the_collector_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    frozen = _frozen(pytester, PAGE, "test_plain.py")
    assert len(frozen) == 4 and "test_plain.py::test_plain" in frozen, frozen  # both examples, the test, the end
    assert set(frozen.values()) == {0}
