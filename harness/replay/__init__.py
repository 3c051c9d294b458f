"""Replay: every documented example becomes a test against a target.

plan -> prepare -> send -> expect (catch, match, stash) -> ``RunResult``.
"""

from harness.replay.plan import PlannedTest, Step, plan_document
from harness.replay.run import Replay, Replays, run

__all__ = ["PlannedTest", "Replay", "Replays", "Step", "plan_document", "run"]
