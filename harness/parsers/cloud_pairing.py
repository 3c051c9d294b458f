"""Which example request of a cloud page each documented response answers.

A response shown right under its request is that request's; else the one with the request's
number ("Example request 2" / "Response to example 2"); else a request labelled as a failure takes
the failure responses in order. The other requests ("plain": not numbered, not failures) are
counted as calls: request lines of one block are one call (alternatives such as a v2 and a v2.1
form share its response), each other block is a call of its own. Their success responses are then:

- one response and one call: the call's (every alternative of it);
- as many responses as calls: by position, the first call the first response;
- calls and responses interleaved (a call, its response, the next call ...), at least two calls with a
  response after them (or one call): each call the response between it and the next call (none: warned;
  two after one lead-in, such as one "Status code: 200" label: unclear, warned);
- any other count: the page does not say which response answers which call. No request gets one
  (a guess would compare a response with an answer it was not written for, and a pass would say
  so); each is warned at its line, and only its status is checked.

A request that is not a call of the operation the page documents (another method: ``POST`` then
``GET`` to see the result; a path no URI template fits: a curl command of another API) is not
counted when the responses answer the page's own calls (one response, or one per own call): it
gets none, and is warned.
An error-shaped body with no status is a failure, never paired with a plain request.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.model import Diagnostic, Level, Span
from harness.parsers.cloud_checks import path_fits
from harness.parsers.cloud_responses import Label, Response, is_success

__all__ = ["ambiguous_warning", "documented_call", "pair", "pair_requests", "unanswered_warning", "unused_notes"]


def pair_requests(drafts: list[tuple[Label, Response | None]], responses: list[Response],
                  calls: list[tuple[str, str, int, Span, int]],
                  templates: tuple[str, ...]) -> tuple[list[Response | None], list[Diagnostic]]:
    """``pair`` for a page's test requests, with the warnings and notes it leads to.

    :param calls: each draft's request method, path, call (its block), place and request section.
    :param templates: every ``METHOD path`` the page documents.
    """
    unanswered: list[int] = []
    ambiguous: dict[int, str] = {}
    home = [documented_call(method, path, templates) for method, path, _, _, _ in calls]
    chosen = pair(drafts, responses, unanswered, home, [c[2] for c in calls], ambiguous, [c[3].line for c in calls],
                  [c[4] for c in calls])
    found = [unanswered_warning(calls[i][3], responses) for i in unanswered] + unused_notes(responses, chosen)
    return chosen, found + [ambiguous_warning(calls[i][3], why) for i, why in sorted(ambiguous.items())]


def documented_call(method: str, path: str, templates: tuple[str, ...]) -> bool:
    """Whether a request is a call of the page's operation: its method and path fit a documented ``METHOD path``
    (with no template, its method is the first one's)."""
    concrete = "/" + path.split("?", 1)[0].lstrip("/")
    for template in templates:
        verb, _, pattern = template.partition(" ")
        if verb == method and path_fits("/" + pattern.lstrip("/"), concrete):
            return True
    return False


def pair(drafts: list[tuple[Label, Response | None]], responses: list[Response],
         unanswered: list[int] | None = None, home: list[bool] | None = None,
         groups: list[int] | None = None, ambiguous: dict[int, str] | None = None,
         lines: list[int] | None = None, sections: list[int] | None = None) -> list[Response | None]:
    """The response each request draft expects (``None``: none documented), by the rules above.

    :param unanswered: gets the index of each request of another call left without the single response, and of
        each call the page shows no response after (interleaved calls and responses).
    :param home: whether each draft is a call of the page's documented operation (``documented_call``).
    :param groups: each draft's call (drafts read from one block share one); default: a call each.
    :param lines: each draft's first line, to see whether the page interleaves calls and responses;
        ``sections``: each draft's request section (two calls of one section, then a response: whose?).
    :param ambiguous: gets the index of each request left without a response because the page does not say
        which of its responses answers it, with why.
    """
    chosen: list[Response | None] = [own for _, own in drafts]
    doubt: dict[int, str] = {}
    _labelled(drafts, responses, chosen, doubt)
    if ambiguous is not None:
        ambiguous.update(doubt)
    failures = [r for r in responses if not is_success(r)]
    documents_failures = bool(failures)
    numbered_used = {id(r) for r in chosen if r is not None}
    success = [r for r in responses if is_success(r) and (r.number is None or id(r) not in numbered_used)]
    plain = [i for i, r in enumerate(chosen) if r is None and i not in doubt and (
        drafts[i][0].success is not False or drafts[i][0].caught and not documents_failures)]
    call = groups if groups is not None else list(range(len(drafts)))
    plain = _own_calls(plain, success, call, home, lines, unanswered)
    if not success or not plain:
        return chosen
    if any(not r.empty for r in success):  # "None" where no response is shown says none, beside one that is
        success = [r for r in success if not r.empty or r.status is not None]
    if len({(r.source.strip(), r.status) for r in success}) == 1:
        success = success[:1]  # the same response shown twice ("None" as example and as parameters): one answer
    calls = list(dict.fromkeys(call[i] for i in plain))
    if len(success) == 1 or len(calls) == len(success):
        for index in plain:
            chosen[index] = success[0 if len(success) == 1 else calls.index(call[index])]
        return chosen
    where = {call[i]: (sections[i] if sections is not None else call[i]) for i in plain}
    follows = _following(calls, [(call[i], lines[i]) for i in plain] if lines is not None else [], success,
                         [where[c] for c in calls])
    if follows is None:
        if ambiguous is not None:
            ambiguous.update(dict.fromkeys(plain, _counted(len(calls), "request", len(success), "success response")))
        return chosen
    found, unclear = follows
    for index in plain:
        number = calls.index(call[index])
        if number in unclear and ambiguous is not None:
            ambiguous[index] = "requests and responses in an order that leaves this one's open (two responses " \
                "after it, or another request between it and the response)"
        elif number not in unclear:
            chosen[index] = found[number]
            if chosen[index] is None and unanswered is not None:
                unanswered.append(index)
    return chosen


def _own_calls(plain: list[int], success: list[Response], call: list[int], home: list[bool] | None,
               lines: list[int] | None, unanswered: list[int] | None) -> list[int]:
    """The calls the success responses answer: the page's own (its documented operation) when the responses are
    one, or one per own call on a page that does not walk through calls; another call (a GET to see the result, a
    curl command of another API) is then set aside, in ``unanswered``."""
    own = [i for i in plain if home is not None and home[i]]
    # a response shown before a later call: the page walks through calls, each answered where it stands
    walk = lines is not None and any(lines[i] > r.span.line for r in success for i in plain)
    if own and len(own) < len(plain) and (len(success) == 1 or
                                          not walk and len({call[i] for i in own}) == len(success)):
        if unanswered is not None:
            unanswered += [i for i in plain if i not in own]
        return own
    return plain


def _counted(calls: int, what: str, answers: int, which: str) -> str:
    return f"{calls} example {what}{'s' * (calls != 1)} and {answers} {which}{'s' * (answers != 1)}"


def _distinct(responses: list[Response]) -> list[Response]:
    """The responses, the same one shown twice (same text and status) kept once."""
    return list({(r.source.strip(), r.status): r for r in reversed(responses)}.values())[::-1]


def _labelled(drafts: list[tuple[Label, Response | None]], responses: list[Response], chosen: list[Response | None],
              doubt: dict[int, str]) -> None:
    """The requests a label ties to a response: a number ("Example request 2" / "Response to example 2"), or a
    failure label, which takes the one failure response of its ``TEST[catch:...]`` status, else the failure
    responses in order. Two responses of one number or of its status, or more failure requests than failure
    responses (or fewer), leave the page unclear: those requests go to ``doubt``, with why."""
    numbered: dict[int, list[Response]] = {}
    for response in responses:
        if response.number is not None:
            numbered.setdefault(response.number, []).append(response)
    failures = [r for r in responses if not is_success(r)]
    failing = [i for i, (label, own) in enumerate(drafts) if own is None and label.success is False and
               (label.number is None or label.number not in numbered)]
    shown_failures = list(failures)
    balanced = len(failing) == len(failures)  # failure requests and responses pair in order
    for index, (label, own) in enumerate(drafts):
        if own is not None:
            continue
        if label.number is not None and label.number in numbered:
            shown = numbered[label.number]
            fitting = _distinct([r for r in shown if is_success(r) != (label.success is False)] or shown)
            if len(fitting) == 1:
                chosen[index] = fitting[0]
            else:
                doubt[index] = f"{len(fitting)} responses numbered {label.number}"
        elif index in failing and failures:
            own_status = _distinct([r for r in failures if label.status is not None and r.status == label.status])
            if len(own_status) == 1 or not own_status and balanced:
                wanted = own_status[0] if own_status else failures[0]
                failures.remove(wanted)
                chosen[index] = wanted
            elif own_status:
                doubt[index] = f"{len(own_status)} failure responses of status {label.status}"
            else:
                doubt[index] = _counted(len(failing), "failure request", len(shown_failures), "failure response")


def _following(calls: list[int], starts: list[tuple[int, int]], success: list[Response],
               sections: list[int]) -> tuple[list[Response | None], set[int]] | None:
    """Each call's response when the page shows them interleaved (a call, its response, the next call ...): the
    response between it and the next call; ``None`` when they are not interleaved (all the responses after the
    last of several calls, or before the first), so the page does not say which answers which. Unclear (by
    position): a call after which two responses follow one lead-in ("Status code: 200", then two blocks) or
    carry numbers ("Example response 1", "Example response 2" after an unnumbered request), and two calls of
    one request section with no response between them and one after (``sections``)."""
    if not starts:
        return None
    first = {c: min(line for g, line in starts if g == c) for c in calls}
    bounds = [first[c] for c in calls] + [1 << 30]
    found: list[Response | None] = []
    unclear: set[int] = set()
    for number in range(len(calls)):
        gap = _distinct([r for r in success if bounds[number] < r.span.line < bounds[number + 1]])
        if len(gap) >= 2 and (gap[0].group == gap[1].group or None not in (gap[0].number, gap[1].number)):
            unclear.add(number)  # one lead-in over both, or "Example response 1" / "2": alternatives
        found.append(gap[0] if gap and number not in unclear else None)
    if sum(r is not None for r in found) + len(unclear) < min(2, len(calls)):  # calls with responses after them
        return None
    for number in range(1, len(calls)):
        if found[number - 1] is None and found[number] is not None and sections[number - 1] == sections[number]:
            unclear.update((number - 1, number))
            found[number] = None
    return found, unclear


def ambiguous_warning(span: Span, why: str) -> Diagnostic:
    """A request left without a response because the page does not say which of its responses answers it."""
    return Diagnostic(
        Level.WARNING, "ambiguous-response",
        f"the page shows {why}, and does not say which response answers this request: its response is not "
        "checked, only its status", span,
        hint="number them ('Example request 2' / 'Response to example 2'), or show one response per request, "
        "in the same order")


def unanswered_warning(span: Span, responses: list[Response]) -> Diagnostic:
    """A request of another method left without the page's single success response (``pair``)."""
    count = sum(1 for r in responses if is_success(r))
    return Diagnostic(
        Level.WARNING, "request-without-response",
        f"this request has no example response of its own: the page shows {count} success "
        f"response{'s' * (count != 1)}, each paired with another request; only its status is checked", span,
        hint="add its response, or number requests and responses ('Example request 3' / 'Response to example 3')")


def unused_notes(responses: list[Response], chosen: Iterable[Response | None]) -> list[Diagnostic]:
    """An info note at each documented response no request is paired with: it is shown, never checked."""
    used = {id(r) for r in chosen if r is not None}
    return [Diagnostic(
        Level.INFO, "response-not-checked", f"this {'failure' if not is_success(r) else 'example'} response "
        f"{'(status ' + str(r.status) + ') ' if r.status is not None else ''}is not checked: no example request on "
        "the page is paired with it", r.span,
        hint="give it a request of its own (a failing one labelled 'Failed sample request' or with "
        ".. TEST[catch:...]), or number them ('Example request 2' / 'Response to example 2')")
        for r in responses if id(r) not in used and not r.empty]
