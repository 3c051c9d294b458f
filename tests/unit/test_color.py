"""harness.report.color: NO_COLOR disables, FORCE_COLOR forces, otherwise only a terminal gets colour."""

from __future__ import annotations

import io
import os

import pytest

from harness.report.color import use_color


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("environ", "tty", "expected"), [
    ({}, False, False),
    ({}, True, True),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),  # set but empty: ignored, as no-color.org says
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": ""}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins, as in pytest and CPython
    ({"TERM": "dumb"}, True, False),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
])
def test_the_conventions(environ: dict[str, str], tty: bool, expected: bool) -> None:
    assert use_color(Terminal() if tty else io.StringIO(), environ) is expected


def test_a_real_pipe_is_not_a_terminal() -> None:
    read, write = os.pipe()
    with os.fdopen(write, "w") as stream:
        assert use_color(stream, {}) is False
    os.close(read)
