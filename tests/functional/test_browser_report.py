"""The HTML run report in a real browser: headless Chromium opens the file `replay --html` wrote.

The replay runs for real against a loopback server that answers one example with a
``<script>``, an ``<img onerror>`` and the request head (secret token included). Chromium
opens the report from disk (no server: it must work from a CI artefact store) and dumps
the DOM after the report's script ran; the counts, the outcome filter, a failed example's
diff and the planted markup (shown as text, never run) are checked there.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import ci_project as cp
import fault_servers as fs
import pytest
from lxml import html

from harness.cli import main

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("html-report")
    with fs.fault_server(cp.planted) as server, pytest.MonkeyPatch.context() as patch:
        cp.write_project(root, server.url)
        patch.chdir(root)
        patch.setenv("CI_TOKEN", cp.TOKEN)
        assert main(["replay", "--html", "out/report.html"]) == 1
    yield root / "out" / "report.html"


def dom(report: Path, profile: Path, fragment: str = "") -> html.HtmlElement:
    """The report's DOM after its script ran, as Chromium shows it."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); .ci/run installs it")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
               report.as_uri() + fragment]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return html.fromstring(done.stdout)


def visible_rows(root: html.HtmlElement) -> list[tuple[str, str]]:
    return [(row.get("data-outcome"), row.xpath("string(td[@class='node'])"))
            for row in root.xpath("//table[@id='results']/tbody/tr") if row.get("hidden") is None]


def test_counts_and_every_example(report: Path, tmp_path: Path) -> None:
    root = dom(report, tmp_path / "profile")
    counts = {a.get("data-filter"): a.xpath("string(b)") for a in root.xpath("//nav[@class='filter']/a")}
    assert counts == {"all": "4", "passed": "1", "failed": "1", "error": "1", "skipped": "1", "not_run": "0"}
    assert root.xpath("string(//p[@id='summary'])").startswith("1 passed, 1 failed, 1 error, 1 skipped in ")
    assert [outcome for outcome, _ in visible_rows(root)] == ["passed", "failed", "skipped", "error"]
    assert root.xpath("string(//p[@id='shown'])") == "Showing 4 of 4 examples"  # written by the script


def test_the_filter_shows_one_outcome(report: Path, tmp_path: Path) -> None:
    root = dom(report, tmp_path / "profile", "#outcome=failed")
    assert visible_rows(root) == [("failed", f"docs_src/page.asciidoc::{cp.FAILED}")]
    assert root.xpath("string(//p[@id='shown'])") == "Showing 1 of 4 examples"
    assert root.xpath("//nav[@class='filter']/a[@aria-current='true']/@data-filter") == ["failed"]
    articles = {a.get("data-outcome"): a.get("hidden") is None for a in root.xpath("//article")}
    assert articles == {"failed": True, "error": False}
    errors = dom(report, tmp_path / "profile2", "#outcome=error")
    assert visible_rows(errors) == [("error", f"docs_src/page.asciidoc::{cp.ERROR}")]


def test_a_failed_example_shows_where_what_was_sent_and_the_diff(report: Path, tmp_path: Path) -> None:
    root = dom(report, tmp_path / "profile")
    article = root.xpath("//article[@data-outcome='failed']")[0]
    assert f"docs_src/page.asciidoc:{cp.FAILED_LINE}" in article.xpath("string(p[@class='where'])")
    request = article.xpath("string(.//pre[@class='request'])")
    assert request.startswith("POST http://127.0.0.1:") and "/planted/_stop" in request
    assert "X-Auth-Token: ***" in request and '{"reason": "a, b: 100%"}' in request
    mismatches = [[td.text_content() for td in row.xpath("td")] for row in article.xpath(".//table//tbody/tr")]
    assert ["$.acknowledged", "values differ", "true", "false"] in mismatches
    removed = [s.text_content() for s in article.xpath(".//pre[@class='diff']/span[contains(@class, 'del')]")]
    added = [s.text_content() for s in article.xpath(".//pre[@class='diff']/span[contains(@class, 'add')]")]
    assert removed == ['-  "acknowledged": true'] and '+  "acknowledged": false,' in added
    assert f"--> docs_src/page.asciidoc:{cp.DIFF_LINE}:3" in article.xpath("string(.//pre[@class='rendered'])")


def test_planted_markup_in_a_response_is_text_and_never_runs(report: Path, tmp_path: Path) -> None:
    root = dom(report, tmp_path / "profile")
    assert root.xpath("string(//title)") == "docharness run report"  # the planted script did not run
    assert len(root.xpath("//script")) == 1 and root.xpath("//img") == []
    actual = root.xpath("//article[@data-outcome='failed']//pre[@class='actual']")[0].text_content()
    assert "<script>document.title='pwned'</script>" in actual and "onerror=" in actual


def test_the_file_is_self_contained_and_masks_secrets(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert cp.TOKEN not in text and "X-Auth-Token: ***" in text
    root = html.fromstring(text)
    assert root.xpath("//@src") == [] and root.xpath("//link") == []
    assert [h for h in root.xpath("//a/@href") if not h.startswith("#")] == []
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert policy.startswith("default-src 'none';") and "'unsafe-inline'" not in policy


def test_a_screenshot_of_the_failed_view_is_kept_as_an_artefact(report: Path, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); .ci/run installs it")
    artifacts = Path(__file__).resolve().parents[2] / "generated" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "run-report-failed.png"
    shot.unlink(missing_ok=True)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", report.as_uri() + "#outcome=failed"],
                   capture_output=True, text=True, timeout=120, check=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
