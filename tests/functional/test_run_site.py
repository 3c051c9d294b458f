"""`docharness run` end to end on a copy of docs_src: what the published badges claim.

The copy's cloud page carries a wrong expected value. Its source matches by shape
(keys and types), so the run passes it, and its badge must say exactly that —
shape-checked, against the built-in reference implementation — never "verified".
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html

from harness.cli import main
from harness.report.color import use_color as wants_color

ROOT = Path(__file__).resolve().parents[2]
STATUS_PAGE = "cloud/cdm/querying_job_status.rst"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("run")
    shutil.copytree(ROOT / "docs_src", base / "docs_src")
    page = base / "docs_src" / STATUS_PAGE
    text = page.read_text(encoding="utf-8")
    assert '"status": "RUNNING"' in text
    page.write_text(text.replace('"status": "RUNNING"', '"status": "NOT-WHAT-THE-SERVER-SAYS"'), encoding="utf-8")
    yield base


def words(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def badges(page: Path) -> list[tuple[str, str]]:
    root = html.parse(str(page)).getroot()
    found = root.xpath("//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")
    return [(next(c for c in b.get("class").split() if c.startswith("docharness-badge-")), words(b)) for b in found]


@pytest.fixture(scope="module")
def first_run(project: Path) -> Path:
    code = main(["run", "--config", str(project / "docs_src" / "docharness.toml"), "--out", str(project / "out")])
    assert code == 0
    return project / "out"


def test_a_wrong_value_on_a_shape_matched_page_is_not_called_verified(first_run: Path) -> None:
    shown = badges(first_run / "site" / "ops" / "cloud-cdm-querying-job-status.html")
    assert shown and all(state == "docharness-badge-shape-checked" for state, _ in shown)
    assert all("verified" not in text for _, text in shown)
    assert shown[0][1].startswith("shape-checked (keys and types only; values not compared) against the built-in "
                                  "reference implementation (not a real service) on ")


def test_exact_matched_pages_say_verified_against_the_reference_implementation(first_run: Path) -> None:
    shown = badges(first_run / "site" / "ops" / "elasticsearch-rollup-stop-job.html")
    verified = [text for state, text in shown if state == "docharness-badge-verified"]
    assert verified and all(t.startswith("verified (exact match) against the built-in reference implementation")
                            for t in verified)
    assert not any("127.0.0.1" in text for _, text in shown)


def mtimes(folder: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob(pattern) if p.is_file()}


def age(folder: Path) -> None:
    """Push every file's mtime into the past so a rewrite shows even on a coarse clock."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10_000_000_000))


def test_page_sources_hold_no_run_data(first_run: Path) -> None:
    # the embedded server's URL (a fresh port each run) is run data; a page may document its own addresses
    targets = {r["target"].partition("=")[2] for r in json.loads((first_run / "results.json").read_text())["results"]}
    ran_against = {t for t in targets if t.startswith("http://127.0.0.1:")}
    assert ran_against
    for data in (first_run / "site-src" / "ops").glob("*.json"):
        text = data.read_text(encoding="utf-8")
        assert not [t for t in ran_against if t in text] and "elapsed_ms" not in text, data.name
        assert '"duration_ms":0.0' in text or '"results":[]' in text, data.name


def test_an_unchanged_rerun_rewrites_no_page_and_one_change_one_page(project: Path, first_run: Path) -> None:
    age(first_run)
    html_before, sources_before = mtimes(first_run / "site", "*.html"), mtimes(first_run / "site-src", "*")
    assert main(["run", "--config", str(project / "docs_src" / "docharness.toml"), "--out", str(first_run)]) == 0
    assert mtimes(first_run / "site-src", "*") == sources_before
    assert mtimes(first_run / "site", "*.html") == html_before  # not one HTML file rewritten

    page = project / "docs_src" / STATUS_PAGE
    page.write_text(page.read_text(encoding="utf-8").replace('"progress": 0', '"progress": 1'), encoding="utf-8")
    assert main(["run", "--config", str(project / "docs_src" / "docharness.toml"), "--out", str(first_run)]) == 0
    after = mtimes(first_run / "site", "*.html")
    rewritten = sorted(name for name in html_before if after[name] != html_before[name])
    # Sphinx regenerates its own index pages on every build; of the content pages, only the edited one
    assert [n for n in rewritten if n not in ("genindex.html", "search.html", "http-routingtable.html")] \
        == ["ops/cloud-cdm-querying-job-status.html"]


def test_run_says_where_it_is(project: Path, first_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["run", "--config", str(project / "docs_src" / "docharness.toml"), "--out", str(first_run)]) == 0
    lines = capsys.readouterr().out.splitlines()
    phases = [line for line in lines if line.startswith("docharness run: ")]
    assert [p.split()[2] for p in phases] == ["extracting", "extracted", "replaying", "publishing"]
    total = int(phases[2].split()[3])
    progress = [line for line in lines if re.match(r"\[ *\d+/\d+\] ", line)]
    counts = [int(re.match(r"\[ *(\d+)/(\d+)\]", line)[1]) for line in progress]  # type: ignore[index]
    assert counts == sorted(counts) and counts[-1] == total and all(f"/{total}]" in line for line in progress)
    assert re.search(r"\((\d+ passed)(, \d+ skipped)?(, \d+ not run)?\)$", progress[-1])
    assert lines[-2].startswith("site: ") and "\x1b[" not in "\n".join(lines)  # not a terminal: no colour
    assert re.match(r"\d+ passed, 0 failed, 0 error, \d+ skipped(, \d+ not run)? in ", lines[-1])  # the summary


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_color(Terminal()) and not wants_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color(Terminal())
