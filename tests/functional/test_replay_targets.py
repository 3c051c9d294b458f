"""Where requests go: reset steps stay with their target, headers with their source (real servers)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from remote_names import remote_name_on_loopback

TOKEN = "cloud-token-3c2b1a0f"
GET_PAGE = """\
[source,js]
----
GET library/_doc/1
----
// CONSOLE

[source,js]
----
{"title": "Dune"}
----
// TESTRESPONSE

[source,js]
----
GET library/_doc/2
----
// CONSOLE
"""
CLOUD_PAGE = """\
[source,js]
----
GET /v1.0/{project_id}/library/books
----
// CONSOLE
"""
REFERENCE = """
[targets.reference]
url = "embedded"
reset = \"\"\"
POST /_reference/reset
\"\"\"
"""
SOURCES = """
[[sources]]
paths = ["elasticsearch/**"]
family = "elasticsearch"

[[sources]]
paths = ["cloud/**"]
family = "cloud"
headers = { X-Auth-Token = { env = "DOCHARNESS_TOKEN" } }

[variables]
project_id = "p-42"
"""


class Recorder(ThreadingHTTPServer):
    """A read-only page server: GET answers a JSON book, any other method the stdlib's 501."""

    daemon_threads = True
    seen: list[tuple[str, str, dict[str, str]]]

    @property
    def url(self) -> str:
        """The loopback URL of the server."""
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        self.server.seen.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        body = json.dumps({"title": "Dune"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def page_server(host: str = "127.0.0.1") -> Iterator[Recorder]:
    server = Recorder((host, 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)



def project(tmp_path: Path, config: str, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs_src"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    (docs / "docharness.toml").write_text(config, encoding="utf-8")
    return tmp_path


def report(path: str = "r.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def test_target_override_leaves_the_configured_reset_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path, REFERENCE, {"elasticsearch/get.asciidoc": GET_PAGE}))
    with page_server() as pages:
        assert main(["replay", "--target", pages.url, "--report", "r.json"]) == 0
    assert [method for method, _, _ in pages.seen] == ["GET", "GET"]
    results = report()["results"]
    assert [r["outcome"] for r in results] == ["passed", "passed"]
    assert [e["phase"] for r in results for e in r["exchanges"]] == ["test", "test"]
    (notice,) = report()["diagnostics"]
    assert (notice["level"], notice["code"]) == ("info", "reset-not-run")
    out = capsys.readouterr().out
    assert out.count("info[reset-not-run]: the reset steps of target 'reference' are not run") == 1
    assert "reset_on_override = true" in out


def test_reset_on_override_sends_the_reset_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = REFERENCE.replace('url = "embedded"', 'url = "embedded"\nreset_on_override = true')
    monkeypatch.chdir(project(tmp_path, config, {"elasticsearch/get.asciidoc": GET_PAGE}))
    with page_server() as pages:
        assert main(["replay", "--target", pages.url, "--report", "r.json"]) == 1
    first = report()["results"][0]
    assert first["outcome"] == "error" and first["failures"][0]["kind"] == "setup_failed"
    assert "reset reset: POST " in first["failures"][0]["message"] and "answered 501" in first["failures"][0]["message"]


def test_target_embedded_runs_the_reference_servers_own_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = "[targets.live]\nurl = 'http://127.0.0.1:9'\nreset = 'DELETE /_all'\n"
    page = "[source,js]\n----\nGET _xpack/rollup/job/_all\n----\n// CONSOLE\n"
    monkeypatch.chdir(project(tmp_path, config, {"page.asciidoc": page}))
    assert main(["replay", "--target", "embedded", "--report", "r.json"]) == 0
    (result,) = report()["results"]
    assert [(e["phase"], e["method"], e["url"].split("/", 3)[-1]) for e in result["exchanges"]] == [
        ("test", "GET", "_xpack/rollup/job/_all?error_trace=true"), ("reset", "POST", "_reference/reset")]


def test_a_remote_target_runs_get_pages_and_says_once_that_its_reset_was_not_sent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    post = "[source,js]\n----\nPOST library/_close\n----\n// CONSOLE\n"
    address = remote_name_on_loopback(monkeypatch)
    with page_server() as pages:
        config = REFERENCE.replace('"embedded"', f'"http://{address}:{pages.server_address[1]}"')
        monkeypatch.chdir(project(tmp_path, config, {"a/get.asciidoc": GET_PAGE, "b/get.asciidoc": GET_PAGE,
                                                     "c/post.asciidoc": post}))
        assert main(["replay", "--report", "r.json"]) == 0
    assert [m for m, _, _ in pages.seen] == ["GET"] * 4  # no reset, no POST
    outcomes = [(r["document"].split("/")[-2], r["outcome"]) for r in report()["results"]]
    assert outcomes == [("a", "passed"), ("a", "passed"), ("b", "passed"), ("b", "passed"), ("c", "skipped")]
    assert "POST changes state" in report()["results"][-1]["reason"]
    (notice,) = report()["diagnostics"]
    assert (notice["level"], notice["code"]) == ("warning", "reset-not-sent")
    assert notice["span"]["line"] == 4  # the reset key of the target
    out = capsys.readouterr().out
    assert out.count("warning[reset-not-sent]") == 1 and "--allow-writes" in out


def test_a_source_header_goes_with_that_source_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DOCHARNESS_TOKEN", TOKEN)
    monkeypatch.chdir(project(tmp_path, REFERENCE + SOURCES, {"elasticsearch/get.asciidoc": GET_PAGE,
                                                              "cloud/books.asciidoc": CLOUD_PAGE}))
    with page_server() as pages:
        assert main(["replay", "--target", pages.url, "--report", "r.json"]) == 0
        assert main(["replay", "--target", pages.url, "--dry-run"]) == 0
    tokens = {path.split("?")[0]: headers.get("x-auth-token") for _, path, headers in pages.seen}
    assert tokens == {"/library/_doc/1": None, "/library/_doc/2": None, "/v1.0/p-42/library/books": TOKEN}
    sent = {r["document"].split("/")[1]: [h for e in r["exchanges"] for h in e["request_headers"]]
            for r in report()["results"]}
    assert ["X-Auth-Token", "***"] in sent["cloud"] and not any(h[0] == "X-Auth-Token" for h in sent["elasticsearch"])
    out = capsys.readouterr().out
    assert TOKEN not in out and TOKEN not in Path("r.json").read_text(encoding="utf-8")
    cloud_plan = out[out.index("cloud/books.asciidoc::"):]
    assert "X-Auth-Token: ***" in cloud_plan and "X-Auth-Token" not in out[:out.index("cloud/books.asciidoc::")]


def test_an_unset_source_secret_gets_a_per_run_token_on_the_embedded_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCHARNESS_TOKEN", raising=False)
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(repo)
    # the cloud APIs answer 401 without the token the server was told to accept
    assert main(["replay", "docs_src/cloud", "--report", str(tmp_path / "r.json")]) == 0
    results = report(str(tmp_path / "r.json"))["results"]
    assert results and all(r["outcome"] == "passed" for r in results)
    assert all(["X-Auth-Token", "***"] in e["request_headers"] for r in results for e in r["exchanges"]
               if e["phase"] != "reset")


def test_an_unset_source_secret_for_a_live_target_names_the_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DOCHARNESS_TOKEN", raising=False)
    config = "[targets.live]\nurl = 'http://127.0.0.1:9'\ntimeout = 1\n" + SOURCES
    monkeypatch.chdir(project(tmp_path, config, {"cloud/books.asciidoc": CLOUD_PAGE,
                                                 "elasticsearch/get.asciidoc": GET_PAGE}))
    # the Elasticsearch pages need no token: they run (and fail, nothing listens on port 9)
    assert main(["replay", "docs_src/elasticsearch", "--report", "r.json"]) == 1
    assert {r["failures"][0]["kind"] for r in report()["results"]} == {"connection"}
    capsys.readouterr()
    assert main(["replay", "--report", "all.json"]) == 2
    assert report("all.json")["results"] == []  # said before anything was sent
    err = capsys.readouterr().err
    line = config.splitlines().index('headers = { X-Auth-Token = { env = "DOCHARNESS_TOKEN" } }') + 1
    assert f"docharness.toml:{line}: environment variable DOCHARNESS_TOKEN is not set; sources entry 2 " \
           "(cloud/**) sends it as the X-Auth-Token header" in err
