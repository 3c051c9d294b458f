"""Sending a test's first request before the test runs, when nothing it depends on is still unknown.

The pytest plugin calls ``send_ahead`` for the next item of the same page once the current one has
passed, so the target answers while pytest logs the current item and sets up the next one; the next
item's run then finds the request already on the wire (``Sender.send_ahead``) and reads its answer.

The request sent is the one ``DocumentRunner.run`` would send first, built the same way, and only when
building it now must give what the run would build: nothing is sent for a test the run would skip,
refuse or end before its first request (a plan problem, an unavailable target, a request that cannot be
prepared, a write the target may not get), nor when the first request reads something only the test
itself gives (a ``$body`` reference to the test's previous answer), has a body made afresh each time (a
multipart upload: a random boundary, files read), or is never sent (``catch: param``). The captures of
the page's earlier tests are bound by then: the previous test has finished.
"""

from __future__ import annotations

from harness.replay.catch import NOT_SENT
from harness.replay.execute import DocumentRunner
from harness.replay.plan import PlannedTest
from harness.replay.prepare import PrepareError, Prepared

__all__ = ["first_request", "send_ahead"]


def first_request(runner: DocumentRunner, test: PlannedTest) -> Prepared | None:
    """The first request ``runner.run(test)`` would send, if it is known for certain now."""
    if test.skip is not None or test.problem is not None or runner.target.unavailable or not test.steps:
        return None
    try:  # as the run does: all of them, or nothing is sent; the run takes them from here (prepare_all)
        prepared = runner.prepare_all(test)
    except PrepareError:
        return None
    if runner.refusal(test, prepared) is not None:
        return None
    step, first = test.steps[0], prepared[0]
    if step.catch == NOT_SENT or step.request.multipart or first.shown is not None:
        return None
    if runner.captured.declared:  # what the run does just before sending: with the values captured so far
        try:
            first = runner.prepare(step, strict=True)
        except PrepareError:
            return None
    if runner.elasticsearch and first.body is not None and b"$" in first.body:
        return None  # may read the test's own previous answer ($body): resolved only when it runs
    return first


def send_ahead(runner: DocumentRunner, test: PlannedTest) -> bool:
    """Put the first request of ``test`` on the runner's connection now, if it is known for certain;
    whether it was sent."""
    first = first_request(runner, test)
    if first is None:
        return False
    return runner.sender.send_ahead(first.method, first.url, dict(first.headers), first.body)
