"""`publish --results FILE` with the file `replay` wrote: the pages show that run's outcomes.

replay records documents relative to the folder it ran in (``docs_src/cloud/...``),
publish loads them relative to the configuration (``cloud/...``); both must name the
same document. A results file that matches no page is a warning, not silence.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html

from harness.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs_src"
    shutil.copytree(ROOT / "docs_src" / "cloud" / "cdm", docs / "cloud" / "cdm")
    config = (ROOT / "docs_src" / "docharness.toml").read_text(encoding="utf-8")
    (docs / "docharness.toml").write_text(re.sub(r"(?m)^sources = \[.*\]$", 'sources = ["cloud"]', config),
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def badge_texts(site: Path) -> list[str]:
    found = []
    for page in sorted((site / "ops").glob("*.html")):
        root = html.parse(str(page)).getroot()
        found += [" ".join(b.text_content().split())
                  for b in root.xpath("//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    return found


def test_replays_results_file_marks_the_published_examples(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--report", "replayed.json"]) == 0
    recorded = {r["document"] for r in json.loads((project / "replayed.json").read_text(encoding="utf-8"))["results"]}
    assert recorded and all(d.startswith("docs_src/cloud/cdm/") for d in recorded)
    capsys.readouterr()
    assert main(["publish", "--results", "replayed.json", "--out", "out"]) == 0
    assert "match no published page" not in capsys.readouterr().err
    shown = badge_texts(project / "out" / "site")
    assert shown and not [t for t in shown if t.startswith("not run")]
    assert all("against the built-in reference implementation" in t for t in shown)


def test_a_results_file_for_other_pages_is_a_warning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = {"results": [{"document": "elsewhere/not-a-page.rst", "name": "line_3",
                            "span": {"path": "elsewhere/not-a-page.rst", "line": 3}, "outcome": "passed"}]}
    (project / "other.json").write_text(json.dumps(results), encoding="utf-8")
    assert main(["publish", "--results", "other.json", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert "warning: the results of 1 document(s) match no published page: elsewhere/not-a-page.rst" in err
    assert all(t.startswith("not run") for t in badge_texts(project / "out" / "site"))
