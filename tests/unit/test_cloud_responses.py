"""Example responses of cloud pages: labels, the state they set, and pairing with requests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.model import Span
from harness.parsers.cloud_pairing import pair
from harness.parsers.cloud_responses import Label, Response, ResponseState, is_success, label_of, status_line

SPAN = Span("p.rst", 1)


@pytest.mark.parametrize(("text", "label"), [
    ("Example request 2: a name that is too long", Label(2, None)),
    ("Response to example 2 (status code 400)", Label(2, None)),
    ("Failed sample request (the topic exists)", Label(None, False)),
    ("Successful sample response", Label(None, True)),
    ("Example abnormal response", Label(None, False)),
    ("Response (failure)", Label(None, False)),
    ("Normal", Label(None, True)),
    ("Querying failed tasks", Label(None, None)),  # a request about failures is not a failure
    ("Retrying a failed job", Label(None, None)),
    ("Example request 1 (using a password to remotely log in to an ECS with OS reinstalled)", Label(1, None)),
])
def test_label_of(text: str, label: Label) -> None:
    assert label_of(text) == label


def response(status: int | None = None, success: bool | None = None, number: int | None = None,
             source: str = '{"id": "1"}', line: int = 0, group: int = 0) -> Response:
    return Response(replace(SPAN, line=line) if line else SPAN, source, status, success, number, group=group)


def test_error_shaped_bodies_without_status_are_failures() -> None:
    assert not is_success(response(source='{"error": {"code": "x", "message": "y"}}'))
    assert not is_success(response(source='{"error_code": "A.1", "error_msg": "bad"}'))
    assert is_success(response(source='{"error_code": null, "data": [], "total": 0, "page": 1}'))
    assert is_success(response(status=200, source='{"error_code": "A.1", "error_msg": "bad"}'))


def test_pairing_by_own_response_number_failure_then_position() -> None:
    ok1, ok2, bad, second = response(200), response(200), response(400), response(201, number=2)
    own = response(200)
    chosen = pair([(Label(), None), (Label(2, None), None), (Label(None, False), None), (Label(), own),
                   (Label(), None)], [ok1, bad, second, ok2])
    assert chosen == [ok1, second, bad, own, ok2]


def test_a_single_success_response_serves_every_plain_request() -> None:
    only = response()
    assert pair([(Label(), None)] * 3, [only, response(source='{"error": {"code": "x"}}')]) == [only] * 3


def test_more_requests_than_success_responses_in_separate_sections_pair_none_and_say_so() -> None:
    # three calls, then two responses after the last: which answers which is not said, and a positional guess
    # compared the second call's answer with a response written for another (the pairing campaign's finding)
    first, second = response(200, line=40), response(201, line=45)
    ambiguous: dict[int, str] = {}
    chosen = pair([(Label(), None)] * 3 + [(Label(None, False), None)], [first, second], [], groups=[1, 2, 3, 4],
                  ambiguous=ambiguous, lines=[10, 20, 30, 35])
    assert chosen == [None, None, None, None]
    # the failure request has no failure response: another situation, not reported here
    assert ambiguous == dict.fromkeys([0, 1, 2], "3 example requests and 2 success responses")


def test_interleaved_requests_and_responses_pair_by_what_follows_each_call() -> None:
    # a call and its response, a call with none, a call and its response, then a response with no call of its own
    own, later, extra = (response(200, source=f'{{"id": "{n}"}}', line=n) for n in (12, 32, 50))
    unanswered: list[int] = []
    chosen = pair([(Label(), None)] * 4, [own, later, extra], unanswered, groups=[1, 2, 3, 4], ambiguous={},
                  lines=[10, 20, 30, 40])
    assert [c.span.line if c else None for c in chosen] == [12, None, 32, 50]
    assert unanswered == [1]


def test_one_request_takes_the_response_after_it_unless_two_follow_one_lead_in() -> None:
    # "The response is as follows:" and "Another sample response:" each lead in their own block: the first is
    # the request's; two blocks under one "Status code: 200" (or "JSON format" prose) are alternatives
    first = response(200, source='{"a": 1}', line=20, group=1)
    second = response(200, source='{"b": 2}', line=30, group=2)
    assert pair([(Label(), None)], [first, second], [], groups=[1], ambiguous={}, lines=[10]) == [first]
    same = replace(second, group=1)
    ambiguous: dict[int, str] = {}
    assert pair([(Label(), None)], [first, same], [], groups=[1], ambiguous=ambiguous, lines=[10]) == [None]
    assert list(ambiguous) == [0]


def test_two_calls_of_one_section_then_one_response_leave_both_open() -> None:
    # a walk-through: a call and its response, then two calls of one section and a response after both
    own, later = response(200, source='{"a": 1}', line=12, group=1), response(200, source='{"b": 2}', line=40, group=2)
    ambiguous: dict[int, str] = {}
    chosen = pair([(Label(), None)] * 3, [own, later], [], groups=[1, 2, 3], ambiguous=ambiguous,
                  lines=[10, 20, 30], sections=[1, 2, 2])
    assert chosen == [own, None, None] and sorted(ambiguous) == [1, 2]


def test_state_flushes_a_stated_status_with_no_block_and_numbers_do_not_carry_over() -> None:
    out: list[Response] = []
    state = ResponseState()
    state.label(Label(None, True), SPAN, out)  # "Success response"
    state.status_label(204, SPAN, Label(), out)  # "HTTP status code 204", no block follows
    state.label(Label(None, False), SPAN, out)  # "Failure response"
    assert [(r.status, r.empty) for r in out] == [(204, True)]
    state.status_label(200, SPAN, Label(1, None), out)
    state.add(response(200, number=state.number), out)
    state.status_label(400, SPAN, Label(), out)
    assert state.number is None
    state.label(Label(None, True), SPAN, out)  # "Success response" after "Status code: 400": a new group
    assert (state.status, state.success, [(r.status, r.empty) for r in out][-1]) == (None, True, (400, True))
    state.status_label(200, SPAN, Label(), out)
    state.label(Label(None, True), SPAN, out)  # "Normal response to the GET operation": describes the 200
    assert (state.status, state.stated) == (200, SPAN)


def test_status_line() -> None:
    assert status_line("HTTP/1.1 201 Created\nContent-Type: application/json\n\n{\"a\": 1}") == (201, '{"a": 1}', 3)
    assert status_line("HTTP/1.1 204 No Content") == (204, "", 1)
    assert status_line('{"a": 1}') == (None, '{"a": 1}', 0)


FAILURE_ONLY_SHOWN = """Creating a Resource
===================

URI
---

POST /v1/{project_id}/resources

Example Request
---------------

.. code-block:: text

   POST /v1/p1/resources
   {"name": "test"}

Example Response
----------------

-  Success response

   .. code-block::

      {"resourceId": "r-1"}

-  Failure response

   HTTP status code 400

   .. code-block::

      {"error_code": "DLF.6259", "error_msg": "Files of the same name exist in the directory."}
"""


def test_a_response_no_request_is_paired_with_is_noted_as_not_checked() -> None:
    from harness.model import Level
    from harness.parsers.html import parse_html
    from harness.parsers.rst import parse_rst

    document = parse_rst(FAILURE_ONLY_SHOWN, "p.rst")
    [example] = document.examples
    assert example.expected[0].body == '{"resourceId": "r-1"}'
    notes = [(d.level, d.code, d.span.line) for d in document.diagnostics]
    assert notes == [(Level.INFO, "response-not-checked", 30)]  # shown, never checked: said, not silent
    assert "(status 400)" in document.diagnostics[0].message
    html = ('<html><body><h1>Create</h1><div class="section"><h4 class="sectiontitle">Example Request</h4>'
            '<pre class="screen">POST /v1/p1/resources\n{"name": "a"}</pre></div>'
            '<div class="section"><h4 class="sectiontitle">Example Response</h4>'
            '<pre class="screen">{"id": "1"}</pre><p>Or</p>\n'
            '<pre class="screen">{"error": {"code": "Ecs.0005", "message": "bad"}}</pre></div></body></html>')
    shown = parse_html(html, "p.html")
    assert [d.code for d in shown.diagnostics] == ["response-not-checked"]
    assert [e.expected[0].body for e in shown.examples] == ['{"id": "1"}']
