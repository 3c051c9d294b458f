"""Regular expressions written in pages, run with a time limit.

Pages are untrusted input: ``// TEST[s/(a|aa)+$/x/]`` on a long line, a
``/regex/`` value in an expected response or a ``catch:/regex/`` can backtrack
for hours. Python's ``re`` cannot be interrupted, so every pattern that comes
from a page (substitutions, expected-response regexes, catch regexes, in every
format) is compiled with the ``regex`` package, in its ``re``-compatible
VERSION0 mode, and each search or substitution gets ``REGEX_TIMEOUT`` seconds.
Running out raises ``RegexTimeout``, which the caller reports at the directive
(extract time) or as a failure naming the pattern (match time).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the names for annotations; the package itself is imported by the first pattern compiled
    from regex import Match as Match
    from regex import Pattern as Pattern

__all__ = ["REGEX_TIMEOUT", "RegexError", "RegexTimeout", "compile_user", "search", "sub"]

# seconds one search or substitution of a page's pattern may take; real ones take microseconds
REGEX_TIMEOUT = 1.0

T = TypeVar("T")


class RegexError(Exception):
    """A page's pattern the ``regex`` package refuses (its message says why)."""


def _package() -> ModuleType:
    """The ``regex`` package, imported when a page's pattern is first compiled: many runs have none, and
    importing it costs about 13 ms (53 M instructions) of every start."""
    import regex

    return regex


class RegexTimeout(Exception):
    """A page's regular expression ran longer than ``REGEX_TIMEOUT`` (catastrophic backtracking).

    :param pattern: the pattern as written.
    """

    def __init__(self, pattern: str) -> None:
        super().__init__(f"the regex {pattern!r} ran longer than {REGEX_TIMEOUT:g} s (catastrophic backtracking); "
                         "it was stopped")
        self.pattern = pattern


def compile_user(pattern: str, *, ascii_only: bool = False, verbose: bool = False) -> Pattern[str]:
    """Compile a page's pattern (``re`` syntax and semantics).

    :raises RegexError: when the pattern is invalid.
    """
    regex = _package()
    flags = regex.V0 | (regex.ASCII if ascii_only else 0) | (regex.VERBOSE if verbose else 0)
    try:
        compiled: Pattern[str] = regex.compile(pattern, flags)
    except regex.error as exc:
        raise RegexError(str(exc)) from exc
    return compiled


# patterns that already ran out of time: a page repeating one does not cost REGEX_TIMEOUT each time
_STOPPED: set[tuple[str, int]] = set()
_STOPPED_MAX = 1024


def _bounded(pattern: Pattern[str], run: Callable[[], T]) -> T:
    """``run()`` (a search or substitution of ``pattern`` with ``timeout=REGEX_TIMEOUT``); ``RegexTimeout``
    when it runs out, and at once for a pattern that ran out before."""
    key = (pattern.pattern, pattern.flags)
    if key in _STOPPED:
        raise RegexTimeout(pattern.pattern)
    try:
        return run()
    except _package().error as exc:  # a replacement the package refuses, found when it is used
        raise RegexError(str(exc)) from exc
    except TimeoutError as exc:
        if len(_STOPPED) < _STOPPED_MAX:
            _STOPPED.add(key)
        raise RegexTimeout(pattern.pattern) from exc


def search(pattern: Pattern[str], text: str) -> Match[str] | None:
    """``pattern.search(text)`` within the time limit; ``RegexTimeout`` when it runs out."""
    return _bounded(pattern, lambda: pattern.search(text, timeout=REGEX_TIMEOUT))


def sub(pattern: Pattern[str], replacement: str | Callable[[Match[str]], str], text: str) -> str:
    """``pattern.sub(replacement, text)`` within the time limit; ``RegexTimeout`` when it runs out."""
    return _bounded(pattern, lambda: pattern.sub(replacement, text, timeout=REGEX_TIMEOUT))
