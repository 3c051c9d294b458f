"""Credentials a page writes into its example request (curl ``-u``/``--user``/``--basic``, an
``Authorization`` header) are examples: warned at file:line, never sent, never repeated in any output.

Before, ``-u user:pass`` was dropped silently (the request went without auth and nothing said so) and a
literal ``Authorization`` header was sent as written and shown in the reports. A header whose value is a
``{placeholder}`` is the run's own credential (filled from its variables) and is still sent. Real loopback
server, real files.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config

from harness.cli import main

pytest_plugins = ["pytester"]

PASSWORD = "Sup3rS3cret!x"
BASIC = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
PAGE = f"""Querying jobs
=============

URI
---

GET /v1/{{project_id}}/jobs

Example Request
---------------

.. code-block::

   curl -u admin:{PASSWORD} -X GET "https://{{endpoint}}/v1/{{project_id}}/jobs"

.. code-block::

   curl --basic --user admin -H "Authorization: Basic {BASIC}" "https://{{endpoint}}/v1/{{project_id}}/jobs"

.. code-block::

   curl -H "Authorization: Bearer {{token}}" "https://{{endpoint}}/v1/{{project_id}}/jobs"

Example Response
----------------

.. code-block::

   {{"jobs": []}}
"""


def test_page_credentials_are_warned_never_sent_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    heads: list[str] = []

    def record(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        heads.append(head.decode("latin-1"))
        conn.sendall(fs.answer(200, b'{"jobs": []}'))

    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs.rst").write_text(PAGE, encoding="utf-8")
    with fs.fault_server(record) as server:
        config = cloud_config(server.url, "rst", "exact").replace('project_id = "p1"\n',
                                                                  'project_id = "p1"\ntoken = "run-token-7"\n')
        (tmp_path / "docharness.toml").write_text(config, encoding="utf-8")
        code = main(["replay", "--no-cache", "--report", "results.json", "--junit", "junit.xml", "--html",
                     "report.html", "--annotations", "github"])
        main(["replay", "--no-cache", "--dry-run"])
        main(["extract", "--no-cache", "jobs.rst"])
    out = capsys.readouterr()
    assert code == 0, out.out
    assert len(heads) == 3
    sent = [[line for line in head.split("\r\n") if line.lower().startswith("authorization:")] for head in heads]
    assert sent == [[], [], ["Authorization: Bearer run-token-7"]]  # only the run's own credential goes
    warnings = [d for d in json.loads((tmp_path / "results.json").read_text())["diagnostics"]
                if d["code"] == "page-credentials"]
    assert [(w["span"]["line"], w["message"].split(":")[0]) for w in warnings] == [
        (14, "the curl command authenticates with -u"), (18, "the curl command authenticates with --basic --user"),
        (18, "the request's Authorization header is the page's example credential")]
    outputs = {"terminal": out.out + out.err, "results": (tmp_path / "results.json").read_text(),
               "junit": (tmp_path / "junit.xml").read_text(), "html": (tmp_path / "report.html").read_text()}
    for name, text in outputs.items():
        for secret in (PASSWORD, BASIC):
            assert secret not in text, f"{secret} in {name}"
    assert "page-credentials" in outputs["terminal"] and "jobs.rst:14" in outputs["terminal"]


TOKEN = "MIIpageT0kenXyz9"
SECURITY = "SecTok3nAbc/+q"
CLOUD_PAGE = f"""Listing jobs
============

URI
---

GET /v1/{{project_id}}/jobs

Example Request
---------------

.. code-block::

   curl -H "X-Auth-Token: {TOKEN}" "https://{{endpoint}}/v1/{{project_id}}/jobs"

.. code-block:: text

   GET https://{{endpoint}}/v1/{{project_id}}/jobs
   X-Auth-Token: {TOKEN}
   X-Security-Token: {SECURITY}

.. code-block::

   curl -H "X-Auth-Token: {{token}}" "https://{{endpoint}}/v1/{{project_id}}/jobs"

Example Response
----------------

.. code-block::

   {{"jobs": []}}
"""


def test_every_credential_header_follows_the_one_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A page's literal ``X-Auth-Token`` / ``X-Security-Token`` (cloud IAM credentials) is warned, never sent and
    masked everywhere, like a literal ``Authorization``, when the target configures none; a ``{token}`` value
    is filled from the run's variables and sent. The target answers 401 without a token, so the failures are
    rendered with the page's curl line (which holds the literal token) in every report."""
    heads: list[str] = []

    def guarded(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        text = head.decode("latin-1")
        heads.append(text)
        authorised = any(line.lower().startswith("x-auth-token:") for line in text.split("\r\n"))
        conn.sendall(fs.answer(200, b'{"jobs": []}') if authorised else fs.answer(401, b'{"error": "no token"}'))

    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs.rst").write_text(CLOUD_PAGE, encoding="utf-8")
    with fs.fault_server(guarded) as server:
        config = cloud_config(server.url, "rst", "exact").replace('project_id = "p1"\n',
                                                                  'project_id = "p1"\ntoken = "run-token-7"\n')
        (tmp_path / "docharness.toml").write_text(config, encoding="utf-8")
        code = main(["replay", "--no-cache", "--report", "results.json", "--junit", "junit.xml", "--html",
                     "report.html", "--annotations", "github"])
        main(["replay", "--no-cache", "--dry-run"])
        main(["extract", "--no-cache", "jobs.rst"])
        main(["extract", "--no-cache", "--json", "jobs.rst"])  # the model as printed: its credentials masked
    assert main(["publish", "--config", "docharness.toml", "--results", "results.json", "--out", "site"]) == 0
    out = capsys.readouterr()
    assert code == 1, out.out  # the two examples whose only token was the page's own went without one
    assert len(heads) == 3
    sent = [[line for line in head.split("\r\n") if line.lower().startswith(("x-auth-token:", "x-security-token:"))]
            for head in heads]
    assert sent == [[], [], ["X-Auth-Token: run-token-7"]]
    warnings = [d for d in json.loads((tmp_path / "results.json").read_text())["diagnostics"]
                if d["code"] == "page-credentials"]
    assert [(w["span"]["line"], w["message"].split(":")[0]) for w in warnings] == [
        (14, "the request's X-Auth-Token header is the page's example credential"),
        (18, "the request's X-Auth-Token header is the page's example credential"),
        (18, "the request's X-Security-Token header is the page's example credential")]
    outputs = {"terminal": out.out + out.err, "results": (tmp_path / "results.json").read_text(),
               "junit": (tmp_path / "junit.xml").read_text(), "html": (tmp_path / "report.html").read_text()}
    assert "jobs.rst:14" in outputs["terminal"] and "401" in outputs["terminal"]
    pages = [p for p in (tmp_path / "site").rglob("*") if p.suffix in (".html", ".rst", ".json", ".js", ".txt")]
    assert any("X-Auth-Token: ***" in p.read_text(errors="replace") for p in pages if p.suffix == ".html")
    outputs.update({str(p): p.read_text(errors="replace") for p in pages})
    for name, text in outputs.items():
        for secret in (TOKEN, SECURITY):
            assert secret not in text, f"{secret} in {name}"


def test_pytest_never_quotes_a_page_credential(pytester: pytest.Pytester) -> None:
    """pytest's warnings summary quotes the warned line of the page itself (through linecache): the plugin gives
    it the masked line, as every docharness output shows it."""
    (pytester.path / "jobs.rst").write_text(CLOUD_PAGE, encoding="utf-8")
    with fs.fault_server(lambda conn, head, stop: conn.sendall(fs.answer(200, b'{"jobs": []}'))) as server:
        config = cloud_config(server.url, "rst", "exact").replace('project_id = "p1"\n',
                                                                  'project_id = "p1"\ntoken = "run-token-7"\n')
        (pytester.path / "docharness.toml").write_text(config, encoding="utf-8")
        result = pytester.runpytest_subprocess("jobs.rst", "-p", "no:cacheprovider", "-p", "no:randomly", "-rA")
    result.stdout.fnmatch_lines(["*DocumentWarning: warning?page-credentials?: the request's X-Auth-Token header*",
                                 '*curl -H "X-Auth-Token: ***"*'])
    for secret in (TOKEN, SECURITY):
        assert secret not in result.stdout.str() + result.stderr.str()
