"""The pytest plugin sends the next example's request ahead only when that is sound, and the results stay
those of the plain protocol.

Once an example item has passed, its page's next item's first request may go on the wire before pytest
logs the item and starts the next one (``harness.replay.ahead``). What is observed: a real pytest run
(in-process, so a test can watch the hook calls without implementing a hook) against a real loopback
server that records each request when it arrives. When pytest starts an item (``pytest_runtest_logstart``)
the watcher waits a moment for that item's request: if it arrives while pytest is held there, it was sent
ahead; if it was not sent ahead it cannot arrive, since the item has not run.
"""

from __future__ import annotations

import collections
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import fault_servers as fs
import pytest

from harness.replay.send import Sender, TargetError, new_session
from harness.results import FailureKind

pytest_plugins = ["pytester"]

CONFIG = """
[docharness]
sources = ["pages"]
default_target = "recorder"

[targets.recorder]
url = "{url}"
timeout = 10

[setups]
make = "PUT /made/thing"
"""
ARRIVES = 5.0  # seconds a request sent ahead may take to reach the server on a loaded machine
ABSENT = 0.3  # seconds to wait for a request that must not come (one that did would be there by then)


def example(path: str, answer: str | None = None, *, directives: str = "", method: str = "GET",
            body: str = "") -> str:
    """One console example (and its documented answer: the recorder's own unless given)."""
    expected = answer if answer is not None else '{"acknowledged": true, "path": "%s"}' % path
    request = f"{method} {path}" + (f"\n{body}" if body else "")
    return (f"[source,js]\n----\n{request}\n----\n// CONSOLE\n{directives}\n\n"
            f"[source,js]\n----\n{expected}\n----\n// TESTRESPONSE\n\n")


@pytest.fixture()
def server() -> Any:
    with fs.recording_server() as recorder:
        yield recorder


@pytest.fixture()
def project(pytester: pytest.Pytester, server: fs.RecordingServer) -> pytest.Pytester:
    (pytester.path / "pages").mkdir()
    (pytester.path / "pages" / "docharness.toml").write_text(CONFIG.format(url=server.url), encoding="utf-8")
    return pytester


def write(project: pytest.Pytester, name: str, *examples: str) -> None:
    (project.path / "pages" / name).write_text("".join(examples), encoding="utf-8")


class Watch:
    """Holds pytest at the start of each item until the item's first request arrives and notes whether
    it did: up to ``ARRIVES`` seconds for the items expected to be sent ahead (their indexes in run order),
    ``ABSENT`` for the others; optionally acts at a hook call (``act``)."""

    def __init__(self, server: fs.RecordingServer, expected: set[int], act: Any = None) -> None:
        self.server, self.expected, self.act = server, expected, act
        self.paths: dict[str, tuple[str, bool]] = {}  # nodeid -> the first request's path (exact, or a prefix)
        self.ahead: dict[str, bool] = {}
        self.session: pytest.Session | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        config.pluginmanager.add_hookcall_monitoring(self.before, lambda *args: None)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            steps = getattr(item, "test").steps  # none for an example the plan found broken: it sends nothing
            path = "/" + steps[0].request.path.lstrip("/").split("?")[0] if steps else "/(nothing)"
            self.paths[item.nodeid] = (path.split("{")[0], "{" not in path)

    def before(self, name: str, impls: object, kwargs: dict[str, Any]) -> None:
        if name == "pytest_runtest_logstart":
            path, exact = self.paths[kwargs["nodeid"]]
            wait = ARRIVES if len(self.ahead) in self.expected else ABSENT
            self.ahead[kwargs["nodeid"]] = self.server.wait_for(path, wait, exact=exact)
        if self.act is not None:
            self.act(self, name, kwargs)


def run(project: pytest.Pytester, watch: Watch, *args: str) -> pytest.HookRecorder:
    return project.inline_run("pages", "-p", "no:cacheprovider", *args, plugins=[watch], no_reraise_ctrlc=True)


def outcomes(recorder: pytest.HookRecorder) -> list[tuple[str, str, str]]:
    return [(r.nodeid, r.when, r.outcome) for r in recorder.getreports("pytest_runtest_logreport")]


def sent_ahead(watch: Watch) -> set[int]:
    """The indexes (in run order) of the items whose request was on the wire when pytest started them."""
    return {index for index, ahead in enumerate(watch.ahead.values()) if ahead}


def test_each_next_example_of_a_page_is_sent_while_pytest_finishes_the_previous_one(
        project: pytest.Pytester, server: fs.RecordingServer) -> None:
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(4)))
    write(project, "b.asciidoc", example("/b/0"), example("/b/1"))
    watch = Watch(server, {1, 2, 3, 5})
    recorder = run(project, watch)
    recorder.assertoutcome(passed=6)
    # the first example of each page waits for its turn; every other one was on the wire already
    assert sent_ahead(watch) == {1, 2, 3, 5}
    assert [p for p in server.paths()] == ["/a/0", "/a/1", "/a/2", "/a/3", "/b/0", "/b/1"]  # each once, in order
    assert len({number for number, *_ in server.records}) == 2  # one kept-alive connection per page
    # every answer read before each page's connection closed (the server notes an end after the run returns)
    assert server.wait_closes(2, ARRIVES) == ["eof", "eof"]


def test_the_results_are_those_of_the_plain_protocol(project: pytest.Pytester, server: fs.RecordingServer) -> None:
    """Passes, a failure, a skip, an error, a capture and a named setup: the same reports, JUnit and
    requests with and without sending ahead (a conftest hooking a hook of the window turns it off)."""
    write(project, "mixed.asciidoc", example("/m/0"), example("/m/1", '{"acknowledged": false, "path": "/m/1"}'),
          example("/m/2"), example("/m/3", directives="// TEST[skip:not here]"), example("/m/4"),
          example("/m/5", directives="// TEST[setup:nope]"), example("/m/6"),
          example("/m/7", directives="// CAPTURE[seen=$body.path]"), example("/next{seen}", '{"acknowledged": true, '
                                                                          '"path": "/next/m/7"}'),
          example("/m/9", directives="// TEST[setup:make]"), example("/m/10"))
    # sent ahead: an example after a pass; not the first, nor after the failure, the skip or the error, nor a
    # skipped or broken one
    expected = {1, 7, 8, 9, 10}
    runs = []
    for number, conftest in enumerate(("", "def pytest_runtest_logfinish(nodeid, location):\n    pass\n")):
        (project.path / "conftest.py").write_text(conftest, encoding="utf-8")
        del server.records[:]
        watch = Watch(server, expected if not conftest else set())
        recorder = run(project, watch, f"--junitxml=out{number}.xml")
        assert sent_ahead(watch) == (expected if not conftest else set())
        runs.append((outcomes(recorder), _junit(project.path / f"out{number}.xml"),
                     [(m, t, b) for _, m, t, b in server.records]))
    assert runs[0] == runs[1]
    requests = [(m, t) for m, t, _ in runs[0][2]]
    assert ("GET", "/next/m/7?error_trace=true") in requests  # the value item 7 captured
    assert ("PUT", "/made/thing?error_trace=true") in requests  # item 9's named setup
    assert len(requests) == len(set(requests)) == 10  # each sent once: 11 items, a skip, an error, a setup


def _junit(path: Path) -> list[tuple[str, ...]]:
    return [(c.get("name", ""), *(child.tag for child in c)) for c in ET.parse(path).getroot().iter("testcase")]


@pytest.mark.parametrize("setting", ["phase hook", "window hook", "setup show", "mark"])
def test_nothing_is_sent_ahead_where_other_code_runs_first(project: pytest.Pytester, server: fs.RecordingServer,
                                                          setting: str) -> None:
    """A conftest hooking a phase (the full protocol) or a hook pytest runs between two items, an option of
    the full protocol, a mark on the next item: its request waits for its turn."""
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(3)))
    args: list[str] = []
    conftest = {"phase hook": "def pytest_runtest_setup(item):\n    pass\n",
                "window hook": "def pytest_runtest_logstart(nodeid, location):\n    pass\n",
                "mark": "import pytest\n\ndef pytest_collection_modifyitems(items):\n"
                        "    items[1].add_marker(pytest.mark.slow)\n"}.get(setting, "")
    (project.path / "conftest.py").write_text(conftest + "\ndef pytest_configure(config):\n"
                                              "    config.addinivalue_line('markers', 'slow: x')\n", encoding="utf-8")
    if setting == "setup show":
        args.append("--setup-show")
    watch = Watch(server, set())
    run(project, watch, *args).assertoutcome(passed=3)
    assert sent_ahead(watch) == set()
    assert server.paths() == ["/a/0", "/a/1", "/a/2"]


def test_only_the_item_pytest_runs_next_is_sent_ahead(project: pytest.Pytester, server: fs.RecordingServer) -> None:
    """-k and --deselect: the deselected examples are never sent, ahead or not."""
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(5)))
    collected = project.inline_run("pages", "--collect-only", "-p", "no:cacheprovider")
    ids = [item.nodeid for item in collected.getcalls("pytest_collection_finish")[0].session.items]
    watch = Watch(server, {1, 2})
    recorder = run(project, watch, "-k", f"not {ids[1].rpartition('::')[2]}", "--deselect", ids[3])
    recorder.assertoutcome(passed=3)
    assert server.paths() == ["/a/0", "/a/2", "/a/4"]
    assert sent_ahead(watch) == {1, 2}


def test_a_page_whose_next_request_is_not_known_yet_waits(project: pytest.Pytester, server: fs.RecordingServer) -> None:
    """A first request whose body holds a ``$`` (it may read the test's own previous answer, ``$body``) and
    a multipart upload (a new boundary each time it is built, files read when sent) are not sent ahead."""
    (project.path / "pages" / "file.txt").write_text("bytes", encoding="utf-8")
    (project.path / "pages" / "docharness.toml").write_text(
        CONFIG.format(url=server.url) + 'upload = { console = "POST /upload", multipart = { f = { file = "file.txt" } } }\n',
        encoding="utf-8")
    write(project, "a.asciidoc", example("/a/0"),
          example("/a/1", method="POST", body='{"note": "costs $5"}'), example("/a/2"),
          example("/a/3", directives="// TEST[setup:upload]"), example("/a/4"))
    watch = Watch(server, {2, 4})
    recorder = run(project, watch)
    recorder.assertoutcome(passed=5)
    assert sent_ahead(watch) == {2, 4}
    assert collections.Counter(server.paths()) == collections.Counter(
        ["/a/0", "/a/1", "/a/2", "/upload", "/a/3", "/a/4"])


def test_a_session_stopping_sends_nothing_ahead(project: pytest.Pytester, server: fs.RecordingServer) -> None:
    """When the session is stopping after an item's setup phase (here: told so at its setup report), the
    next item's request is not sent: the session ends and it never runs."""
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(3)))

    def stop(watch: Watch, name: str, kwargs: dict[str, Any]) -> None:
        report = kwargs.get("report")
        if name == "pytest_runtest_logreport" and report.when == "setup" and watch.session is not None:
            watch.session.shouldstop = "stopped by the test"

    watch = Watch(server, set(), act=stop)
    recorder = run(project, watch)
    assert outcomes(recorder) == [(list(watch.paths)[0], w, "passed") for w in ("setup", "call", "teardown")]
    assert server.paths() == ["/a/0"]


def test_an_interrupt_before_the_next_item_drops_its_answer_and_reports_nothing_for_it(
        project: pytest.Pytester, server: fs.RecordingServer) -> None:
    """Ctrl-C after the next item's request went out ahead: the session ends, the answer is read and
    dropped (the connection ends cleanly, not reset), and the next item has no report."""
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(3)))

    def interrupt(watch: Watch, name: str, kwargs: dict[str, Any]) -> None:
        if name == "pytest_runtest_logfinish":
            assert server.wait_for("/a/1", ARRIVES)  # sent ahead by now
            raise KeyboardInterrupt

    watch = Watch(server, set(), act=interrupt)
    recorder = run(project, watch, "--junitxml=out.xml")
    assert recorder.ret == pytest.ExitCode.INTERRUPTED
    first = list(watch.paths)[0]
    assert {r.nodeid for r in recorder.getreports("pytest_runtest_logreport")} == {first}
    assert [c.get("name") for c in ET.parse(project.path / "out.xml").getroot().iter("testcase")] == [
        first.rpartition("::")[2]]
    assert server.paths() == ["/a/0", "/a/1"]
    assert server.wait_closes(1, ARRIVES) == ["eof"]  # noted by the server's thread, maybe after the run returned


def test_under_xdist_each_example_is_sent_once_and_the_outcomes_are_the_same(
        project: pytest.Pytester, server: fs.RecordingServer) -> None:
    write(project, "a.asciidoc", *(example(f"/a/{n}") for n in range(4)))
    write(project, "b.asciidoc", example("/b/0"), example("/b/1", '{"acknowledged": 1, "path": "/b/1"}'),
          example("/b/2"))
    result = project.runpytest_subprocess("pages", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=6, failed=1)
    assert sorted(server.paths()) == sorted(["/a/0", "/a/1", "/a/2", "/a/3", "/b/0", "/b/1", "/b/2"])
    assert re.search(r"FAILED pages/b\.asciidoc::line_\d+", result.stdout.str())


def _closed(server: fs.RecordingServer, count: int) -> list[str]:
    return server.wait_closes(count, ARRIVES)


def test_an_answer_sent_ahead_and_not_used_is_read_and_dropped_on_a_connection_that_goes_on(
        server: fs.RecordingServer) -> None:
    sender = Sender(new_session(True), timeout=5)
    assert sender.send_ahead("GET", server.url + "/x", {}, None)
    assert json.loads(sender.send("GET", server.url + "/y", {}, None).text)["path"] == "/y"  # not /x's answer
    assert sender.send_ahead("GET", server.url + "/z", {"A": "1"}, None)
    assert json.loads(sender.send("GET", server.url + "/z", {"A": "1"}, None).text)["path"] == "/z"
    assert sender.send_ahead("GET", server.url + "/w", {}, None)
    sender.close()  # the document ends with /w's answer pending
    assert (sender.discarded, sender.answered_ahead) == (2, 1)
    assert server.paths() == ["/x", "/y", "/z", "/w"]  # /z sent once
    assert {number for number, *_ in server.records} == {0}  # one connection throughout
    assert _closed(server, 1) == ["eof"]  # closed with /w's answer read, not reset


def test_what_fails_while_sending_ahead_is_the_send_s_own_failure() -> None:
    """A refused connection is reported by the send of that request; a kept-alive connection the target
    dropped is handled as without sending ahead: an idempotent request goes out again once."""
    sender = Sender(new_session(True), timeout=5)
    url = fs.refused_url()
    assert sender.send_ahead("GET", url + "/x", {}, None)
    with pytest.raises(TargetError) as refused:
        sender.send("GET", url + "/x", {}, None)
    assert refused.value.kind is FailureKind.CONNECTION and "refused" in refused.value.message
    with fs.fault_server(fs.keepalive_close) as closing:
        sender = Sender(new_session(True), timeout=5)
        assert sender.send("GET", closing.url + "/a", {}, None).status == 200
        assert sender.send_ahead("GET", closing.url + "/b", {}, None)  # on the socket the target then drops
        assert sender.send("GET", closing.url + "/b", {}, None).status == 200
        # sent again once on a new connection (the server counts the requests it answered: /a and /b)
        assert (sender.retried, closing.requests) == (1, 2)


def test_a_write_sent_ahead_is_never_followed_by_another_request_in_its_place(server: fs.RecordingServer) -> None:
    """Should a run ever build another request than the POST sent ahead for it (a bug: it builds the same), that
    request is not sent: the example gets a protocol error, and the target has received one write, not two."""
    sender = Sender(new_session(True), timeout=5)
    assert sender.send_ahead("POST", server.url + "/x", {}, b'{"n": 1}')
    with pytest.raises(TargetError) as differs:
        sender.send("POST", server.url + "/y", {}, b'{"n": 1}')
    assert differs.value.kind is FailureKind.PROTOCOL and "not sent again" in differs.value.message
    assert json.loads(sender.send("GET", server.url + "/z", {}, None).text)["path"] == "/z"  # the connection goes on
    assert server.paths() == ["/x", "/z"]
