"""One rule says which request headers are the page's example credentials: the cloud parser warns about
exactly the headers replay's prepare drops (before, the parser read ``{placeholder}`` and prepare any ``{``,
so ``Authorization: Basic {`` was warned "not sent" and sent)."""

from __future__ import annotations

import pytest

from harness.model import BodyKind, Request, Span
from harness.parsers.cloud_requests import Chunk, credential_warnings
from harness.parsers.rst import parse_rst
from harness.parsers.source_lines import is_page_credential, mask_credentials, without_page_credentials
from harness.replay.prepare import prepare
from harness.replay.target import Target
from harness.replay.variables import Variables


@pytest.mark.parametrize(("name", "value", "credential"), [
    ("Authorization", "Basic YWRtaW46c2VjcmV0", True),
    ("proxy-authorization", "Bearer abc", True),
    ("Authorization", "Basic {", True),  # a brace, not a placeholder: still the page's own value
    ("Authorization", "Bearer {token}", False),  # filled from the run's variables and sent
    ("X-Custom", "Basic YWRtaW46c2VjcmV0", False),
    ("X-Auth-Token", "MIIabcdef", True),  # a cloud page's IAM token: the same rule as Authorization
    ("x-security-token", "tmp-sec", True),
    ("X-Subject-Token", "MIIxyz", True),
    ("X-Api-Key", "k-123", True),
    ("X-Auth-Token", "{token}", False),
    ("X-Project-Id", "p1", False),
])
def test_the_parser_warns_about_what_replay_drops(name: str, value: str, credential: bool) -> None:
    span = Span("page.rst", 3)
    assert is_page_credential(name, value) is credential
    warned = credential_warnings(Chunk(None, ((name, value),), "", 4), span)
    assert [d.code for d in warned] == (["page-credentials"] if credential else [])
    request = Request("GET", "/v1/jobs", None, BodyKind.NONE, ((name, value),), span)
    prepared = prepare(request, Target("t", "http://127.0.0.1:9"), family="cloud",
                       variables=Variables({"token": "run-token"}))
    sent = {k.lower() for k, _ in prepared.headers}
    assert (name.lower() in sent) is not credential


@pytest.mark.parametrize(("line", "shown"), [
    ('curl -H "X-Auth-Token: MIIabc" https://h/v1', 'curl -H "X-Auth-Token: ***" https://h/v1'),
    ("X-Security-Token: tmp/+sec", "X-Security-Token: ***"),
    ("Cookie: a=b; c=d", "Cookie: ***"),
    ("Authorization: Basic YWRtaW4=", "Authorization: Basic ***"),
    ("X-Project-Id: p1", "X-Project-Id: p1"),
    ("My-X-Auth-Token: kept", "My-X-Auth-Token: kept"),
])
def test_a_shown_line_masks_every_credential_header(line: str, shown: str) -> None:
    assert mask_credentials(line) == shown


def test_a_published_document_holds_no_page_credential() -> None:
    page = ("Jobs\n====\n\nURI\n---\n\nGET /v1/jobs\n\nExample Request\n---------------\n\n.. code-block:: text\n\n"
            "   GET https://{endpoint}/v1/jobs\n   X-Auth-Token: MIIsecretTok\n   X-Project-Id: p1\n")
    document = parse_rst(page, "jobs.rst")
    assert "MIIsecretTok" in repr(document)
    masked = without_page_credentials(document)
    assert "MIIsecretTok" not in repr(masked)
    assert ("X-Auth-Token", "***") in masked.examples[0].requests[0].headers
    assert ("X-Project-Id", "p1") in masked.examples[0].requests[0].headers
    clean = parse_rst(page.replace("MIIsecretTok", "{token}"), "jobs.rst")
    assert without_page_credentials(clean) is clean
