"""Running one document's test items, in order, on one connection.

``DocumentRunner.run`` takes a ``PlannedTest`` and returns its
``ExampleResult``: it prepares every request first (so a missing variable or
an unsupported ``catch`` sends nothing), refuses state-changing requests to a
non-loopback target without opt-in, sends the steps, checks each answer, and
always finishes with teardowns and the target's reset steps unless the target
itself stopped answering. Secrets are masked before the result leaves.
Only the test's own requests (setups and teardowns included) are judged by
the write-safety check: the target has already dropped reset steps it may
not send, and said so once.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from harness.model import Diagnostic, MatchPolicy, Request
from harness.parsers.source_lines import PAGE_CREDENTIALS
from harness.replay import expect
from harness.replay.captures import Captured, capture_value, holds, is_secret_name, unread_body
from harness.replay.catch import NOT_SENT
from harness.replay.cleanup import Cleanup
from harness.replay.headers import check_headers, header_checks
from harness.replay.plan import PlannedTest, Step
from harness.replay.prepare import MissingVariables, PrepareError, Prepared, prepare
from harness.replay.safety import changes_state, write_refusal
from harness.replay.send import Reply, Sender, TargetError, new_session
from harness.replay.stash import MISSING, StashMiss, resolve_request_body
from harness.replay.target import Target
from harness.replay.variables import Variables
from harness.report.redact import MASK, Redactor, mask_userinfo
from harness.results import CHECKS, ExampleResult, Exchange, Failure, FailureKind, Outcome, examples_digest

__all__ = ["DocumentRunner"]

_NOTHING_SENT = ("catch: param: the client refuses the request before sending it (the Elasticsearch runner "
                 "sends nothing), so no answer was checked")
_KEPT_HEADERS = ("content-type", "content-length", "warning", "location")
_BODY_LIMIT = 64 * 1024


class _Stop(Exception):
    """Ends a test's steps early: the first failure decides the outcome."""

    def __init__(self, failure: Failure, reachable: bool = True) -> None:
        self.failure, self.reachable = failure, reachable


class DocumentRunner:
    """Runs the test items of one document against one target, holding its session.

    :param target: where to send.
    :param family: ``elasticsearch`` or ``cloud`` (error_trace, shard checks, warnings).
    :param policy: the match policy for examples whose page names none.
    :param variables: placeholder values.
    :param redactor: the run's secret values.
    :param captured: the document's captures (names it may bind, values bound so far).
    :param volatile: JSON paths of the source whose values are never compared.
    :param ignored_warnings: prefixes of ``Warning`` headers the runner ignores (``Dialect.ignored_warnings``).
    """

    def __init__(self, target: Target, *, family: str, policy: MatchPolicy, variables: Variables,
                 redactor: Redactor, captured: Captured | None = None, volatile: tuple[str, ...] = (),
                 ignored_warnings: tuple[str, ...] = ()) -> None:
        self.target, self.family, self.policy, self.variables, self.redactor = target, family, policy, variables, redactor
        # the Elasticsearch runner's conventions (stash, /regex/, warnings, Content-Type): decided once per page
        self.elasticsearch = family == "elasticsearch"
        self.captured = captured or Captured()
        self.volatile = volatile
        self.ignored_warnings = ignored_warnings
        self.session = new_session(target.verify_tls, target.secret_headers)
        self.sender = Sender(self.session, target.timeout, remote_writes=target.allow_writes)
        self.reset_steps = tuple(Step("reset", r, "reset") for r in target.reset)
        self._bound: dict[str, str] = {}  # what the running test captured, for its result
        self._polled = 0.0
        self._last: Reply | None = None  # the last answer: what "$body" in a request body reads
        self._writes_allowed = target.writes_allowed  # parses the URL: once per document
        self._kept: tuple[PlannedTest, int, list[Prepared]] | None = None  # prepare_all's, for the test's run
        # what the document's tests may have left on the target: a teardown that failed or was never sent
        # (a warning naming the test; the run's results carry them after the documents' diagnostics)
        self.notices: list[Diagnostic] = []
        self._cleanup = Cleanup()

    def close(self) -> None:
        """Close the document's connection."""
        self.sender.close()  # an answer to a request sent ahead is read first

    def prepare(self, step: Step, *, strict: bool = False) -> Prepared:
        """The wire form of a step (``PrepareError`` when it cannot be built).

        Captures not bound yet are left as ``{name}`` unless ``strict`` (just before sending).
        """
        # reset steps are the target's own admin calls, not Elasticsearch requests
        family = "" if step.phase == "reset" else self.family
        declared = self.captured.declared
        variables = self.variables.layered(self.captured.values, frozenset() if strict else declared)
        try:
            return prepare(step.request, self.target, family=family, variables=variables,
                           body_variables=(*step.variables, *declared), source_headers=step.phase != "reset")
        except MissingVariables as exc:
            raise MissingVariables(exc.names, declared) from None

    def prepare_all(self, test: PlannedTest) -> list[Prepared]:
        """Every step of ``test`` then the reset steps in wire form, as its run prepares them first
        (``PrepareError`` from the first that cannot be built). The run of ``test`` takes these instead of
        preparing them again when nothing was captured in between (``ahead.first_request`` prepares a test
        before its turn)."""
        prepared = [self.prepare(step) for step in test.steps + self.reset_steps]
        self._kept = (test, self.captured.version, prepared)
        return prepared

    def refusal(self, test: PlannedTest, prepared: list[Prepared]) -> str | None:
        """The skip reason when the test would send a state-changing request the target may not get."""
        refused = next((p for p in prepared[:len(test.steps)] if changes_state(p.method)), None)
        if refused is not None and not self._writes_allowed:
            return write_refusal(refused.method, self.target.url)
        return None

    def run(self, test: PlannedTest, *, whole: bool = True) -> ExampleResult:
        """Run one test item and say how it ended.

        :param whole: the result as reports and publish read it; ``False``: for the caller alone, which
            masks what it shows of it (``redactor.data``, ``redactor.text``): its secrets not masked yet
            and no ``examples_digest`` (the pytest plugin, whose results are never saved).
        """
        started = datetime.now(UTC).isoformat(timespec="milliseconds")
        clock = time.perf_counter()
        exchanges: list[Exchange] = []
        self._bound, self._polled = {}, 0.0
        self._last = None  # the stash is per test
        outcome, reason, failures = self._outcome(test, exchanges)
        result = ExampleResult(document=test.document, name=test.example.name, span=test.example.span,
                               outcome=outcome, reason=reason, failures=failures, exchanges=tuple(exchanges),
                               target=self.target.label, started=started,
                               duration_ms=(time.perf_counter() - clock) * 1000, captures=tuple(self._bound.items()),
                               checked=self.checked(test), reference_server=self.target.embedded,
                               polled_ms=round(self._polled * 1000, 3), status_rule=self.status_rule(test),
                               **self.value_counts(test), headers_checked=self.headers_checked(test),
                               examples_digest=examples_digest((s.request, s.expected) for s in test.steps
                                                               if s.phase == "test") if whole else "")
        return self.redactor.data(result) if whole else result

    def checked(self, test: PlannedTest) -> str:
        """How the item's answers are checked: the weakest check among its test requests."""
        found = [expect.checked_as(e, e.match or self.policy) for s in test.steps if s.phase == "test"
                 for e in s.expected] or ["status"]
        return max(found, key=CHECKS.index)

    @staticmethod
    def status_rule(test: PlannedTest) -> str:
        """The status rules the item's test requests were held to, each once, in order."""
        return "; ".join(dict.fromkeys(expect.status_rule(s) for s in test.steps if s.phase == "test"))

    @staticmethod
    def headers_checked(test: PlannedTest) -> tuple[tuple[str, str], ...]:
        """The response headers the item's test requests document, and how each was checked."""
        return tuple(dict.fromkeys(c for s in test.steps if s.phase == "test" for e in s.expected
                                   for c in header_checks(e)))

    def value_counts(self, test: PlannedTest) -> dict[str, Any]:
        """How many documented values the item's body checks hold, and how many were only found present: in
        all, and per example (a snippet's badge counts its own)."""
        counts = [(s.origin, *expect.value_counts(e, e.match or self.policy, (*e.volatile, *self.volatile),
                                                  elasticsearch=self.elasticsearch))
                  for s in test.steps if s.phase == "test" for e in s.expected]
        mine: dict[str, tuple[int, int]] = {}
        for origin, documented, presence in counts:
            before = mine.get(origin, (0, 0))
            mine[origin] = (before[0] + documented, before[1] + presence)
        return {"documented_values": sum(c[1] for c in counts), "presence_only": sum(c[2] for c in counts),
                "example_values": tuple((name, d, p) for name, (d, p) in mine.items() if d)}

    def _outcome(self, test: PlannedTest, exchanges: list[Exchange]) -> tuple[Outcome, str, tuple[Failure, ...]]:
        if test.skip is not None:
            return Outcome.SKIPPED, test.skip, ()
        if test.problem is not None:
            return Outcome.ERROR, test.problem.message, (test.problem,)
        if self.target.unavailable:
            return Outcome.NOT_RUN, self.target.unavailable, ()
        steps = test.steps + self.reset_steps
        kept, self._kept = self._kept, None
        if kept is not None and kept[0] is test and kept[1] == self.captured.version:
            prepared = kept[2]  # prepare_all's for this test, nothing captured since: the same
        else:
            try:
                prepared = [self._checked(step) for step in steps]
            except _Stop as stop:
                return Outcome.ERROR, stop.failure.message, (stop.failure,)
        # the test's own requests are judged; the target dropped reset steps it may not send
        refusal = self.refusal(test, prepared)
        if refusal is not None:
            return Outcome.SKIPPED, refusal, ()
        self._cleanup.start()
        failure = self._send_all(list(zip(steps, prepared)), exchanges)
        self.notices += self._cleanup.notices(test)
        if failure is None and all(s.catch == NOT_SENT for s in test.steps if s.phase == "test"):
            return Outcome.SKIPPED, _NOTHING_SENT, ()  # not "checked by status code": there was no status
        if failure is None:
            return Outcome.PASSED, "", ()
        return ((Outcome.FAILED if failure.is_assertion else Outcome.ERROR), failure.message,
                (failure, *(c for c in self._cleanup.failures if c is not failure)))

    def _checked(self, step: Step) -> Prepared:
        # an unknown catch value never gets here: the plan makes it the item's problem
        try:
            return self.prepare(step)
        except PrepareError as exc:
            raise _Stop(Failure(exc.kind, str(exc), step.request.span)) from exc

    def _send_all(self, work: list[tuple[Step, Prepared]], exchanges: list[Exchange]) -> Failure | None:
        first: Failure | None = None
        skipping = False  # after a failure, only teardown and reset steps still run
        for index, (step, prepared) in enumerate(work):
            if skipping and step.phase in ("setup", "test"):
                continue
            try:
                if self.captured.declared and step.phase != "reset":  # with the values captured so far
                    try:
                        prepared = self.prepare(step, strict=True)
                    except MissingVariables as exc:
                        if step.phase == "teardown" and exc.only_captures:
                            self._cleanup.left_out(step, exc.names)
                            continue  # what it would clean up was never created: its capture is unbound
                        raise
                self._step(step, prepared, exchanges)
            except PrepareError as exc:
                failure = Failure(exc.kind, str(exc), step.request.span)
                self._cleanup.failed(step, failure)  # after the test's own failure it would go unseen
                first, skipping = first or failure, True
            except _Stop as stop:
                self._cleanup.failed(step, stop.failure)
                first = first or stop.failure
                skipping = True
                if not stop.reachable:
                    self._cleanup.unsent([s for s, _ in work[index + 1:]])
                    break  # the target stopped answering: teardowns would only wait too
        return first

    def _step(self, step: Step, prepared: Prepared, exchanges: list[Exchange]) -> None:
        if step.catch == NOT_SENT:
            self._unsent(step)  # catch: param means the client refuses to send it
            return
        if self.elasticsearch and prepared.body is not None and b"$" in prepared.body:
            prepared = self._stashed(step, prepared)
        reply = self._send(step, prepared, exchanges)
        self._cleanup.answered(prepared.method, prepared.url, reply.status)
        if step.retry is not None:
            reply = self._retry(step, prepared, reply, exchanges)
        self._last = reply  # the runner's "$body" for the next request's references
        missing = self._capture(step, reply)  # bound before checking: a teardown may need them
        if step.phase != "test":
            if not 200 <= reply.status < 300 and reply.status not in step.ignore:
                raise _Stop(Failure(FailureKind.SETUP_FAILED, f"{step.phase} {step.origin}: "
                                    f"{_request_line(prepared)} answered {reply.status}", step.request.span,
                                    expected="2xx", actual=f"{reply.status} {expect.excerpt(reply.text, 1000)}"))
            # every do section checks them (§9.6); a cloud page's only when it expects some (TEST[warning:...])
            if (self.elasticsearch or step.warnings) and step.phase != "reset":
                warned = expect.check_warnings(step, reply, self.ignored_warnings)
                if warned is not None:
                    raise _Stop(replace(warned, message=f"{step.phase} {step.origin}: {_request_line(prepared)}: "
                                        f"{warned.message}"))
            if missing is not None:
                raise _Stop(missing)
            return
        checks = [expect.check_status(step, reply, elasticsearch=self.elasticsearch)]
        if step.check_shards:
            checks.append(expect.check_shards(step, reply))
        if self.elasticsearch or step.warnings:  # a cloud page's TEST[warning:...] is checked too, by the same rule
            checks.append(expect.check_warnings(step, reply, self.ignored_warnings))
        for expected in step.expected:
            policy = expected.match or self.policy
            checks.append(expect.check_body(expected, reply, policy, volatile=(*expected.volatile, *self.volatile),
                                            elasticsearch=self.elasticsearch))
            checks.append(check_headers(expected, reply))
        failure = next((c for c in checks if c is not None), missing)
        if failure is not None:
            raise _Stop(failure)

    def _unsent(self, step: Step) -> None:
        """A response block of a ``catch: param`` request, which is never sent (spec §9.3): the runner's
        ``match`` reads the stash's ``$body``, the test's previous answer (§9.4), and fails when the test
        has none (before, the block passed as an exact match though nothing was compared)."""
        if not step.expected:
            return
        if self._last is None:
            raise _Stop(Failure(FailureKind.INVALID_EXAMPLE, "this response block is matched against no answer: "
                                "catch:param sends no request and no earlier request of the test answered (the "
                                "Elasticsearch runner fails it: stashed value not found for key [$body])",
                                step.expected[0].span or step.request.span,
                                expected="a response block only after a request that is sent"))
        for expected in step.expected:
            failure = expect.check_body(expected, self._last, expected.match or self.policy,
                                        volatile=(*expected.volatile, *self.volatile),
                                        elasticsearch=self.elasticsearch)
            if failure is not None:
                raise _Stop(failure)

    def _stashed(self, step: Step, prepared: Prepared) -> Prepared:
        """The body with its ``$body`` references read from the test's previous answer (spec §9.2)."""
        assert prepared.body is not None
        last = self._last.stashed() if self._last is not None else MISSING
        try:
            text = resolve_request_body(prepared.body.decode("utf-8", errors="replace"), last)
        except StashMiss as miss:
            why = ""
            if isinstance(last, str) and self._last is not None:  # JSON text under another media type (§9.2)
                why = (f" (it was sent with Content-Type {self._last.content_type or 'none'}, which the Elasticsearch "
                       "runner stashes as a string, not as JSON)")
            raise _Stop(Failure(FailureKind.INVALID_EXAMPLE, f"the request body refers to {miss.reference}, which "
                                f"the previous answer of this test does not hold{why}", step.request.span)) from None
        return prepared if text is None else replace(prepared, body=text.encode("utf-8"))

    def _send(self, step: Step, prepared: Prepared, exchanges: list[Exchange], *, again: bool = False) -> Reply:
        """Send one step; ``again`` replaces the last exchange (a retry keeps its first and last tries)."""
        try:
            reply = self.sender.send(prepared.method, prepared.url, dict(prepared.headers), prepared.body)
        except TargetError as exc:
            exchanges.append(self._exchange(step, prepared, None))
            raise _Stop(Failure(exc.kind, f"{exc.message} ({_request_line(prepared)})", step.request.span),
                        reachable=False) from exc
        if again:
            exchanges.pop()
        exchanges.append(self._exchange(step, prepared, reply))
        return reply

    def _retry(self, step: Step, prepared: Prepared, reply: Reply, exchanges: list[Exchange]) -> Reply:
        """Send again until the step's RETRY condition holds; a failure on timeout."""
        retry = step.retry
        assert retry is not None
        deadline = time.monotonic() + retry.timeout
        tries = 1
        ok, seen = holds(retry, reply, elasticsearch=self.elasticsearch)
        while not ok:
            if time.monotonic() + retry.every > deadline:
                wanted = " and ".join(f"{subject}={value}" for subject, value in retry.conditions)
                raise _Stop(Failure(FailureKind.RETRY, f"RETRY until {wanted}: still not met after {tries} "
                                    f"tr{'ies' if tries > 1 else 'y'} in {retry.timeout:g}s; last seen {seen}",
                                    retry.span or step.request.span, expected=wanted,
                                    actual=f"{reply.status} {expect.excerpt(reply.text, 1000)}"))
            time.sleep(retry.every)
            self._polled += retry.every
            reply = self._send(step, prepared, exchanges, again=tries >= 2)
            tries += 1
            ok, seen = holds(retry, reply, elasticsearch=self.elasticsearch)
        return reply

    def _capture(self, step: Step, reply: Reply) -> Failure | None:
        """Bind the step's captures; the failure for the first one the answer does not hold."""
        missing: Failure | None = None
        for capture in step.captures:
            text = capture_value(capture.source, reply, elasticsearch=self.elasticsearch)
            if text is None:
                where, _, pattern = capture.source.partition("~")
                what = f"no value at {where}" + (f" matching /{pattern}/" if pattern else "")
                what += unread_body(where, reply, elasticsearch=self.elasticsearch)
                lost = Failure(
                    FailureKind.CAPTURE, f"CAPTURE {capture.name}={capture.source}: the answer holds {what}",
                    capture.span or step.request.span, expected=capture.source,
                    actual=f"{reply.status} {expect.excerpt(reply.text, 1000)}")
                missing = missing or lost
                self._cleanup.uncaptured(capture.name, lost)
                continue
            if is_secret_name(capture.name):
                self.redactor.add(text)
            self.captured.bind(capture.name, text)
            self._bound[capture.name] = text
        return missing

    def _exchange(self, step: Step, prepared: Prepared, reply: Reply | None) -> Exchange:
        headers = tuple((k, MASK if k.lower() in self.target.secret_headers or k.lower() in PAGE_CREDENTIALS else v)
                        for k, v in prepared.headers)
        body = prepared.body_text
        if reply is None:
            return Exchange(phase=step.phase, method=prepared.method, url=prepared.url, request_headers=headers,
                            request_body=_cut(body), span=step.request.span)
        kept = tuple((k, v) for k, v in reply.headers if k.lower() in _KEPT_HEADERS)
        return Exchange(phase=step.phase, method=prepared.method, url=prepared.url, request_headers=headers,
                        request_body=_cut(body), status=reply.status, response_headers=kept,
                        response_body=_cut(reply.text), elapsed_ms=round(reply.elapsed_ms, 3), span=step.request.span,
                        redirected_to=mask_userinfo(reply.redirected_to))


def _cut(text: str | None) -> str | None:
    return None if text is None else expect.excerpt(text, _BODY_LIMIT)


def _request_line(prepared: Prepared) -> str:
    return f"{prepared.method} {prepared.url}"


def request_line(request: Request) -> str:
    """The request as the page writes it, for messages and rendering."""
    return f"{request.method} {request.path}"
