"""CAPTURE, RETRY and the TESTRESPONSE match items, in every format; no directive-looking line dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, parse_config
from harness.model import Capture, Document, FormPart, Level, MatchPolicy, Retry, Span
from harness.parsers import parse
from harness.parsers.json_paths import compile_path, path_error
from harness.parsers.live_directives import parse_capture_args, parse_duration, parse_retry_args

ASCIIDOC = """\
[source,js]
----
POST /jars/{jar_id}/run
----
// CONSOLE
// CAPTURE[job_id=$body.jobid first=$body.files.0.id where=$header.Location]
// RETRY[until:status=200 until:$body.state=RUNNING every:250ms timeout:1m]

[source,js]
----
{"jobid": "x", "now": 1}
----
// TESTRESPONSE[subset volatile:$.now,$.jobs[*].start-time]
"""

RST = """\
Run
===

Example Request
---------------

.. code-block:: text

   POST /jars/{jar_id}/run

.. CAPTURE[job_id=$body.jobid first=$body.files.0.id where=$header.Location]
.. RETRY[until:status=200 until:$body.state=RUNNING every:250ms timeout:1m]

Example Response
----------------

.. code-block:: json

   {"jobid": "x", "now": 1}

.. TESTRESPONSE[subset volatile:$.now,$.jobs[*].start-time]
"""

HTML = """\
<html><body><h1>Run</h1>
<h4 class="sectiontitle">Example Request</h4>
<pre class="screen">POST /jars/{jar_id}/run</pre>
<!-- CAPTURE[job_id=$body.jobid first=$body.files.0.id where=$header.Location] -->
<!-- RETRY[until:status=200 until:$body.state=RUNNING every:250ms timeout:1m] -->
<h4 class="sectiontitle">Example Response</h4>
<pre class="screen">{"jobid": "x", "now": 1}</pre>
<!-- TESTRESPONSE[subset volatile:$.now,$.jobs[*].start-time] -->
</body></html>
"""

PAGES = {"page.asciidoc": ASCIIDOC, "page.rst": RST, "page.html": HTML}


def codes(document: Document) -> list[str]:
    return [d.code for d in document.diagnostics]


@pytest.mark.parametrize("name", list(PAGES))
def test_capture_retry_and_match_items_in_every_format(name: str) -> None:
    document = parse(PAGES[name], name)
    assert not [d for d in document.diagnostics if d.level is Level.ERROR], document.diagnostics
    example = document.examples[0]
    assert [(c.name, c.source) for c in example.captures] == [
        ("job_id", "$body.jobid"), ("first", "$body.files.0.id"), ("where", "$header.Location")]
    assert example.retry is not None
    assert (example.retry.conditions, example.retry.every, example.retry.timeout) == (
        (("status", "200"), ("$body.state", "RUNNING")), 0.25, 60.0)
    expected = example.expected[0]
    assert expected.match is MatchPolicy.SUBSET
    assert expected.volatile == ("$.now", "$.jobs[*].start-time")
    capture_line = PAGES[name].splitlines().index(next(line for line in PAGES[name].splitlines()
                                                         if "CAPTURE[" in line)) + 1
    assert example.captures[0].span is not None and example.captures[0].span.line == capture_line


@pytest.mark.parametrize("policy", ["exact", "subset", "shape", "non_json"])
@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_can_ask_for_any_match_policy(name: str, policy: str) -> None:
    document = parse(PAGES[name].replace("subset volatile:$.now,$.jobs[*].start-time", policy), name)
    assert document.examples[0].expected[0].match is MatchPolicy(policy)


def test_capture_items_say_what_is_wrong_at_their_column() -> None:
    captures, problems = parse_capture_args("ok=$body.a bad=body.x =$body", "p", 3, 11)
    assert captures == (Capture("ok", "$body.a", Span("p", 3, 11, 3, 20)),)
    assert [(p.level, p.span.column) for p in problems] == [(Level.ERROR, 22), (Level.ERROR, 33)]
    assert "NAME=$body.path" in problems[0].message
    assert parse_capture_args("", "p", 1, 9)[1][0].message == "CAPTURE names nothing to capture"


@pytest.mark.parametrize("args,message", [
    ("every:1s", "RETRY has no until: condition"),
    ("until:$body.x", "RETRY condition '$body.x' is not SUBJECT=VALUE"),
    ("until:x=1", "RETRY condition 'x=1' is not SUBJECT=VALUE"),
    ("until:status=200 every:soon", "RETRY every:soon is not a duration from 10ms to 1h"),
    ("until:status=200 timeout:0s", "RETRY timeout:0s is not a duration from 10ms to 1h"),
    ("until:status=200 every:1ms", "RETRY every:1ms is not a duration from 10ms to 1h"),
    ("until:status=200 timeout:" + "9" * 400 + "s", "RETRY timeout:" + "9" * 400 + "s is not a duration from 10ms to 1h"),
    ("until:status=200 tries:3", "RETRY item 'tries:3' is not until:, every: or timeout:"),
])
def test_retry_problems_are_errors(args: str, message: str) -> None:
    retry, problems = parse_retry_args(args, "p", 1, 9)
    assert retry is None and [p.message for p in problems] == [message]


def test_capture_sources_may_keep_what_a_regex_matches() -> None:
    captures, problems = parse_capture_args("jar=$body.filename~[^/]+$ run=$body.x~run-(\\d+)", "p", 1, 9)
    assert problems == [] and [c.source for c in captures] == ["$body.filename~[^/]+$", "$body.x~run-(\\d+)"]
    assert parse_capture_args("jar=$body.filename~([", "p", 1, 9)[1][0].level is Level.ERROR
    assert parse_capture_args("jar=$body.filename~", "p", 1, 9)[1][0].level is Level.ERROR


def test_retry_defaults_and_durations() -> None:
    retry, problems = parse_retry_args("until:$body.status.id=COMPLETED", "p", 1, 9)
    assert problems == [] and retry == Retry((("$body.status.id", "COMPLETED"),), 0.5, 30.0, Span("p", 1, 8))
    assert [parse_duration(t) for t in ("500ms", "2s", "1.5m", "2h", "s")] == [0.5, 2.0, 90.0, None, None]


def test_a_bad_capture_makes_the_example_an_error_item() -> None:
    document = parse(ASCIIDOC.replace("first=$body.files.0.id", "first=files"), "page.asciidoc")
    assert "bad-directive-args" in codes(document) and document.has_errors


@pytest.mark.parametrize("name,line", [
    ("page.asciidoc", "// FROBNICATE[x]"), ("page.rst", ".. FROBNICATE[x]"),
    ("page.html", "<!-- FROBNICATE[x] -->")])
def test_unknown_directive_looking_lines_are_warned_in_every_format(name: str, line: str) -> None:
    marker = {"page.asciidoc": "// RETRY", "page.rst": ".. RETRY", "page.html": "<!-- RETRY"}[name]
    text = PAGES[name].replace(marker, f"{line}\n{marker}", 1)
    document = parse(text, name)
    found = [d for d in document.diagnostics if d.code == "unknown-directive"]
    assert len(found) == 1 and found[0].level is Level.WARNING and "FROBNICATE" in found[0].message
    assert found[0].span.line == text.splitlines().index(line) + 1


@pytest.mark.parametrize("name,text", [
    ("page.rst", "Run\n===\n\nSome prose.\n\n.. CAPTURE[x=$body.y]\n\n.. RETRY[until:status=200]\n"),
    ("page.html", "<html><body><h1>Run</h1><p>prose</p>\n<!-- CAPTURE[x=$body.y] -->\n</body></html>\n"),
])
def test_directive_comments_no_block_owns_are_warned(name: str, text: str) -> None:
    document = parse(text, name)
    stray = [d for d in document.diagnostics if d.code == "unpaired-directive"]
    assert stray and stray[0].message == "CAPTURE is not right after an example's code block, so it is ignored"
    assert stray[0].span.line == text.splitlines().index(next(x for x in text.splitlines() if "CAPTURE" in x)) + 1


def test_misplaced_capture_and_retry_on_a_response_are_warned() -> None:
    document = parse(ASCIIDOC.replace("// TESTRESPONSE[", "// CAPTURE[a=$body]\n// TESTRESPONSE["), "p.asciidoc")
    assert "misplaced-directive" in codes(document)
    rst = parse(RST.replace(".. TESTRESPONSE[", ".. RETRY[until:status=200]\n.. TESTRESPONSE["), "p.rst")
    assert "misplaced-directive" in codes(rst)


def test_volatile_paths() -> None:
    pattern = compile_path("$.jobs[*].start-time")
    assert pattern is not None and pattern.fullmatch("$.jobs[12].start-time")
    assert not pattern.fullmatch("$.jobs[1].end-time")
    deep = compile_path("$..id")
    assert deep is not None and deep.fullmatch("$.a[0].b.id") and deep.fullmatch("$.id")
    assert path_error("jobs") == "'jobs' does not start with '$'"
    assert path_error("$.a[") is not None and path_error("$['odd.key'].x") is None
    bad = parse(ASCIIDOC.replace("volatile:$.now", "volatile:now"), "p.asciidoc")
    assert [d.message for d in bad.diagnostics if d.code == "bad-volatile"] == [
        "volatile path 'now' does not start with '$'"]


CONFIG = """
[targets.live]
url = "http://127.0.0.1:8081"

[[sources]]
paths = ["flink/**"]
family = "cloud"
volatile = ["$.jobs[*].start-time", "$.now"]

[setups.upload_job_jar]
console = "POST /jars/upload"
multipart = { jarfile = { file = "../../generated/flink/job.jar", content_type = "application/x-java-archive" }, entry = "Main" }
capture = { jar_id = "$body.filename" }

[setups]
plain = "GET /"
"""


def test_table_setups_with_multipart_files_and_captures(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "flink" / "docharness.toml"
    config = parse_config(CONFIG, path)
    assert config.setups == {"upload_job_jar": "POST /jars/upload", "plain": "GET /"}
    jar = str((tmp_path / "generated" / "flink" / "job.jar").resolve())
    assert config.multipart["setups.upload_job_jar"] == (
        FormPart("jarfile", file=jar, content_type="application/x-java-archive"), FormPart("entry", value="Main"))
    assert [(c.name, c.source) for c in config.captures["setups.upload_job_jar"]] == [("jar_id", "$body.filename")]
    assert config.rules[0].volatile == ("$.jobs[*].start-time", "$.now")
    assert config.lines["setups.upload_job_jar"] == 10


@pytest.mark.parametrize("change,message", [
    # a misspelt key is caught by the key table first (harness/config_keys.py), with a did-you-mean hint
    ('console = "POST /jars/upload"', "unknown key `consol` in [setups.upload_job_jar]"),
    ('capture = { jar_id = "$body.filename" }', "capture.jar_id must be $body.path"),
    ('entry = "Main"', "multipart.entry must be a string or { file"),
    ('volatile = ["$.jobs[*].start-time", "$.now"]', "sources[0].volatile: 'now' does not start with '$'"),
])
def test_table_setup_and_volatile_errors_name_the_line(tmp_path: Path, change: str, message: str) -> None:
    broken = {"console = \"POST /jars/upload\"": 'consol = "POST /jars/upload"',
              "capture = { jar_id = \"$body.filename\" }": 'capture = { jar_id = "filename" }',
              'entry = "Main"': "entry = 3",
              '"$.now"]': '"now"]'}
    key = next(k for k in broken if k in change)
    with pytest.raises(ConfigError) as raised:
        parse_config(CONFIG.replace(key, broken[key]), tmp_path / "docharness.toml")
    assert message in raised.value.message and raised.value.line > 0


@pytest.mark.parametrize("name,secret", [("session_token", True), ("x_auth", True), ("API_KEY", True),
                                         ("password", True), ("jar_id", False), ("author_id", False)])
def test_which_capture_names_are_secrets(name: str, secret: bool) -> None:
    from harness.replay.captures import is_secret_name

    assert is_secret_name(name) is secret
