"""The published site in a real browser: headless Chromium switches a code tab.

The site is built from docs_src and served by http.server on a loopback port.
Chromium opens a page with ``#tab=python``; the extension's script must then show
the Python tab in every example and hide the others. The dumped DOM is checked,
and a screenshot is kept under generated/artifacts/ for people to look at.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html

from harness.commands.publish import build
from harness.parsers.loader import load

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs_src"
ARTIFACTS = ROOT / "generated" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE = "ops/cloud-cdm-stopping-a-job.html"


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); .ci/run installs it")
    out = tmp_path_factory.mktemp("browser")
    index = build(load([DOCS / "elasticsearch", DOCS / "cloud"], root=DOCS), None, out, source_root=DOCS)
    handler = functools.partial(_QuietHandler, directory=str(index.parent))
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
               "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def tab_state(dom: str) -> tuple[str | None, list[dict[str, bool]]]:
    """The page's selected tab, and per tab group which panels are visible."""
    root = html.fromstring(dom)
    groups = []
    for group in root.xpath("//div[contains(@class, 'docharness-tabs')]"):
        panels = group.xpath("./div[contains(@class, 'docharness-tab ')]")
        buttons = group.xpath(".//div[@class='docharness-tabbar']/button")
        assert [b.get("data-tab") for b in buttons] == ["documented", "curl", "python"]
        state = {}
        for panel in panels:
            key = next(c for c in panel.get("class").split() if c.startswith("docharness-lang-"))[16:]
            state[key] = panel.get("hidden") is None
        groups.append(state)
    return root.get("data-docharness-tab"), groups


def test_fragment_selects_the_python_tab_everywhere(served_site: str, tmp_path: Path) -> None:
    done = chromium(tmp_path / "profile", "--dump-dom", f"{served_site}/{PAGE}#tab=python")
    selected, groups = tab_state(done.stdout)
    assert selected == "python"
    assert groups and all(g == {"documented": False, "curl": False, "python": True} for g in groups)
    shown = html.fromstring(done.stdout).xpath("//div[contains(@class, 'docharness-lang-python')]//pre")[0]
    assert 'os.environ["DOCHARNESS_TOKEN"]' in shown.text_content()


def test_without_a_fragment_the_documented_form_shows_first(served_site: str, tmp_path: Path) -> None:
    done = chromium(tmp_path / "profile", "--dump-dom", f"{served_site}/{PAGE}")
    selected, groups = tab_state(done.stdout)
    assert selected == "documented"
    assert all(g == {"documented": True, "curl": False, "python": False} for g in groups)


def test_screenshot_is_kept_as_an_artefact(served_site: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "publish-tab-python.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path / "profile", "--window-size=1280,2400", f"--screenshot={shot}", f"{served_site}/{PAGE}#tab=python")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
