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
    # --data-urlencode and --url-query encode the content as curl does ("name=" kept, "+" sent as is)
    ("curl -X PUT https://h/v1/o --data-urlencode 'text=a b&c'", "PUT", "https://h/v1/o", "text=a%20b%26c"),
    ("curl https://h/v1/o -G --url-query 'q=a b' --url-query '+x=1 2'", "GET", "https://h/v1/o?q=a%20b&x=1 2", None),
    ("curl https://h/v1/o -X PUT --url-query version=2 -d '{}'", "PUT", "https://h/v1/o?version=2", "{}"),
    # the command ends at a pipe or a redirection
    ("curl -s https://h/v1/jobs | jq .", "GET", "https://h/v1/jobs", None),
    ("curl -s https://h/v1/jobs > out.json", "GET", "https://h/v1/jobs", None),
])
def test_what_curl_would_send(command: str, method: str, url: str, body: str | None) -> None:
    parsed = parse_curl(command)
    assert parsed is not None and (parsed.method, parsed.url, parsed.body) == (method, url, body)


@pytest.mark.parametrize("command", [
    'curl -F "file=@a.jar" https://h/v1/jars/upload',  # a multipart form: not a body to send
    "curl -d '{\"a\": 1}' -d @body.json https://h/v1/x",  # part of the body is a file the page does not show
    "curl --happy-eyeballs-timeout-ms 5 https://h/v1/x",  # an option this reader does not know took a value
    "curl https://h/v1/x --happy-eyeballs-timeout-ms 5",  # the same after the URL: never silently dropped
    "curl -T ./object.bin https://h/v1/o",  # an upload (PUT) of a file the page does not show
    "curl -X PUT https://h/v1/o --data-urlencode text@notes.txt",  # urlencoded content of a file
    "curl -X PUT https://h/v1/o -H @headers.txt -d '{}'",  # headers read from a file
    "curl -K request.cfg https://h/v1/o",  # options read from a file
    "curl https://h/v1/a https://h/v1/b",  # two URLs: two requests this reader cannot pair
    "curl -X POST https://h/v1/a -d '{}' && curl https://h/v1/a/1",  # a second command, never dropped unsaid
])
def test_what_cannot_be_read_is_said_not_guessed(command: str) -> None:
    assert parse_curl(command) is None


def test_json_sets_its_headers_and_each_unreadable_command_says_why() -> None:
    from harness.parsers.cloud_curl import read_curl

    found = parse_curl("curl -X PUT https://h/v1/o --json '{\"a\": 2}' -H 'Accept: text/plain'")
    assert found is not None and found.body == '{"a": 2}'
    assert found.headers == (("Accept", "text/plain"), ("Content-Type", "application/json"))
    assert read_curl("curl -T f.bin https://h/v1/o") == "the curl command uploads a file the page does not show (-T)"
    assert "@body.json" in str(read_curl("curl -d @body.json https://h/v1/o"))


def test_a_request_line_before_a_curl_command_is_kept() -> None:
    from harness.model import Span
    from harness.parsers.cloud_requests import split_block

    text = 'POST https://h/v1/p/jobs\n{"name": "b"}\n\ncurl -X DELETE https://h/v1/p/jobs/1\n'
    chunks = split_block(text, Span("p.rst", 10), 11)
    assert [(c.line.method, c.line.target) for c in chunks if c.line] == [
        ("POST", "https://h/v1/p/jobs"), ("DELETE", "https://h/v1/p/jobs/1")]
    assert chunks[0].body.strip() == '{"name": "b"}'


@pytest.mark.parametrize("command,reason", [
    ('curl -X POST "https://h/v1/jobs" -d "$(cat body.json)"', "runs a shell command ($(cat body.json)"),
    ("curl -X POST https://h/v1/jobs -d `cat body.json`", "runs a shell command (`cat body.json`"),
    ('curl -X POST https://h/v1/jobs -d "{\\"name\\": \\"$NAME\\"}"', "the curl body uses the shell variable $NAME"),
    ('curl -X GET "https://h/v1/${PROJECT_ID}/jobs"', "the curl URL uses the shell variable ${PROJECT_ID}"),
])
def test_a_shell_expansion_is_said_not_sent_as_written(command: str, reason: str) -> None:
    """The shell pastes in what the page does not show; before, "$(cat body.json)" went out as the body."""
    from harness.parsers.cloud_curl import read_curl

    assert reason in str(read_curl(command))


@pytest.mark.parametrize("command,body,headers", [
    ("curl -X POST https://h/v1/jobs -d '{\"price\": \"$5\", \"v\": \"$LATEST\"}'", '{"price": "$5", "v": "$LATEST"}',
     ()),  # single quotes: the shell expands nothing
    ('curl -X POST https://h/v1/jobs -H "X-Auth-Token: $TOKEN" -d \'{}\'', "{}", (("X-Auth-Token", "$TOKEN"),)),
])
def test_what_the_shell_leaves_alone_is_read(command: str, body: str, headers: tuple[tuple[str, str], ...]) -> None:
    found = parse_curl(command)
    assert found is not None and (found.body, found.headers) == (body, headers)
