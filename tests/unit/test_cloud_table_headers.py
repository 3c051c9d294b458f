"""Tables whose headers say their role in other words: read when sure, else a warning, never dropped unsaid."""

from __future__ import annotations

from pathlib import Path

from harness.parsers.html import parse_html

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "html" / "tables-headers-in-words.html"


def test_role_words_are_read_and_an_unreadable_table_is_a_warning_at_its_line() -> None:
    document = parse_html(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    (operation,) = document.operations
    # "Name | Mandatory (Yes/No) | Data Type (length) | Meaning": every column read
    assert [(p.name, p.required, p.type, p.description) for p in operation.parameters] == [
        ("force", True, "Boolean", "Force it")]
    # "Param | ..." names no parameter column, "HTTP Code | Meaning" no status column: both said, at their lines
    warned = [(d.code, d.span.line) for d in document.diagnostics]
    assert warned == [("table-not-read", 4), ("table-not-read", 13)]
    assert "'Param'" in document.diagnostics[0].message and "status code" in document.diagnostics[1].message
    assert operation.status_codes == ()  # not guessed from the unread table


def test_a_header_only_mentioning_a_role_word_is_not_read_as_that_role() -> None:
    from harness.parsers.cloud_tables import _columns
    from harness.parsers.page import Cell

    def roles(*header: str) -> dict[str, int]:
        return _columns(tuple(Cell(text) for text in header))

    assert roles("Action", "Required Permission") == {}  # a permissions table: no warning, no parameter
    assert roles("Name", "Type of change") == {"name": 0}
    assert roles("Name", "Required or not", "Value type") == {"name": 0, "required": 1, "type": 2}
