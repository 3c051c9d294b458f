"""What a test may have left on the target: the teardowns that did not succeed, said.

A test's first failure decides its outcome, so a teardown that failed after it (or was never
sent: the target stopped answering, or the capture that names what it ends was never bound though
a state-changing request of the test was accepted) would go unseen, and with it the job or file the test left on a live target.
``Cleanup`` keeps them for the running test: the result lists them after its first failure, and
each becomes a ``teardown-failed`` warning naming the test.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.model import Diagnostic, Level
from harness.replay.plan import PlannedTest, Step
from harness.replay.safety import changes_state
from harness.replay.variables import normalize
from harness.results import Failure, FailureKind

__all__ = ["Cleanup"]


class Cleanup:
    """The running test's teardowns that did not succeed."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self._uncaptured: dict[str, Failure] = {}  # capture name -> why a successful answer did not give it
        self._created = ""  # the first state-changing request of the test a target accepted (2xx)

    def start(self) -> None:
        """A new test: nothing kept yet."""
        self.failures, self._uncaptured, self._created = [], {}, ""

    def answered(self, method: str, url: str, status: int) -> None:
        """A request was answered: the first accepted state-changing one may have created something."""
        if not self._created and changes_state(method) and 200 <= status < 300:
            self._created = f"{method} {url}"

    def failed(self, step: Step, failure: Failure) -> None:
        """A step failed: kept when it is a teardown."""
        if step.phase == "teardown":
            self.failures.append(failure)

    def uncaptured(self, name: str, failure: Failure) -> None:
        """A capture the answer did not hold (said with the teardown it leaves out)."""
        self._uncaptured[normalize(name)] = failure

    def left_out(self, step: Step, names: Sequence[str]) -> None:
        """A teardown left out for unbound captures (the test failed before binding them): kept when a
        state-changing request of the test was accepted, as what it created may be on the target unnamed; when
        none was, nothing was created and leaving the teardown out is right."""
        if not self._created:
            return
        failed = [self._uncaptured[normalize(n)] for n in names if normalize(n) in self._uncaptured]
        why = failed[0].message if failed else "the test failed before binding it"
        self.failures.append(Failure(FailureKind.SETUP_FAILED, f"teardown {step.origin}: not sent, {{{names[0]}}} "
                                     f"was never captured ({why}) though {self._created} was accepted",
                                     step.request.span))

    def unsent(self, steps: Sequence[Step]) -> None:
        """The target stopped answering before these steps: their first teardown is kept when a state-changing
        request of the test was accepted (else nothing was created, and nothing is left)."""
        left = [s for s in steps if s.phase == "teardown"]
        if left and self._created:
            self.failures.append(Failure(FailureKind.SETUP_FAILED, f"teardown {left[0].origin}: not sent, the target "
                                         f"stopped answering after {self._created} was accepted", left[0].request.span))

    def notices(self, test: PlannedTest) -> list[Diagnostic]:
        """A ``teardown-failed`` warning naming the test for each teardown kept."""
        return [Diagnostic(Level.WARNING, "teardown-failed", f"{test.node_id}: a teardown did not succeed "
                           f"({lost.message}): what the test started may still be on the target", test.example.span,
                           "see the teardown's answer in the report; clean the target by hand, and give the teardown "
                           "a request that really ends what the test starts")
                for lost in self.failures]
