"""harness.replay.select: -k expressions over node ids, as pytest reads them."""

from __future__ import annotations

import pytest

from harness.replay.select import keyword_filter

IDS = ["docs/rollup/stop-job.asciidoc::line_42", "docs/rollup/start-job.asciidoc::line_41",
       "docs/cloud/cdm/stopping_a_job.rst::line_73"]


@pytest.mark.parametrize("expression,chosen", [
    ("", IDS),
    ("stop-job", IDS[:1]),
    ("ROLLUP and not start", IDS[:1]),
    ("line_41 or cdm", IDS[1:]),
    ("(rollup or cloud) and not (line_42 or line_41)", IDS[2:]),
])
def test_expressions(expression: str, chosen: list[str]) -> None:
    keep = keyword_filter(expression)
    assert [i for i in IDS if keep(i)] == chosen


@pytest.mark.parametrize("expression", ["a and", "(a", "not", "a or or b"])
def test_malformed_expressions_are_rejected(expression: str) -> None:
    with pytest.raises(ValueError, match="invalid -k expression"):
        keyword_filter(expression)
