"""The pages of docs_src, replayed against the reference server, all hold.

docs_src documents every operation the server implements; this runs the real
command (parsers, replay, embedded server) over it, so a change to the server
that breaks a documented example fails here with the page and line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.parsers.loader import load
from harness.server import ReferenceServer
from harness.server.routing import Handler

DOCS = Path(__file__).resolve().parents[2] / "docs_src"


def test_every_docs_src_example_passes_against_the_reference_server() -> None:
    result = subprocess.run([sys.executable, "-m", "harness", "replay", str(DOCS)], capture_output=True,
                            text=True, timeout=120, check=False, cwd=DOCS.parent)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.splitlines()[-1]
    assert " passed, 0 failed, 0 error, " in summary and "(failed)" not in result.stdout


def test_every_server_operation_is_exercised_by_a_docs_src_example() -> None:
    server = ReferenceServer()  # never started: only its router is used
    variables = {"{project_id}": "p", "{cluster_id}": "c"}
    exercised: set[Handler] = set()
    # the pages the reference server serves (docs_src/flink documents a real Flink cluster)
    for document in load([DOCS / "elasticsearch", DOCS / "cloud"], root=DOCS.parent):
        for example in document.examples:
            for request in example.requests:
                path = request.path.split("?")[0]
                for name, value in variables.items():
                    path = path.replace(name, value)
                handler, _ = server.router.resolve(request.method, path if path.startswith("/") else "/" + path)
                exercised.add(handler)
    registered = server.router.handlers()
    assert len(registered) > 30 and len(exercised) > 30
    undocumented = {f"{h.__module__}.{h.__name__}" for h in registered - exercised
                    if not h.__name__.startswith("_")}  # the /_reference admin calls: docs_src/guide/reference-server.rst
    assert not undocumented
