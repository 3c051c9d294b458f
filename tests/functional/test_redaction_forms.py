"""Every derived form of a secret is masked in every output (issue 12, item 2).

A real leaky server echoes the configured token and the credentials of a
``--target http://user:PASS@host`` URL back in every encoding a target might use:
JSON-escaped (``\\/``, ``\\uXXXX``), URL-encoded (``%2F`` and ``+``), base64
(standard and URL-safe, alone and inside a longer text), and the Basic
``Authorization`` value with its decoded ``user:password`` and the password alone.
The terminal, the dry run, results.json (target label, exchange URLs), JUnit, the
pytest plugin's output and the published site must hold none of them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

import fault_servers as fs
import pytest

from harness.cli import main
from harness.report.redact import Redactor

REPO = Path(__file__).resolve().parents[2]
TOKEN = "tok/9f8e+7d6c=5b4a secret"
USER, PASSWORD = "deploy", "pw/s3cr+et=9"
PAGE = "[source,js]\n----\nGET _leaky\n----\n// CONSOLE\n\n[source,js]\n----\n{\"ok\": true}\n----\n// TESTRESPONSE\n"
CONFIG = '[targets.leaky]\nurl = "{url}"\ntimeout = 5\n\n[targets.leaky.headers]\nX-Auth-Token = { env = "DOCHARNESS_TOKEN" }\n'

pytest_plugins = ["pytester"]


def forms(secret: str) -> list[str]:
    """The encodings a target may echo a secret in."""
    raw = secret.encode()
    escaped = json.dumps(secret)[1:-1]
    return [secret, escaped.replace("/", "\\/"), "".join(f"\\u{ord(c):04x}" for c in secret), quote(secret, safe=""),
            quote_plus(secret), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
            base64.b64encode(b"x:" + raw + b"!").decode(), base64.urlsafe_b64encode(b"ab" + raw).decode()]


def secret_forms() -> list[str]:
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    found = forms(TOKEN) + forms(PASSWORD) + forms(f"{USER}:{PASSWORD}") + [basic, f"Basic {basic}"]
    return [f for f in found if f != USER]


def _leaky(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Answers 400 with every header value of the request in every form."""
    values = [line.split(b":", 1)[1].strip().decode("latin-1") for line in head.split(b"\r\n")[1:] if b":" in line]
    echoed = {f"{i}.{j}": form for i, value in enumerate(values) for j, form in enumerate(forms(value))}
    echoed["password"] = PASSWORD
    echoed["userinfo"] = f"{USER}:{PASSWORD}"
    for basic in re.findall(r"Basic (\S+)", " ".join(values)):
        echoed["decoded"] = base64.b64decode(basic).decode()
    text = json.dumps({"error": echoed, "url": f"http://{USER}:{quote(PASSWORD, safe='')}@elsewhere/x"})
    conn.sendall(fs.answer(400, text.replace("/", "\\/").encode()))


def _assert_clean(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        for form in secret_forms():
            assert form not in text, f"{form!r} leaked into {name}"


def test_every_form_of_every_secret_is_masked_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "leak.asciidoc").write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("DOCHARNESS_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(_leaky) as leaky:
        (docs / "docharness.toml").write_text(CONFIG.replace("{url}", leaky.url), encoding="utf-8")
        with_credentials = leaky.url.replace("http://", f"http://{USER}:{quote(PASSWORD, safe='')}@")
        status = main(["replay", "--target", with_credentials, "--report", "out/results.json",
                       "--junit", "out/junit.xml"])
        dry = main(["replay", "--dry-run", "--target", with_credentials])
        published = main(["publish", "--results", "out/results.json", "--out", "site"])
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        plugin = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "docs_src",
                                 "--docharness-target", with_credentials, "-rA"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=300)
    captured = capsys.readouterr()
    assert (status, dry, published) == (1, 0, 0)
    results = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    site = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "site").rglob("*")
                   if p.is_file() and p.suffix in (".html", ".rst", ".json", ".txt", ".js"))
    outputs = {"stdout": captured.out, "stderr": captured.err, "results.json": results,
               "junit.xml": (tmp_path / "out" / "junit.xml").read_text(encoding="utf-8"), "site": site,
               "pytest": plugin.stdout + plugin.stderr}
    _assert_clean(outputs)
    # the target was reached and answered with the leak: the masks show where it would have been
    assert "leaky=http://deploy:***@127.0.0.1" in results and results.count("***") >= 20
    assert "http://deploy:***@127.0.0.1" in captured.out  # terminal header and dry-run URLs
    assert "1 failed" in plugin.stdout or "1 error" in plugin.stdout, plugin.stdout[-2000:]


def test_the_redactor_masks_mixed_and_nested_forms() -> None:
    redactor = Redactor([TOKEN, "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()])
    mixed = "tok\\/9f8e%2B7d6c\\u003d5b4a+secret"
    nested = json.dumps(json.dumps({"t": TOKEN}))
    html = "tok&#x2F;9f8e&#43;7d6c=5b4a&#32;secret"
    for text in (mixed, nested, html, *secret_forms()):
        assert redactor.text(f"[{text}]").count("***") >= 1, text
        for form in secret_forms():
            assert form not in redactor.text(text)
    assert redactor.text("no secret here, http://a:b@host/, https://tok@h") == "no secret here, http://a:***@host/, https://***@h"
