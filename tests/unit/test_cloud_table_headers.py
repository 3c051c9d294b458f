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


def test_response_fields_are_told_apart_by_location_in_one_place() -> None:
    """A "Response header parameters" table and a body table: ``response_fields`` gives each side, the one
    filter the example checks (body fields) and the expected responses (headers, file downloads) use."""
    from harness.parsers.cloud_tables import RESPONSE_HEADER, response_fields
    from harness.parsers.rst import parse_rst

    page = ("Obtaining a token\n=================\n\nURI\n---\n\nPOST /v3/auth/tokens\n\nResponse Parameters\n"
            "-------------------\n\n.. table:: **Table 3** Response header parameters\n\n"
            "   =============== ========= ======== ==================\n"
            "   Parameter       Mandatory Type     Description\n"
            "   =============== ========= ======== ==================\n"
            "   X-Subject-Token Yes       String   Signed token.\n"
            "   =============== ========= ======== ==================\n\n"
            ".. table:: **Table 4** Response body parameters\n\n"
            "   =============== ========= ======== ==================\n"
            "   Parameter       Mandatory Type     Description\n"
            "   =============== ========= ======== ==================\n"
            "   token           Yes       Object   The token.\n"
            "   =============== ========= ======== ==================\n")
    (operation,) = parse_rst(page, "token.rst").operations
    assert [f.name for f in response_fields(operation)] == ["token"]
    assert [f.name for f in response_fields(operation, RESPONSE_HEADER)] == ["X-Subject-Token"]
    assert response_fields(None) == ()
