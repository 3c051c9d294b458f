"""Operation pages of each source format in headless Chromium, at desktop and phone widths.

The site comes from a real ``docharness run`` (replayed on the built-in reference
server) and is served on a loopback port. A probe page written next to it (same
origin) loads an operation page in an iframe of the given width, clicks the Python
tab, and writes what it measured into its own DOM, which Chromium dumps: the badge
wording, the copy buttons, which tab panels show, and whether the page is wider than
the screen. Screenshots of each page at both widths are kept in generated/artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html

from harness.cli import main

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "generated" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = {"asciidoc": "ops/elasticsearch-rollup-stop-job.html", "rst": "ops/cloud-cdm-stopping-a-job.html",
         "html": "ops/cloud-dli-deleting-a-job.html"}
WIDTHS = {"desktop": 1280, "phone": 375}
REFERENCE = "against the built-in reference implementation (not a real service)"

PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" style="border:0;height:900px"></iframe>
<script>
var params = new URLSearchParams(location.search);
var frame = document.getElementById("page");
frame.style.width = params.get("width") + "px";
frame.onload = function () {
  var d = frame.contentDocument;
  var button = d.querySelector(".docharness-tabbar button[data-tab=python]");
  if (button) { button.click(); }
  setTimeout(function () {
    var shown = Array.prototype.map.call(d.querySelectorAll(".docharness-tabs"), function (group) {
      return Array.prototype.filter.call(group.children, function (p) {
        return p.classList.contains("docharness-tab") && !p.hidden;
      }).map(function (p) { return p.className; });
    });
    var result = {
      badges: Array.prototype.map.call(d.querySelectorAll(".docharness-badge"),
                                       function (b) { return b.textContent.trim(); }),
      copyButtons: d.querySelectorAll("button.copybtn").length,
      codeBlocks: d.querySelectorAll("div.highlight pre").length,
      shown: shown,
      overflow: d.documentElement.scrollWidth - frame.clientWidth
    };
    document.body.setAttribute("data-probe", JSON.stringify(result));
  }, 300);
};
frame.src = params.get("page");
</script></body></html>
"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); .ci/run installs it")
    out = tmp_path_factory.mktemp("pages")
    assert main(["run", "--config", str(ROOT / "docs_src" / "docharness.toml"), "--out", str(out)]) == 0
    site = out / "site"
    (site / "probe.html").write_text(PROBE, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", "--virtual-time-budget=8000",
               *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def probe(site: str, profile: Path, page: str, width: int) -> dict[str, object]:
    done = chromium(profile, f"--window-size={width},1000", "--dump-dom", f"{site}/probe.html?page=/{page}&width={width}")
    data = html.fromstring(done.stdout).xpath("//body/@data-probe")
    assert data, f"the probe measured nothing on {page}"
    result: dict[str, object] = json.loads(str(data[0]))
    return result


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("source", sorted(PAGES))
def test_operation_page_reads_and_works_at_each_width(served_site: str, tmp_path: Path, source: str,
                                                     width: str) -> None:
    found = probe(served_site, tmp_path / "profile", PAGES[source], WIDTHS[width])
    badges = found["badges"]
    assert isinstance(badges, list) and badges
    expected = "verified (exact match) " if source == "asciidoc" else "shape-checked (keys and types only; " \
                                                                       "values not compared) "
    assert any(b.startswith(expected + REFERENCE) for b in badges), badges
    assert not any("127.0.0.1" in b for b in badges)
    assert found["copyButtons"] == found["codeBlocks"] and found["copyButtons"]
    shown = found["shown"]
    assert isinstance(shown, list) and shown
    assert all(len(group) == 1 and "docharness-lang-python" in group[0] for group in shown)  # the click switched
    assert found["overflow"] == 0, f"{PAGES[source]} is {found['overflow']}px wider than a {width} screen"


@pytest.mark.parametrize("source", sorted(PAGES))
def test_screenshots_of_each_format_are_kept(served_site: str, tmp_path: Path, source: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, pixels in WIDTHS.items():
        shot = ARTIFACTS / f"page-{source}-{width}.png"
        shot.unlink(missing_ok=True)
        chromium(tmp_path / f"profile-{width}", f"--window-size={pixels},2000", f"--screenshot={shot}",
                 f"{served_site}/{PAGES[source]}")
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_search_results_show_paths_as_written(served_site: str, tmp_path: Path) -> None:
    done = chromium(tmp_path / "profile", "--window-size=1280,1000", "--dump-dom",
                    f"{served_site}/search.html?q=feed_id")
    links = [" ".join(a.text_content().split()) for a in html.fromstring(done.stdout).xpath("//*[@id='search-results']//a")]
    assert any("<feed_id>" in text for text in links), links
    assert not any("&lt;" in text or "&gt;" in text for text in links)
