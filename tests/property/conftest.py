"""Hypothesis profiles for the parser properties: ``ci`` (the default) and ``thorough``.

``ci`` is derandomized, so a CI run explores the same examples every time and a
failure reproduces from the log alone; its example counts keep the whole
``tests/property`` run under a minute on a loaded two-core machine. For a longer
local hunt::

    python -m pytest tests/property --hypothesis-profile thorough

``thorough`` draws fresh random examples (its failures are saved in the
hypothesis database and replayed on the next run) and runs twenty times as many.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# every page parse must finish well inside this; a slower one is a finding, not noise
DEADLINE_MS = 2000

settings.register_profile(
    "ci", max_examples=120, deadline=DEADLINE_MS, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "thorough", max_examples=1200, deadline=DEADLINE_MS, derandomize=False, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def pytest_configure(config: pytest.Config) -> None:
    """Load ``ci`` unless ``--hypothesis-profile`` chose a profile (hypothesis' plugin loads that one)."""
    if config.getoption("hypothesis_profile", default=None) is None:
        settings.load_profile("ci")
