"""pytest plugin: every documented example is a test item (``pytest docs_src/``).

Only files under a folder holding a ``docharness.toml`` are collected, so a project's own
sample pages are never replayed by accident. Node ids read
``docs_src/elasticsearch/rollup/stop-job.asciidoc::line_42``; ``-k``, ``-x`` and ``--junitxml``
work. A document's items run in order on one connection: with pytest-xdist use
``--dist loadfile``. Failures print the Hurl-style rendering, not a traceback. A page's
warning diagnostics become pytest warnings at the page's line; the targets' notices (reset
steps not sent) get a terminal summary section. ``--docharness-shard K/N`` keeps the items of
a deterministic, balanced share of the pages (the CLI's ``--shard`` split; other tests are kept).
"""

from __future__ import annotations

import argparse
import functools
import linecache
import signal
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from harness.cli import sigterm_as_interrupt
from harness.commands.cache_options import extraction_cache
from harness.config import Config, ConfigError, find_config, load_config
from harness.model import Diagnostic, Document, Level
from harness.parsers import parser_for
from harness.parsers.loader import load_file, source_roots
from harness.pytest_plugin_protocol import freeze_at_the_end, freeze_if_only, run_protocol
from harness.replay import PlannedTest, Replay, Replays
from harness.replay.ahead import send_ahead
from harness.replay.shard import Shard, ShardError, assign, document_weight, parse_shard
from harness.report.checks import check_words, notes_for, weaker_kinds
from harness.report.redact import mask_userinfo
from harness.report.render import render_diagnostic
from harness.report.terminal import render_notes, render_result
from harness.results import ExampleResult, Outcome
from harness.sourcefiles import OUTPUT_MARKER

if TYPE_CHECKING:  # made by cache_options.extraction_cache, which imports it only when a cache is used
    from harness.parsers.cache import ExtractCache

SESSION = pytest.StashKey[Replays]()
CONFIG = pytest.StashKey["Path | None"]()  # --docharness-config, resolved
SIGNALS = pytest.StashKey[ExitStack]()
SHARD = pytest.StashKey["Shard | None"]()
WEIGHTS = pytest.StashKey[dict[str, int]]()  # document path -> document_weight, for the shard split (as the CLI)
CACHES = pytest.StashKey[dict[Path, "ExtractCache | None"]]()  # config file -> its extraction cache
WEAKER = pytest.StashKey["WeakerPasses"]()
XUNIT1 = pytest.StashKey[bool]()  # junit_family = xunit1: a pass's check is also a testcase property
WEAKER_LINE = "weaker pass: "  # the report section line naming a pass's weaker kinds (report.checks.weaker_kinds)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's options, command line and ini, in one place."""
    group = parser.getgroup("docharness", "replay documented HTTP examples")
    group.addoption("--docharness-target", metavar="URL", default=None,
                    help="send every example here instead of the configured targets ('embedded' allowed)")
    group.addoption("--docharness-allow-writes", action="store_true", default=False,
                    help="send state-changing requests to targets that are not on loopback")
    group.addoption("--docharness-config", metavar="FILE", default=None,
                    help="use this docharness.toml for every page below its folder or its sources")
    group.addoption("--docharness-var", metavar="NAME=VALUE", action="append", default=[],
                    help="a placeholder value, over [variables] and $DOCHARNESS_VAR_NAME (repeatable)")
    group.addoption("--docharness-shard", metavar="K/N", default=None,
                    help="run only the pages of shard K of N: a deterministic, balanced share of whole pages")
    group.addoption("--docharness-cache-dir", metavar="DIR", default=None,
                    help="keep parsed pages here, by content (default: [docharness] cache_dir of the config, else "
                    ".docharness_cache beside it)")
    group.addoption("--docharness-no-cache", action="store_true", default=False,
                    help="parse every page; read and write no extraction cache")
    parser.addini("docharness_target", "default for --docharness-target", default="")


@pytest.hookimpl(tryfirst=True)  # its cleanup runs after those of pytest's plugins (freeze_at_the_end)
def pytest_configure(config: pytest.Config) -> None:
    """Create the session object (nothing starts until an example runs)."""
    freeze_at_the_end(config)
    target = config.getoption("docharness_target") or config.getini("docharness_target") or None
    given = [v.partition("=") for v in config.getoption("docharness_var")]
    if any(not sep or not name.strip() for name, sep, _ in given):
        raise pytest.UsageError("--docharness-var: write NAME=VALUE (for example --docharness-var jar_id=abc.jar)")
    try:
        shard = config.getoption("docharness_shard")
        config.stash[SHARD] = parse_shard(shard) if shard else None
    except ShardError as exc:
        raise pytest.UsageError(str(exc).replace("--shard", "--docharness-shard")) from exc
    config.stash[WEIGHTS] = {}
    config.stash[CACHES] = {}
    config.stash[WEAKER] = WeakerPasses()
    config.stash[XUNIT1] = _junit_family(config) == "xunit1"
    config.pluginmanager.register(config.stash[WEAKER], "docharness-weaker-passes")
    explicit = config.getoption("docharness_config")
    config.stash[CONFIG] = Path(explicit).resolve() if explicit else None
    config.stash[SESSION] = Replays(target_url=target, allow_writes=bool(config.getoption("docharness_allow_writes")),
                                    document_root=config.rootpath, variables={n.strip(): v for n, _, v in given})
    # SIGTERM (CI runners, timeout, docker) ends the session as Ctrl-C does: --junitxml is still written
    signals = ExitStack()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # a handler someone installed stays
        signals.enter_context(sigterm_as_interrupt())
    config.stash[SIGNALS] = signals
    if not _skips_at_item_location():
        config.pluginmanager.register(SkipAtPageLine(), "docharness-skip-location")


def _junit_family(config: pytest.Config) -> str:
    """The ``junit_family`` ini value; ``""`` without pytest's junitxml plugin (``-p no:junitxml``), which
    declares it: no JUnit file is written then."""
    try:
        return str(config.getini("junit_family"))
    except ValueError:
        return ""


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop what the session started."""
    if SESSION in config.stash:
        config.stash[SESSION].close()
    if SIGNALS in config.stash:
        config.stash[SIGNALS].close()


def _config_for(path: Path, config: pytest.Config) -> Path | None:
    """``--docharness-config`` when the page is below its folder or one of its sources, else the nearest one."""
    explicit = config.stash[CONFIG]
    if explicit is None:
        return find_config(path)
    return explicit if any(path.resolve().is_relative_to(root) for root in _roots(explicit)) else None


@functools.lru_cache(maxsize=8)
def _roots(explicit: Path) -> tuple[Path, ...]:
    try:
        return (explicit.parent, *(p.resolve() for p in load_config(explicit).source_paths()))
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from exc


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A folder docharness writes its reports and site to (``OUTPUT_MARKER``) holds no documentation."""
    return True if (collection_path / OUTPUT_MARKER).is_file() else None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocFile | None:
    """A page with a known format below a ``docharness.toml`` (or ``--docharness-config``) is a ``DocFile``."""
    if parser_for(file_path.name) is None or _config_for(file_path, parent.config) is None:
        return None
    return DocFile.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--docharness-shard K/N``, deselect the pages of the other shards (whole pages)."""
    shard = config.stash.get(SHARD, None)
    if shard is None:
        return
    placed = assign(config.stash[WEIGHTS].items(), shard.count)
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        page = item.parent.document.path if isinstance(item.parent, DocFile) else None
        (dropped if page is not None and placed.get(page) != shard.index else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """An example item without marks, where only pytest's own plugins hook the phases, runs the
    protocol pytest's runner runs (the same reports, hooks and setup state) without dispatching the
    phase hooks: per item they cost more than replaying the example. Any other item: pytest's way."""
    if not isinstance(item, ExampleItem) or next(item.iter_markers(), None):
        return None
    return run_protocol(item, nextitem, item.send_ahead)


def _skip(reason: str) -> NoReturn:
    """Skip an example, reported at its page's line (as pytest reports a skip mark), not at a line of
    this plugin."""
    skipped = pytest.skip.Exception(reason)
    skipped._use_item_location = True  # what a skip mark sets; a pytest without it: SkipAtPageLine
    raise skipped


class SkipAtPageLine:
    """For a pytest whose skip has no ``_use_item_location``: the page's line put in the skip report."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if isinstance(item, ExampleItem) and report.skipped and isinstance(report.longrepr, tuple):
            report.longrepr = (str(item.path), item.test.example.span.line, report.longrepr[2])
        return report


def _skips_at_item_location() -> bool:
    """Whether this pytest reports a skip raised with ``_use_item_location`` at the item's ``reportinfo``."""
    return "_use_item_location" in vars(pytest.skip.Exception("probe"))


def _cache_for(config: pytest.Config, replay_config: Config) -> ExtractCache | None:
    """The extraction cache of the pages under one docharness.toml, chosen as the CLI chooses it."""
    caches = config.stash[CACHES]
    if replay_config.path not in caches:
        given = config.getoption("docharness_cache_dir")
        options = argparse.Namespace(no_cache=config.getoption("docharness_no_cache"),
                                     cache_dir=Path(given) if given else None)
        caches[replay_config.path] = extraction_cache(options, replay_config)
    return caches[replay_config.path]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """A session of example items only: the collector leaves what collection made alone (freeze_if_only)."""
    freeze_if_only(session, ExampleItem)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep the extraction caches within their bound (at most every few minutes; see ExtractCache.prune)."""
    for cache in session.config.stash.get(CACHES, {}).values():
        if cache is not None and not cache.problem:
            cache.prune()


class WeakerPasses:
    """Counts the weaker passes (kind -> passed examples) from the reports, so the counts are whole under
    pytest-xdist too, where the items run in the workers."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            for name, content in report.sections:
                kinds = content.partition(WEAKER_LINE)[2] if name == "Captured docharness setup" else ""
                for kind in kinds.split():
                    self.counts[kind] = self.counts.get(kind, 0) + 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """What the passes compared (as the CLI says it); the targets' notices (reset steps not sent, ...), once
    each, after the results; a cache that could not be written."""
    weaker = config.stash.get(WEAKER, None)
    notes = notes_for(weaker.counts) if weaker is not None else []
    if notes:
        terminalreporter.write_sep("=", "docharness: what the passes compared")
        for note in notes:
            terminalreporter.write_line(note)
    for cache in config.stash.get(CACHES, {}).values():
        if cache is not None and cache.problem:
            terminalreporter.write_line(f"docharness: note: the extraction cache could not be written "
                                        f"({cache.problem}); use --docharness-cache-dir DIR or --docharness-no-cache")
    notices = tuple(n for s in config.stash[SESSION].sessions.values() for n in s.targets.notices)
    if notices:
        terminalreporter.write_sep("=", "docharness notices")
        redactors = [s.targets.redactor for s in config.stash[SESSION].sessions.values()]
        text = render_notes((), notices)
        for redactor in redactors:
            text = redactor.text(text)
        terminalreporter.write_line(mask_userinfo(text))


def _shown_lines(path: str, diagnostics: list[Diagnostic]) -> None:
    """pytest's warnings summary quotes each warning's line through ``linecache``: it gets the diagnostics' own
    lines, whose credentials are masked (``X-Auth-Token: ***``), never the page's line as written."""
    if diagnostics:
        lines = [""] * max(d.span.line for d in diagnostics)
        for d in diagnostics:
            lines[d.span.line - 1] = d.source_line + "\n"
        linecache.cache[path] = (0, None, lines, path)  # no mtime: linecache never reads the file again


class DocumentWarning(UserWarning):
    """A parser warning about a documentation page (rendered Hurl-style, at the page's line)."""


@pytest.fixture(scope="session")
def docharness_target(pytestconfig: pytest.Config) -> Replays:
    """The run's replay sessions (targets, embedded servers), for tests that need them."""
    return pytestconfig.stash[SESSION]


class ExampleFailed(Exception):
    """An example whose target answered differently; ``repr_failure`` renders its result."""

    def __init__(self, result: ExampleResult) -> None:
        super().__init__(result.reason)
        self.result = result


class DocFile(pytest.File):
    """One documentation page: its test items, run in page order on one connection."""

    document: Document
    replay: Replay
    items_path: str | None = None  # the items' location path (ExampleItem.location), once known

    def collect(self) -> Iterator[ExampleItem]:
        """Parse the page and plan its tests (no request is sent while collecting)."""
        config_path = _config_for(self.path, self.config)
        assert config_path is not None  # checked in pytest_collect_file
        try:
            self.replay = self.config.stash[SESSION].for_config(config_path)
        except ConfigError as exc:
            raise self.CollectError(mask_userinfo(str(exc))) from exc
        # the loader, as everywhere: a BOM is dropped, an undecodable file or a parser crash is an error item
        # confined to its source (see loader.source_roots): a page symlinked out is an error item, never read
        roots = source_roots([self.path], self.replay.config.source_paths())
        self.document = load_file(self.path, root=self.config.rootpath, roots=roots,
                                  dialect=self.replay.config.dialect_at,
                                  cache=_cache_for(self.config, self.replay.config))
        warned = [d for d in self.document.diagnostics if d.level is Level.WARNING]  # errors: error items below
        _shown_lines(str(self.path), warned)
        for diagnostic in warned:
            warnings.warn_explicit(DocumentWarning(render_diagnostic(diagnostic)), DocumentWarning,
                                   str(self.path), diagnostic.span.line)
        planned = self.replay.plan(self.document)
        self.config.stash[WEIGHTS][self.document.path] = document_weight(self.document)
        for test in planned:
            yield ExampleItem.from_parent(self, name=test.example.name, test=test)

    def teardown(self) -> None:
        """Close the page's connection after its last item."""
        if hasattr(self, "replay"):
            self.replay.finish(self.document)


class ExampleItem(pytest.Item):
    """One test item: a non-continued example with its setups, followers and teardowns."""

    def __init__(self, *, test: PlannedTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def setup(self) -> None:
        """Run the example: an error outcome is a pytest error, a failed assertion a failure."""
        parent = self.parent
        assert isinstance(parent, DocFile)
        try:  # a pass is shown only through its check words, masked there: nothing else of it is masked
            result = parent.replay.runner(parent.document).run(self.test, whole=False)
        except ConfigError as exc:  # a secret missing from the environment, found when targets start
            pytest.fail(parent.replay.targets.redactor.text(str(exc)), pytrace=False)
        self.result = result if result.outcome is Outcome.PASSED else parent.replay.targets.redactor.data(result)
        if self.result.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN):
            _skip(self.result.reason)
        if self.result.outcome is Outcome.ERROR:
            pytest.fail(self.rendered(self.result), pytrace=False)  # setup errors bypass repr_failure
        if self.result.outcome is Outcome.PASSED:
            self._say_what_was_compared(self.result)

    def _say_what_was_compared(self, result: ExampleResult) -> None:
        """A pass says what it compared: in a report section (which reaches the controller under xdist, and
        ``-rP``), counted by ``WeakerPasses``; under ``junit_family = xunit1`` also as a testcase property
        (xunit2, pytest's default, allows no property on a testcase)."""
        parent = self.parent
        words = check_words(result)
        if words and isinstance(parent, DocFile):
            words = parent.replay.targets.redactor.text(words)
        if words:
            kinds = " ".join(weaker_kinds(result))
            self.add_report_section("setup", "docharness", f"{words}\n{WEAKER_LINE}{kinds}" if kinds else words)
            if self.config.stash[XUNIT1]:
                self.user_properties.append(("docharness_check", words))

    def runtest(self) -> None:
        """Report the assertion failure found in ``setup``."""
        if self.result.outcome is Outcome.FAILED:
            raise ExampleFailed(self.result)

    def send_ahead(self, nextitem: pytest.Item) -> None:
        """Once this item passed: the next item's first request goes on the wire now, when that item is the
        page's next example and runs the lean way too (no mark), and the request is known for certain
        (``harness.replay.ahead``); the next item reads its answer."""
        parent = self.parent
        result = self.__dict__.get("result")
        if (isinstance(nextitem, ExampleItem) and nextitem.parent is parent and isinstance(parent, DocFile)
                and result is not None and result.outcome is Outcome.PASSED and not next(nextitem.iter_markers(), None)):
            send_ahead(parent.replay.runner(parent.document), nextitem.test)

    def teardown(self) -> None:
        """Let the result go: its reports are made (pytest keeps every item to the end of the session)."""
        self.__dict__.pop("result", None)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The Hurl-style rendering instead of a traceback."""
        if isinstance(excinfo.value, ExampleFailed):
            return self.rendered(excinfo.value.result)
        return str(super().repr_failure(excinfo))

    def rendered(self, result: ExampleResult) -> str:
        """A result's failures as text, secrets masked."""
        parent = self.parent
        text = render_result(result)
        return parent.replay.targets.redactor.text(text) if isinstance(parent, DocFile) else text

    def reportinfo(self) -> tuple[Path, int, str]:
        """Path, 0-based line (the one conversion of this kind, style.md §5) and name."""
        return self.path, self.test.example.span.line - 1, self.name

    @functools.cached_property
    def location(self) -> tuple[str, int | None, str]:
        """pytest's ``Item.location``, the page's path relative to the root worked out once per page: it is
        the same for all its items, and pytest works it out per item (a ``Path`` made and looked up)."""
        parent = self.parent
        if not isinstance(parent, DocFile):
            return super().location
        if parent.items_path is None:
            parent.items_path = super().location[0]
        _, line, name = self.reportinfo()
        return parent.items_path, line, name
