"""What a test may have left on the target: the teardowns that did not succeed, said.

A test's first failure decides its outcome, so a teardown that failed after it (or was never
sent: the target stopped answering, or the capture that names what it ends was missing from a
successful answer) would go unseen, and with it the job or file the test left on a live target.
``Cleanup`` keeps them for the running test: the result lists them after its first failure, and
each becomes a ``teardown-failed`` warning naming the test.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.model import Diagnostic, Level
from harness.replay.plan import PlannedTest, Step
from harness.replay.variables import normalize
from harness.results import Failure, FailureKind

__all__ = ["Cleanup"]


class Cleanup:
    """The running test's teardowns that did not succeed."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self._uncaptured: dict[str, Failure] = {}  # capture name -> why a successful answer did not give it

    def start(self) -> None:
        """A new test: nothing kept yet."""
        self.failures, self._uncaptured = [], {}

    def failed(self, step: Step, failure: Failure) -> None:
        """A step failed: kept when it is a teardown."""
        if step.phase == "teardown":
            self.failures.append(failure)

    def uncaptured(self, name: str, status: int, failure: Failure) -> None:
        """A capture the answer did not hold: what a successful request created may exist unnamed."""
        if 200 <= status < 300:
            self._uncaptured[normalize(name)] = failure

    def left_out(self, step: Step, names: Sequence[str]) -> None:
        """A teardown left out for unbound captures: kept when a successful answer failed to give one."""
        failed = [self._uncaptured[normalize(n)] for n in names if normalize(n) in self._uncaptured]
        if failed:
            self.failures.append(Failure(FailureKind.SETUP_FAILED, f"teardown {step.origin}: not sent, {{{names[0]}}} "
                                         f"was never captured ({failed[0].message})", step.request.span))

    def unsent(self, steps: Sequence[Step]) -> None:
        """The target stopped answering before these steps: their first teardown, if any, is kept."""
        left = [s for s in steps if s.phase == "teardown"]
        if left:
            self.failures.append(Failure(FailureKind.SETUP_FAILED, f"teardown {left[0].origin}: not sent, the target "
                                         "stopped answering", left[0].request.span))

    def notices(self, test: PlannedTest) -> list[Diagnostic]:
        """A ``teardown-failed`` warning naming the test for each teardown kept."""
        return [Diagnostic(Level.WARNING, "teardown-failed", f"{test.node_id}: a teardown did not succeed "
                           f"({lost.message}): what the test started may still be on the target", test.example.span,
                           "see the teardown's answer in the report; clean the target by hand, and give the teardown "
                           "a request that really ends what the test starts")
                for lost in self.failures]
