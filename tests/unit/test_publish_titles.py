"""Unique page titles: qualified by what tells the pages apart, and only when needed."""

from __future__ import annotations

from harness.model import Document, Format, Operation
from harness.publish.sources import Placement, plan_pages
from harness.publish.titles import unique_titles


def titles(documents: list[Document]) -> list[str]:
    pages = plan_pages(documents, {d.path: Placement("cloud", d.path) for d in documents})
    found = unique_titles(pages, lambda p: p.document.path.split("/")[1].upper(), lambda p: p.document.path)
    return sorted(found.values())


def test_shared_titles_get_the_area_or_the_endpoint() -> None:
    documents = [
        Document("cloud/cdm/delete.rst", Format.RST, "Deleting a Job", operations=(Operation("DELETE", "/cdm/job"),)),
        Document("cloud/dli/delete.html", Format.HTML, "Deleting a Job", operations=(Operation("DELETE", "/dli/job"),)),
        Document("cloud/dli/get.html", Format.HTML, "Get Jobs",
                 operations=(Operation("GET", "/jobs/{id}"), Operation("GET", "/jobs"))),
        Document("cloud/dli/start.html", Format.HTML, "Start", operations=(Operation("POST", "/start"),)),
    ]
    assert titles(documents) == ["Deleting a Job (CDM)", "Deleting a Job (DLI)", "Get Jobs (GET /jobs)",
                                 "Get Jobs (GET /jobs/{id})", "Start"]
