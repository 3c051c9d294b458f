"""Page metadata: title, request lines, parameters, privileges, status codes, comment blocks."""

from __future__ import annotations

import random
import re

import pytest

from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.asciidoc_meta import plain

SEVEN_X = """[[ml-close-job]]
= Close {anomaly-jobs} API
++++
<titleabbrev>Close jobs</titleabbrev>
++++

Closes one or more {anomaly-jobs}.

[[ml-close-job-request]]
== {api-request-title}

`POST _ml/anomaly_detectors/<job_id>/_close` +

`POST _ml/anomaly_detectors/_all/_close`

[[ml-close-job-prereqs]]
== {api-prereq-title}

Requires the `manage_ml` cluster privilege. See <<security-privileges,Security privileges>>.

[[ml-close-job-path-parms]]
== {api-path-parms-title}

`<job_id>`::
(Required, string) Identifier for the job. It can be a job identifier,
a group name, or a wildcard expression.

[[ml-close-job-query-parms]]
== {api-query-parms-title}

`allow_no_match`::
(Optional, Boolean) What to do when no jobs match.

`force`::
(Optional, Boolean) Use to close a failed job.

[[ml-close-job-response-codes]]
== {api-response-codes-title}

`404` (Missing resources)::
  If `allow_no_match` is `false`, this code indicates that there are no
  resources that match the request.

////
`500`::
  commented out, never read
////
"""


def test_seven_x_page() -> None:
    document = parse_asciidoc(SEVEN_X, "close-job.asciidoc")
    assert document.title == "Close {anomaly-jobs} API" and document.description == "Closes one or more {anomaly-jobs}."
    first, second = document.operations
    assert (first.method, first.path, second.path) == (
        "POST", "_ml/anomaly_detectors/<job_id>/_close", "_ml/anomaly_detectors/_all/_close")
    assert first.span is not None and first.span.line == 12
    assert [(p.name, p.location, p.required, p.type) for p in first.parameters] == [
        ("job_id", "path", True, "string"), ("allow_no_match", "query", False, "Boolean"),
        ("force", "query", False, "Boolean")]
    assert first.parameters[0].description.startswith("Identifier for the job. It can be a job identifier, a group")
    assert first.authorization == "Requires the manage_ml cluster privilege. See Security privileges."
    assert [(c.code, c.description[:9]) for c in first.status_codes] == [(404, "If allow_")]


def test_request_body_parameters_and_no_request_line() -> None:
    text = "= Page\n\n== Request Body\n\n`name`::\n  (string) The name.\n"
    document = parse_asciidoc(text, "p.asciidoc")
    assert document.operations == () and document.title == "Page"


def test_plain_text() -> None:
    assert plain("see <<a,the docs>> and <<b>> or {ref}/x.html[Security]  `x` ") == "see the docs and b or Security x"


LINK = re.compile(r"\S*\[([^\]]+)\]")  # what plain() does with links and macros, as one (backtracking) regex


@pytest.mark.parametrize("text", ["link:x[a[b]", "a[] b[c] d", "[[x]] [y", "x" * 500 + " [a]", "[ " * 50 + "]",
                                  "a[b\nc] d[]e]", "ú[é] [", "]]] [[[ ]"])
def test_plain_links_are_the_regex_substitution(text: str) -> None:
    assert plain(text) == " ".join(LINK.sub(r"\1", text).replace("`", "").split())


def test_plain_links_agree_with_the_regex_on_random_text() -> None:
    rnd = random.Random(4)
    pieces = ["[", "]", " ", "a", "\n", "\t", "[]", "[a]", "]]", "[["]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        assert plain(text) == " ".join(LINK.sub(r"\1", text).replace("`", "").split()), text


def test_a_line_of_open_brackets_is_plain_text_at_once() -> None:
    assert plain("[" * 5000 + " x]") == "x"  # the run's last '[' opens the link
    assert plain("[" * 5000) == "[" * 5000  # the regex alone takes minutes here (cubic backtracking)
