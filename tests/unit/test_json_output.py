"""``extract --json``'s writer: orjson's JSON is the reference codec's, and what orjson refuses is still written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from harness.commands.json_output import write_json
from harness.model import Diagnostic, Document, Format, Level, Span, to_json
from harness.parsers.loader import load

REPO = Path(__file__).resolve().parents[2]


def _ordered(text: str) -> Any:
    return json.loads(text, object_pairs_hook=lambda pairs: ("object", pairs))  # key order counts


def _written(documents: list[Document], indent: int | None, encoding: str = "utf-8") -> tuple[str, bytes]:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="\n")
    out.write("before ")  # text already in the text layer comes first
    write_json(documents, out, indent)
    out.flush()
    data = raw.getvalue()
    return data.decode(encoding, errors="surrogateescape"), data


def _documents() -> list[Document]:
    return load([REPO / "docs_src" / "elasticsearch"], root=REPO, jobs=1)


def test_compact_json_holds_the_reference_codecs_keys_order_and_values() -> None:
    documents = _documents()
    assert any(d.examples for d in documents) and any(d.operations for d in documents)
    text, _ = _written(documents, None)
    assert text.startswith("before [") and text.endswith("]\n") and text.count("\n") == 1
    assert _ordered(text.removeprefix("before ")) == _ordered(to_json(documents, indent=None))


def test_indent_2_is_the_standard_librarys_text_and_other_indents_are_written_by_it() -> None:
    documents = _documents()[:3]
    for indent in (2, 4):
        text, _ = _written(documents, indent)
        assert text == "before " + to_json(documents, indent=indent) + "\n"


def test_a_value_orjson_refuses_is_written_by_the_reference_codec() -> None:
    # a file name that is not UTF-8 reaches the model as a lone surrogate (surrogateescape); orjson refuses it
    path = "docs/caf\udce9.asciidoc"
    span = Span(path, 1)
    documents = [Document(path=path, format=Format.ASCIIDOC,
                          diagnostics=(Diagnostic(Level.ERROR, "not-utf8", "bad", span),))]
    text, data = _written(documents, None)
    assert text == "before " + to_json(documents, indent=None) + "\n"
    assert b"caf\xe9.asciidoc" in data  # the original byte, as the terminal's surrogateescape writes it


def test_a_stdout_that_is_not_utf8_gets_the_text_through_its_own_encoding() -> None:
    documents = [Document(path="docs/caf\u00e9.asciidoc", format=Format.ASCIIDOC, title="\u00e9t\u00e9")]
    text, data = _written(documents, None, encoding="latin-1")
    assert b"\xe9t\xe9" in data and b"\xc3" not in data  # latin-1 bytes, not UTF-8 ones
    assert _ordered(text.removeprefix("before ")) == _ordered(to_json(documents, indent=None))


def test_the_dicts_orjson_is_given_write_what_its_own_walk_of_the_dataclasses_writes() -> None:
    import orjson

    documents = _documents()
    _, data = _written(documents, None)
    assert data == b"before " + orjson.dumps(documents) + b"\n"  # byte for byte, both layouts
    _, data = _written(documents[:3], 2)
    assert data == b"before " + orjson.dumps(documents[:3], option=orjson.OPT_INDENT_2) + b"\n"
