"""curl command lines as pages write them: clustered short options, -G, forms and file bodies."""

from __future__ import annotations

import pytest

from harness.parsers.cloud_curl import parse_curl


@pytest.mark.parametrize("command,method,url,body", [
    ('curl -sX DELETE "https://h/v1/jobs/1"', "DELETE", "https://h/v1/jobs/1", None),
    ("curl -sSXPOST https://h/v1/jobs -d '{}'", "POST", "https://h/v1/jobs", "{}"),
    ("curl -G -d name=x -d page=2 https://h/v1/jobs", "GET", "https://h/v1/jobs?name=x&page=2", None),
    ("curl -ik https://h/v1/jobs", "GET", "https://h/v1/jobs", None),
    ("curl --data-raw '@literal' https://h/v1/notes", "POST", "https://h/v1/notes", "@literal"),
])
def test_what_curl_would_send(command: str, method: str, url: str, body: str | None) -> None:
    parsed = parse_curl(command)
    assert parsed is not None and (parsed.method, parsed.url, parsed.body) == (method, url, body)


@pytest.mark.parametrize("command", [
    'curl -F "file=@a.jar" https://h/v1/jars/upload',  # a multipart form: not a body to send
    "curl -d '{\"a\": 1}' -d @body.json https://h/v1/x",  # part of the body is a file the page does not show
    "curl --retry-delay 5 https://h/v1/x",  # an option this reader does not know took a value
])
def test_what_cannot_be_read_is_said_not_guessed(command: str) -> None:
    assert parse_curl(command) is None


def test_a_request_line_before_a_curl_command_is_kept() -> None:
    from harness.model import Span
    from harness.parsers.cloud_requests import split_block

    text = 'POST https://h/v1/p/jobs\n{"name": "b"}\n\ncurl -X DELETE https://h/v1/p/jobs/1\n'
    chunks = split_block(text, Span("p.rst", 10), 11)
    assert [(c.line.method, c.line.target) for c in chunks if c.line] == [
        ("POST", "https://h/v1/p/jobs"), ("DELETE", "https://h/v1/p/jobs/1")]
    assert chunks[0].body.strip() == '{"name": "b"}'
