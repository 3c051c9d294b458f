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
# what the collector has frozen while each example is reported, while pytest's last hooks run (its own
# unconfigure collects the garbage), and once pytest is done (atexit)
RECORDER = """
import atexit
import gc

import pytest

def record(name):
    with open("frozen.txt", "a") as out:
        out.write(f"{name} {gc.get_freeze_count()}\\n")

atexit.register(record, "exited")

def pytest_runtest_logreport(report):
    if report.when == "call":
        record(report.nodeid)

@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    record("unconfigured")
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
    examples = {name: count for name, count in frozen.items() if name not in ("unconfigured", "exited")}
    assert len(examples) == 2 and all(count > 0 for count in examples.values()), frozen
    # still frozen while pytest's own last collections run (nothing of it is garbage: the session holds it)
    assert frozen["unconfigured"] > 0
    assert frozen["exited"] == 0  # given back once pytest is done with the session


def test_a_session_with_other_tests_leaves_the_collector_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    frozen = _frozen(pytester, PAGE, "test_plain.py")
    assert len(frozen) == 5 and "test_plain.py::test_plain" in frozen, frozen  # both examples, the test, the end
    assert set(frozen.values()) == {0}
