"""`docharness --help` and `docharness extract` start light: no replay, requests, Sphinx or server code.

Checked with ``python -X importtime`` in a fresh interpreter, which lists every module
the command imported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("requests", "urllib3", "sphinx", "harness.replay", "harness.server", "harness.publish", "harness.sphinx")


def imported(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and line.count("|") >= 2}


@pytest.mark.parametrize("args", [("--help",), ("extract", "docs_src/elasticsearch/rollup/stop-job.asciidoc"),
                                  ("extract", "--json", "docs_src/cloud/cdm/stopping_a_job.rst"),
                                  ("extract", "-q", "docs_src/cloud/dli/stopping_jobs_in_batches.html")])
def test_help_and_extract_import_no_replay_requests_sphinx_or_server(args: tuple[str, ...]) -> None:
    modules = imported(*args)
    assert "harness.cli" in modules  # the listing is real
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY)))
    assert not heavy, heavy


def test_replay_still_loads_what_it_needs() -> None:
    modules = imported("replay", "--help")
    assert "harness.replay" in modules and "http.client" in modules  # replay sends with http.client
