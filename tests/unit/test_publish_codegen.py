"""The code tabs: snapshot per seed example, and the snippets really send the documented request.

The snapshots (tests/golden/codegen/) pin the exact text readers copy. The
execution tests run the generated curl command and Python snippet against a
real loopback HTTP server and compare what arrived with the model's request:
method, path with placeholders filled from variables, body, and the secret
header taken from the environment (never written in the snippet).
"""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.model import BodyKind, Document, Parameter, Request
from harness.parsers.loader import load
from harness.publish.codegen import CodegenOptions, env_name, options_for, render, render_curl, render_python
from harness.publish.naming import slug

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs_src"
GOLDEN = ROOT / "tests" / "golden" / "codegen"
UPDATE = os.environ.get("DOCHARNESS_UPDATE_GOLDEN") == "1"
TOKEN = "s3cr3t-token-value"


# the five seed pages (other pages in docs_src come and go with the server's coverage)
SEEDS = ["elasticsearch/rollup/stop-job.asciidoc", "elasticsearch/rollup/start-job.asciidoc",
         "elasticsearch/ml/close-job.asciidoc", "cloud/cdm/stopping_a_job.rst", "cloud/dli/stopping_jobs_in_batches.html"]


def seed_documents() -> list[Document]:
    return load([DOCS / seed for seed in SEEDS], root=DOCS)


def seed_cases() -> list[tuple[str, Document, int]]:
    cases = []
    for document in seed_documents():
        for index, example in enumerate(document.examples):
            if example.requests:
                cases.append((f"{slug(document.path)}--{example.name}", document, index))
    return cases


CASES = seed_cases()


def test_every_seed_page_has_examples_to_snapshot() -> None:
    pages = {case[1].path for case in CASES}
    assert pages == set(SEEDS)


@pytest.mark.parametrize("language,suffix", [("curl", "curl.sh"), ("python", "py")])
@pytest.mark.parametrize("name,document,index", CASES, ids=[c[0] for c in CASES])
def test_snapshot(name: str, document: Document, index: int, language: str, suffix: str) -> None:
    example = document.examples[index]
    options = options_for(document.operations[0].parameters if document.operations else ())
    text = "\n".join(render(language, request, options) for request in example.requests)
    golden = GOLDEN / f"{name}.{suffix}"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"golden file rewritten: {golden.name}")
    assert golden.is_file(), f"missing {golden}; run with DOCHARNESS_UPDATE_GOLDEN=1 and review the diff"
    assert text == golden.read_text(encoding="utf-8")


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.received.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                              "body": body.decode("utf-8")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _record

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def recorder() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _environment(base_url: str, request: Request) -> tuple[dict[str, str], str]:
    """The environment a reader would set, and the path the server should then see."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update({"DOCHARNESS_URL": base_url, "DOCHARNESS_TOKEN": TOKEN, "NO_PROXY": "127.0.0.1"})
    path = request.path if request.path.startswith("/") else "/" + request.path

    def fill(found: re.Match[str]) -> str:
        name = found.group(1) or found.group(2)
        env[env_name(name)] = f"value-of-{env_name(name).lower()}"
        return env[env_name(name)]

    return env, re.sub(r"\{([A-Za-z_][\w.-]*)\}|<([A-Za-z_][\w.-]*)>", fill, path)


def _run(language: str, code: str, env: dict[str, str]) -> None:
    command = ["bash", "-c", code] if language == "curl" else [sys.executable, "-c", code]
    if language == "curl":
        command[2] = code.rstrip("\n") + " --silent --show-error --output /dev/null"
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


REQUESTS = [
    Request("POST", "_xpack/rollup/job/sensor/_stop"),
    Request("GET", "/_cat/indices?v&h=index"),
    Request("POST", "/v1.0/{project_id}/streaming/jobs/stop", '{"job_ids": [128, 137], "note": "it\'s $HOME `x` \\"q\\""}',
            BodyKind.JSON, (("X-Auth-Token", "literal-value-from-page"),)),
    Request("PUT", "_bulk?refresh", '{"index":{"_id":"1"}}\n{"a":"b"}', BodyKind.NDJSON),
    Request("DELETE", "_xpack/rollup/job/<job_id>"),
    # an HTTP-message example: its Host and Content-Length are the page's example, not the reader's request
    Request("PUT", "/v1/{project_id}/acl", '{"acl": "private"}', BodyKind.JSON,
            (("Host", "examplebucket.obs.example.com"), ("Content-Length", "727"))),
]


@pytest.mark.parametrize("language", ["curl", "python"])
@pytest.mark.parametrize("request_", REQUESTS + [r for _, d, i in CASES for r in d.examples[i].requests],
                         ids=lambda r: f"{r.method} {r.path[:40]}")
def test_generated_code_sends_the_documented_request(recorder: str, language: str, request_: Request) -> None:
    options = CodegenOptions(add_headers=("X-Auth-Token",))
    code = render(language, request_, options)
    assert "literal-value-from-page" not in code and TOKEN not in code
    env, expected_path = _environment(recorder, request_)
    _Recorder.received.clear()
    _run(language, code, env)
    (got,) = _Recorder.received
    assert got["method"] == request_.method
    assert got["path"] == expected_path
    headers = {k.lower(): v for k, v in got["headers"].items()}  # type: ignore[attr-defined]
    assert headers["x-auth-token"] == TOKEN
    assert headers["host"] == recorder.removeprefix("http://")  # never a Host copied from the page
    if request_.body is None:
        assert got["body"] == ""
    elif request_.body_kind is BodyKind.JSON:
        assert json.loads(str(got["body"])) == json.loads(request_.body)
    else:
        assert str(got["body"]).rstrip("\n") == request_.body.rstrip("\n")
        assert str(got["body"]).endswith("\n")


def test_secret_headers_are_environment_references_in_both_languages() -> None:
    request = Request("GET", "/v1/x", headers=(("Authorization", "Bearer abc"), ("X-Api-Key", "k-123"),
                                               ("Accept", "application/json")))
    curl, python = render_curl(request), render_python(request)
    for code in (curl, python):
        assert "Bearer abc" not in code and "k-123" not in code
        assert "application/json" in code  # ordinary headers stay literal
    assert '-H "Authorization: $DOCHARNESS_AUTHORIZATION"' in curl
    assert '"X-Api-Key": os.environ["DOCHARNESS_X_API_KEY"]' in python


def test_documented_secret_headers_are_added_only_when_the_operation_names_them() -> None:
    documented = (Parameter("X-Auth-Token", "header", True), Parameter("job_id", "path", True))
    assert options_for(documented).add_headers == ("X-Auth-Token",)
    assert options_for((Parameter("X-Trace", "header"),)).add_headers == ()
    assert "X-Auth-Token" not in render_curl(Request("GET", "/x"))


def test_unknown_language_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="curl, python"):
        render("ruby", Request("GET", "/"))


# text a page could put in a path or body: quotes, $, backticks, backslashes, newlines, unicode
page_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(page_text)
def test_shell_quoting_survives_bash_unchanged(text: str) -> None:
    from harness.publish.codegen import _dq, _sq

    script = f'printf %s {_sq(text)}; printf "|"; printf %s "{_dq(text)}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, timeout=30, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0
    assert done.stdout.decode("utf-8", "surrogateescape") == f"{text}|{text}"


@settings(max_examples=60, deadline=None)
@given(page_text, page_text)
def test_python_snippet_is_valid_python_holding_the_exact_path_and_body(segment: str, value: str) -> None:
    path = "/x/" + segment.replace("{", "").replace("}", "").replace("<", "").replace(">", "")
    code = render_python(Request("POST", path, json.dumps({"v": value}), BodyKind.JSON))
    tree = compile(code, "<snippet>", "exec", dont_inherit=True)  # a SyntaxError fails the test
    assert tree is not None
    namespace: dict[str, object] = {}
    url_line = next(line.strip() for line in code.split("\n") if line.strip().startswith('f"'))
    namespace["base_url"] = ""
    assert eval(url_line.rstrip(","), namespace) == path  # noqa: S307 - our own generated literal
