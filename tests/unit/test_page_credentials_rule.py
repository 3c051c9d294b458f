"""One rule says which request headers are the page's example credentials: the cloud parser warns about
exactly the headers replay's prepare drops (before, the parser read ``{placeholder}`` and prepare any ``{``,
so ``Authorization: Basic {`` was warned "not sent" and sent)."""

from __future__ import annotations

import pytest

from harness.model import BodyKind, Request, Span
from harness.parsers.cloud_requests import Chunk, credential_warnings
from harness.parsers.source_lines import is_page_credential
from harness.replay.prepare import prepare
from harness.replay.target import Target
from harness.replay.variables import Variables


@pytest.mark.parametrize(("name", "value", "credential"), [
    ("Authorization", "Basic YWRtaW46c2VjcmV0", True),
    ("proxy-authorization", "Bearer abc", True),
    ("Authorization", "Basic {", True),  # a brace, not a placeholder: still the page's own value
    ("Authorization", "Bearer {token}", False),  # filled from the run's variables and sent
    ("X-Custom", "Basic YWRtaW46c2VjcmV0", False),
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
