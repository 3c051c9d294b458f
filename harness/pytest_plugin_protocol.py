"""The pytest plugin's run protocol for example items: pytest's runner protocol without the per-item
hook dispatch it does not need.

Per item, dispatching the setup/call/teardown hooks and the report hook costs more than replaying the
example. When only pytest's own plugins implement those hooks, and no option asks for what only the
full protocol gives (``--pdb``, ``--trace``, ``--setup-show``), an example item runs the protocol
``_pytest.runner.runtestprotocol`` runs — the same reports, the same ``pytest_runtest_log*`` and
``pytest_exception_interact`` hooks, the same setup state — with those phases called directly, and a
phase that passed gets the report ``pytest_runtest_makereport`` would give without dispatching it (made as
``TestReport.from_item_and_call`` makes it, the item's keywords gathered once for its three reports).
What this relies on beyond pytest's public API (the session's setup state, the tmp_path plugin's
stash key) is looked up once; where it is missing, every item takes pytest's full protocol.

Under that protocol, once an item has passed, the plugin may send the next item's first request before
returning to pytest (``run_protocol``'s ``ahead``), so the target works while pytest logs this item and
sets up the next. Only when nothing but pytest's own plugins (and pytest-xdist's, hypothesis's and
docharness's) runs between that moment and the next item's setup (``_WINDOW_HOOKS``): a conftest or a
plugin hooking one of those hooks may expect to run before a request is sent.

A session whose items are all example items also freezes what collection made for the garbage collector
(``freeze_if_only``) until pytest has finished with the session (``unfreeze``).
"""

from __future__ import annotations

import bdb
import functools
import gc
import os
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pytest

# pytest's own implementations of the setup/call/teardown hooks: what they do for an example item is
# done by run_protocol (runner), is a no-op for it (skipping without marks, hypothesis without a test
# function) or captures what an example never writes (capture, logging: replay never prints or logs)
_PLAIN_PHASE_HOOKS = frozenset({"runner", "skipping", "capturemanager", "logging-plugin", "threadexception",
                                "unraisableexception", "hypothesispytest"})
# pytest's own implementations of pytest_runtest_makereport. For a phase that raised nothing, on an item
# without marks: runner makes the report (TestReport.from_item_and_call), unittest converts only a
# unittest.SkipTest, skipping changes only an xfail (a mark, an xfail() call), tmpdir records
# ``report.passed`` per phase in the item's stash for the tmp_path fixture, hypothesis adds what its own
# phase hooks put on the item (never run for an example item: checked per phase all the same)
_PLAIN_REPORT_HOOKS = frozenset({"runner", "unittest", "skipping", "tmpdir", "hypothesispytest"})
_INTERACTIVE_OPTIONS = ("usepdb", "trace", "setupshow", "setuponly", "setupplan")
# the hooks pytest runs between an item's setup phase and the next item's setup: a request sent ahead goes
# out before them, so only code known not to care may implement them (the modules of _KNOWN_MODULES)
_WINDOW_HOOKS = ("pytest_runtest_protocol", "pytest_runtest_logstart", "pytest_runtest_logreport",
                 "pytest_runtest_logfinish", "pytest_runtest_makereport", "pytest_report_teststatus",
                 "pytest_report_to_serializable", "pytest_warning_recorded", "pytest_exception_interact")
_KNOWN_MODULES = ("_pytest.", "xdist.", "harness.", "_hypothesis_pytestplugin")


@dataclass(frozen=True, slots=True)
class Protocol:
    """How example items run in one session, decided once.

    :param lean: run the phases directly (else pytest's full protocol).
    :param direct_reports: make a passed phase's report directly (else through the hook).
    :param tmp_path_key: the tmpdir plugin's stash key for phase outcomes, when that plugin is active.
    :param ahead: the next item's first request may be sent once an item has passed.
    """

    lean: bool
    direct_reports: bool = False
    tmp_path_key: Any = None
    ahead: bool = False


PROTOCOL = pytest.StashKey[Protocol]()


def _hook_plugins(config: pytest.Config, *names: str) -> set[str]:
    return {impl.plugin_name for name in names for impl in getattr(config.hook, name).get_hookimpls()}


def protocol(config: pytest.Config) -> Protocol:
    """The session's protocol for example items without marks (looked up at the first item, after every
    conftest is registered)."""
    if PROTOCOL in config.stash:
        return config.stash[PROTOCOL]
    lean = (_hook_plugins(config, "pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown")
            <= _PLAIN_PHASE_HOOKS and not any(config.getoption(o, False) for o in _INTERACTIVE_OPTIONS))
    made = Protocol(lean=False)
    if lean:
        reports = _hook_plugins(config, "pytest_runtest_makereport")
        tmpdir = config.pluginmanager.get_plugin("tmpdir") if "tmpdir" in reports else None
        key = _stash_key(tmpdir) if tmpdir is not None else None
        direct = reports <= _PLAIN_REPORT_HOOKS and (tmpdir is None or key is not None)
        made = Protocol(lean=True, direct_reports=direct, tmp_path_key=key,
                        ahead=direct and all(_known(impl.plugin) for name in _WINDOW_HOOKS
                                             for impl in getattr(config.hook, name).get_hookimpls()))
    config.stash[PROTOCOL] = made
    return made


def _known(plugin: object) -> bool:
    """Whether a plugin is one of ``_KNOWN_MODULES`` (a module, or an object of a class defined there)."""
    name = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__module__
    return f"{name}.".startswith(_KNOWN_MODULES)


def _stash_key(tmpdir: object) -> Any:
    """The tmpdir plugin's stash key for each phase's outcome (``tmppath_result_key``), if it has one."""
    return getattr(tmpdir, "tmppath_result_key", None)


def _hypothesis_fields(item: pytest.Item) -> bool:
    """Whether hypothesis's phase hooks put on the item what its makereport hook adds to a report."""
    return hasattr(item, "hypothesis_report_information") or hasattr(item, "hypothesis_statistics")


def _setup_state(item: pytest.Item) -> Any:
    """The session's setup state, if this pytest has the one its runner uses (``Session._setupstate``)."""
    state = getattr(item.session, "_setupstate", None)
    return state if hasattr(state, "setup") and hasattr(state, "teardown_exact") else None


def run_protocol(item: pytest.Item, nextitem: pytest.Item | None,
                 ahead: Callable[[pytest.Item], object] | None = None) -> bool | None:
    """Run one example item as pytest's runner would, or ``None`` to leave it to pytest's full protocol.

    :param ahead: called with the next item once this one's setup phase passed, before its call phase,
        when the session goes on (``Protocol.ahead`` holds, the session is not stopping): to send the next
        item's first request before its turn. It decides whether this item passed (an example item's
        outcome is known after its setup phase; its call phase only reports it).
    """
    how = protocol(item.config)
    state = _setup_state(item) if how.lean else None
    if state is None:
        return None
    hook = item.ihook
    hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    keywords: dict[str, Any] = {}  # the item's keyword names, once for its three reports (_passed_report)
    if _phase(item, hook, how, "setup", lambda: state.setup(item), keywords).passed:
        if ahead is not None and how.ahead and nextitem is not None and not _stopping(item.session):
            ahead(nextitem)  # between the phases: in neither one's duration
        _phase(item, hook, how, "call", item.runtest, keywords)
    if _stopping(item.session):
        nextitem = None  # the session stops: everything is torn down now, as the runner does
    _phase(item, hook, how, "teardown", lambda: state.teardown_exact(nextitem), keywords)
    hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _stopping(session: pytest.Session) -> bool:
    return bool(session.shouldfail or session.shouldstop)


def _phase(item: pytest.Item, hook: Any, how: Protocol, when: Any, action: Callable[[], None],
           keywords: dict[str, Any]) -> pytest.TestReport:
    """One phase as ``_pytest.runner.call_and_report`` runs it: the report made and logged by the hooks
    (``PYTEST_CURRENT_TEST`` says where the session is, as pytest's runner has it say)."""
    os.environ["PYTEST_CURRENT_TEST"] = f"{item.nodeid} ({when})".replace("\x00", "(null)")
    call = pytest.CallInfo.from_call(action, when=when, reraise=(pytest.exit.Exception, KeyboardInterrupt))
    if when == "teardown":
        os.environ.pop("PYTEST_CURRENT_TEST", None)
    if call.excinfo is None and how.direct_reports and not _hypothesis_fields(item):
        report = _passed_report(item, call, when, keywords)
        if how.tmp_path_key is not None:
            item.stash.setdefault(how.tmp_path_key, {})[report.when] = report.passed
    else:
        report = hook.pytest_runtest_makereport(item=item, call=call)
    hook.pytest_runtest_logreport(report=report)
    if call.excinfo is not None and not hasattr(report, "wasxfail") and not isinstance(
            call.excinfo.value, (pytest.skip.Exception, bdb.BdbQuit)):
        hook.pytest_exception_interact(node=item, call=call, report=report)
    return report


# pytest 9 gives a report the item's structured id (``Node.id``), which it would otherwise parse from the text
_STRUCTURED_IDS = isinstance(getattr(pytest.Item, "id", None), property)


def _passed_report(item: pytest.Item, call: pytest.CallInfo[None], when: Literal["setup", "call", "teardown"],
                   keywords: dict[str, Any]) -> pytest.TestReport:
    """The report ``TestReport.from_item_and_call`` makes of a phase that raised nothing, the item's keyword
    names gathered once for its three phases (``keywords``, filled at the first; each report has its own
    copy): pytest walks the keywords of the item and of every node above it for each report."""
    if not keywords:
        keywords.update(dict.fromkeys(item.keywords, 1))
    sections = [(f"Captured {key} {phase}", content) for phase, key, content in item._report_sections]
    return pytest.TestReport(item.id if _STRUCTURED_IDS else item.nodeid, item.location, dict(keywords), "passed",
                             None, when, sections, call.duration, call.start, call.stop,
                             user_properties=item.user_properties)


FROZEN = pytest.StashKey[bool]()


def freeze_if_only(session: pytest.Session, item_type: type[pytest.Item]) -> None:
    """When every collected item is an example item, the session is the plugin's alone: what exists once
    collection finishes (pytest, docharness, the pages, the items) is moved out of the garbage collector's
    reach (``gc.freeze``), so the full collections a long run triggers walk only what the run made. A
    session with other tests leaves the collector as it is."""
    if session.items and all(isinstance(item, item_type) for item in session.items):
        gc.freeze()
        session.config.stash[FROZEN] = True


def unfreeze(config: pytest.Config) -> None:
    """Give the collector back what ``freeze_if_only`` froze: a cleanup of the session's config that the
    plugin registers before pytest's own (``freeze_at_the_end``), so it runs after them. pytest collects the
    garbage once more as it ends (to report what finalizers raise): frozen, what collection made (alive to the
    end: the session holds every item) is not walked again for it. Objects made while the items ran are."""
    if config.stash.get(FROZEN, False):
        config.stash[FROZEN] = False
        gc.unfreeze()


def freeze_at_the_end(config: pytest.Config) -> None:
    """Register ``unfreeze`` as a cleanup of ``config``: called from a ``pytest_configure`` that runs before
    pytest's own plugins' (``tryfirst``), whose cleanups then run before it."""
    config.add_cleanup(functools.partial(unfreeze, config))
