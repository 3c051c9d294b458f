"""A documented string with placeholders (``/v1/{project_id}/jobs/{job_id}``) fits an answer exactly when
the regex ``part.+?part...`` (DOTALL) fits it in full: the one-scan matcher decides the same, and an answer
built to make that regex backtrack is decided at once (it took 11 s at 400 characters with four holes)."""

from __future__ import annotations

import re

from bounded import bounded
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.replay.match import _HOLE, match_subset

HOLES = ["{a}", "<b>", "{project_id}"]
TEXTS = st.lists(st.sampled_from(["a", "b", "/", "ab", "", "\n", "{", "-"]), max_size=4).map("".join)


def _by_regex(expected: str, actual: str) -> bool:
    return re.fullmatch(".+?".join(map(re.escape, _HOLE.split(expected))), actual, re.DOTALL) is not None


@settings(max_examples=600, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=5), st.lists(st.sampled_from(HOLES), min_size=4, max_size=4),
       st.lists(st.sampled_from(["a", "b", "/", "x", "\n", "{", "-"]), max_size=12).map("".join))
def test_the_scan_fits_what_the_regex_fits(texts: list[str], holes: list[str], actual: str) -> None:
    expected = "".join(t + h for t, h in zip(texts, holes)) + texts[-1]
    if not _HOLE.search(expected):
        return
    fits = match_subset({"v": expected}, {"v": actual}, patterns=False) is None
    assert fits == _by_regex(expected, actual), (expected, actual)


def test_an_answer_made_to_backtrack_is_decided_at_once() -> None:
    expected = {"path": "a{a}a{b}a{c}a{d}ab"}
    found = bounded(lambda: match_subset(expected, {"path": "a" * 200_000}, patterns=False), 30)
    assert found is not None and found[0].path == "$.path"
    assert match_subset(expected, {"path": "a1a2a3a4ab"}, patterns=False) is None
