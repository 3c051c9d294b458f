"""What a passed example's check compared, in words every report uses.

A pass means only what was checked: a status code (any 2xx when the page gives
none), keys and types, or values. The terminal, the HTML run report and JUnit
say so with the same words the published badge uses, so a status-only or
presence-only pass never reads like a verified one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from harness.results import PRESENCE_ONLY_SOURCES, ExampleResult, Outcome, RunResult

__all__ = ["check_words", "notes_for", "passed_notes", "weaker_kinds"]

_WORDS = {
    "exact": "exact match",
    "non_json": "text lines matched",
    "subset": "subset: documented fields present and equal",
    "shape": "shape only: keys and types, values not compared",
    "status": "{status} only: no body compared",
}


def check_words(result: ExampleResult) -> str:
    """How a passed result was checked (``checked: any 2xx status only: no body compared``); ``""`` when the
    result does not record it. A ``continued`` sequence's values are counted per example, as its badges count
    them (``checked: exact match; line_16: presence only: all 2 documented values ...``)."""
    if not result.checked:
        return ""
    words = _WORDS[result.checked].format(status=result.status_words) if result.checked in _WORDS else result.checked
    examples = result.per_example()
    if len(examples) == 1:
        words = _value_words(result, words)
    else:
        words += "".join(f"; {e.name}: {_value_words(e, f'all {e.documented_values} documented values compared')}"
                         for e in examples)
    if result.header_words:
        words += f"; headers: {result.header_words}"
    return f"checked: {words}"


def _value_words(result: ExampleResult, words: str) -> str:
    """``words`` said of a result's documented values: replaced when none was compared, extended when some."""
    missing = result.values_not_compared
    if missing == "empty":
        return "subset of a body holding no value: only its keys and containers were checked"
    if missing == "all":
        return f"presence only: all {result.documented_values} documented values taken from the response, none compared"
    if missing == "some":
        return (f"{words}; {result.presence_only} of {result.documented_values} documented values only checked "
                f"present ({PRESENCE_ONLY_SOURCES})")
    return words


def _expected_error(result: ExampleResult) -> bool:
    """A pass whose answer was an error status (``catch``, a documented 4xx): that status is what it tests."""
    last = next((e for e in reversed(result.exchanges) if e.phase == "test"), None)
    return last is not None and last.status is not None and last.status >= 400


_NOTES = (("status", "checked by status code only (no body compared)"),
          ("shape", "shape-checked (keys and JSON types only, values not compared)"),
          ("nothing", "presence-checked (every documented value taken from the response, none compared)"),
          ("empty", "subset-checked against a body holding no value (only keys and containers checked)"),
          ("some", f"checked with some documented values only found present ({PRESENCE_ONLY_SOURCES})"))


def weaker_kinds(result: ExampleResult) -> tuple[str, ...]:
    """The kinds of weaker pass a passed ``result`` counts as (keys of the notes ``passed_notes`` prints), once
    per example: a ``continued`` sequence's examples are counted by their own values, as their badges are.

    An expected-error example (its answer a 4xx or 5xx the page asks for) is not counted as
    status-only: its error status is what it tests; its own line still says so (``check_words``).
    """
    found: list[str] = []
    for example in result.per_example():
        missing = example.values_not_compared
        kinds = (("status", example.checked == "status" and not _expected_error(example)),
                 ("shape", example.checked == "shape"),
                 ("nothing", missing == "all"),
                 ("empty", missing == "empty"),
                 ("some", missing == "some"))
        found += [kind for kind, counted in kinds if counted]
    return tuple(found)


def notes_for(counts: Mapping[str, int]) -> list[str]:
    """One line per kind of weaker pass counted in ``counts`` (kind -> passed examples)."""
    return [f"{counts[kind]} of the passed examples {'were' if counts[kind] > 1 else 'was'} {what}"
            for kind, what in _NOTES if counts.get(kind)]


def passed_notes(run: RunResult) -> list[str]:
    """One line per kind of weaker pass: how many passed examples compared no value, or only some."""
    return notes_for(Counter(k for r in run.results if r.outcome is Outcome.PASSED for k in weaker_kinds(r)))
