"""`-j 2` builds: the http domain merges what parallel readers found and forgets removed pages."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from harness.commands.publish import build
from harness.model import Document, Example, Format, Operation, Request, Span


def document(number: int) -> Document:
    path = f"cloud/svc/op{number:02d}.rst"
    return Document(path, Format.RST, f"Operation {number}",
                    operations=(Operation("GET", f"/v1/{{project_id}}/things{number}", f"Operation {number}"),),
                    examples=(Example("line_9", Span(path, 9), requests=(Request("GET", f"/v1/p/things{number}"),)),))


def routing_table(out: Path) -> str:
    return " ".join(html.parse(str(out / "site" / "http-routingtable.html")).getroot().text_content().split())


def test_parallel_build_lists_every_endpoint_and_forgets_removed_pages(tmp_path: Path) -> None:
    documents = [document(n) for n in range(14)]
    build(documents, None, tmp_path, source_root=tmp_path, jobs=2)
    table = routing_table(tmp_path)
    assert all(f"GET /v1/{{project_id}}/things{n} " in table + " " for n in range(14))

    build(documents[1:], None, tmp_path, source_root=tmp_path, jobs=2)
    table = routing_table(tmp_path)
    assert "things0 " not in table + " " and "GET /v1/{project_id}/things13" in table
    assert not (tmp_path / "site-src" / "ops" / "cloud-svc-op00.rst").exists()
