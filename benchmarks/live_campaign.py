"""Live mutation campaign: would a replay against a REAL Flink cluster fail if the docs were wrong?

Usage::

    python benchmarks/live_campaign.py --url http://127.0.0.1:PORT      # a cluster started elsewhere
    python tests/live/flink_lane.py --hold                                # prints such a URL
    python benchmarks/live_campaign.py --url URL --values 3 --seed 2      # at most 3 places per kind and step

``benchmarks/mutation_campaign.py`` mutates the ANSWER (a loopback server answering with the documented
response). This one keeps the real answers of a real Apache Flink cluster and mutates the DOCUMENTED side
of every example of ``docs_src/flink``, one mutation per replay (through the replay API, the runner
``docharness replay`` uses):

- each documented value of a response body changed, each key removed, a key added, an array item added,
  dropped or two swapped;
- the documented status (cloud pages: ``Status code: NNN``) changed, the ``catch`` kind changed or removed;
- a literal segment of the request path changed;
- a ``CAPTURE`` reading another place of the answer (a sibling key the page documents, or none);
- a ``RETRY`` condition waiting for another value (short timeout), reading another path, or removed;
- the workflow: the named setups dropped, two adjacent examples of a ``continued`` chain swapped (each
  with its response), two adjacent responses swapped (the requests kept: a pairing error).

Each replay is classified: **caught** (it failed, as it should), **honest** (it passed and its result says
that value was not compared: a volatile path, a ``$body`` reference, a subset's extra key, a capture that
binds the same value, an answer that already held what a removed RETRY waited for), or **FALSE PASS** (it
passed while the result claims it compared what was changed). After every replay the cluster is checked
clean (no JAR left, no job running): a leftover is reported and removed, so one example never passes on
another's state (``--quick``: at most one place per kind and step, 8 mutations per item). A RETRY that times out must fail with ``failure[retry]`` and the last answer.
Prints counts per page and mutation kind, every false pass with its ``file:line``; exits 1 on any.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.config import load_config  # noqa: E402
from harness.model import Capture, Document, ExpectedResponse, MatchPolicy, Retry  # noqa: E402
from harness.parsers.loader import load  # noqa: E402
from harness.replay import PlannedTest, Replay, Step  # noqa: E402
from harness.replay.match import Volatile, parse_expected  # noqa: E402
from harness.replay.stash import is_whole_value, lookup  # noqa: E402
from harness.results import ExampleResult, FailureKind, Outcome  # noqa: E402
from mutation_campaign import changed_value, walk_json, with_replaced  # noqa: E402  (the same mutations)

PAGES = REPO / "docs_src" / "flink"
CATCHES = ("bad_request", "missing", "conflict", "request")
CATCH_STATUS = {"bad_request": 400, "missing": 404, "conflict": 409}
BASE_TIMEOUT = 20.0  # a RETRY of the page waits at most this long here (the baseline needs ~4 s)
MUTATED_TIMEOUT = 4.0  # a RETRY whose condition was mutated: long enough for the real state to change


@dataclass(frozen=True)
class Mutation:
    kind: str
    where: str  # the step origin and JSON path, for the report
    test: PlannedTest
    step: int = -1  # the step index mutated (-1: the workflow)
    path: str = ""  # the JSON path of the documented body mutated
    info: Any = None


# ------------------------------------------------------------------------------------- body mutations

def body_mutations(body: Any) -> list[tuple[str, str, Any]]:
    """(kind, path, mutated body) for a documented JSON body."""
    values, keys, arrays = [], [], []
    for path, value in walk_json(body):
        if isinstance(value, dict):
            keys += [("key-removed", f"{path}.{k}", with_replaced(body, f"{path}.{k}", None, delete=True)) for k in value]
            keys.append(("key-added", path, with_replaced(body, path, {**value, "campaign_extra": 1})))
        elif isinstance(value, list):
            if value:
                arrays.append(("array-added", path, with_replaced(body, path, [*value, value[-1]])))
                arrays.append(("array-dropped", path, with_replaced(body, path, value[:-1])))
            if len(value) >= 2 and value[0] != value[1]:
                arrays.append(("array-swapped", path, with_replaced(body, path, [value[1], value[0], *value[2:]])))
        else:
            values.append(("value", path, with_replaced(body, path, changed_value(value))))
            if isinstance(value, str) and not is_whole_value(value):
                values.append(("value-end", path, with_replaced(body, path, value + "\u00a7")))
    return values + keys + arrays


# ------------------------------------------------------------------------------------------ mutations

def _with_step(test: PlannedTest, index: int, step: Step) -> PlannedTest:
    steps = list(test.steps)
    steps[index] = step
    return replace(test, steps=tuple(steps))


def _segment_changed(path: str) -> str | None:
    """The path with its last literal (placeholder-free) segment altered at its start (Flink reads a job id's
    first 32 characters and ignores what follows: an altered end can be an equivalent request)."""
    route, query = (path.split("?", 1) + [""])[:2]
    parts = route.split("/")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] and "{" not in parts[i]:
            parts[i] = "x" + parts[i]
            return "/".join(parts) + (f"?{query}" if query else "")
    return None


def _siblings(step: Step, source: str) -> list[str]:
    """Other keys the documented answer holds next to the one a capture or retry reads."""
    if not step.expected or not source.startswith("$body."):
        return []
    try:
        body = parse_expected(step.expected[-1].body or "null")
    except ValueError:
        return []
    parent, _, leaf = source[len("$body."):].rpartition(".")
    holder = lookup(body, parent) if parent else body
    if not isinstance(holder, dict):
        return []
    return [f"$body.{parent + '.' if parent else ''}{k}" for k, v in holder.items()
            if k != leaf and not isinstance(v, (dict, list))]


def _groups(test: PlannedTest) -> list[tuple[str, list[int]]]:
    """The test's own examples in order: (origin, step indexes)."""
    out: list[tuple[str, list[int]]] = []
    for index, step in enumerate(test.steps):
        if step.phase != "test":
            continue
        if out and out[-1][0] == step.origin:
            out[-1][1].append(index)
        else:
            out.append((step.origin, [index]))
    return out


def mutations(test: PlannedTest, rnd: random.Random, limit: int) -> list[Mutation]:
    out: list[Mutation] = []
    for index, step in enumerate(test.steps):
        if step.phase != "test":
            continue
        at = step.origin
        kinds: list[Mutation] = []
        for e_index, expected in enumerate(step.expected):
            try:
                body = parse_expected(expected.body) if expected.body else None
            except ValueError:
                body = None
            if body is not None:
                for kind, path, new in body_mutations(body):
                    changed = list(step.expected)
                    changed[e_index] = replace(expected, body=json.dumps(new, indent=1))
                    kinds.append(Mutation(kind, f"{at} {path}", _with_step(test, index, replace(
                        step, expected=tuple(changed))), index, path))
            if expected.status is not None:
                for new_status in (expected.status + 1, 200 if expected.status >= 300 else 404):
                    changed = list(step.expected)
                    changed[e_index] = replace(expected, status=new_status)
                    kinds.append(Mutation("status", f"{at} {expected.status}->{new_status}", _with_step(
                        test, index, replace(step, expected=tuple(changed))), index))
        if step.catch:
            for other in [c for c in CATCHES if c != step.catch] + [None]:
                kinds.append(Mutation("catch", f"{at} catch:{step.catch}->{other}", _with_step(
                    test, index, replace(step, catch=other, expected=tuple(
                        replace(e, status=None) if e.status is not None and other is None else e
                        for e in step.expected))), index))
        elif index == _groups(test)[-1][1][-1] or not step.captures:
            kinds.append(Mutation("catch", f"{at} catch:missing added", _with_step(
                test, index, replace(step, catch="missing")), index))
        path = _segment_changed(step.request.path)
        if path is not None:
            kinds.append(Mutation("path", f"{at} {step.request.path} -> {path}", _with_step(
                test, index, replace(step, request=replace(step.request, path=path))), index))
        for c_index, capture in enumerate(step.captures):
            for source in [*_siblings(step, capture.source), capture.source + "x"]:
                captures = list(step.captures)
                captures[c_index] = replace(capture, source=source)
                kinds.append(Mutation("capture", f"{at} {capture.name}={capture.source} -> {source}", _with_step(
                    test, index, replace(step, captures=tuple(captures))), index, info=(capture, source)))
        if step.retry is not None:
            retry = step.retry
            for c_index, (subject, value) in enumerate(retry.conditions):
                for new in ((subject, value + "X"), *((s, value) for s in _siblings(step, subject))):
                    conditions = list(retry.conditions)
                    conditions[c_index] = new
                    kinds.append(Mutation("retry-condition", f"{at} until:{subject}={value} -> {new[0]}={new[1]}",
                                          _with_step(test, index, replace(step, retry=replace(
                                              retry, conditions=tuple(conditions), timeout=MUTATED_TIMEOUT))), index))
            kinds.append(Mutation("retry-removed", f"{at} RETRY removed", _with_step(
                test, index, replace(step, retry=None)), index))
        by_kind: dict[str, list[Mutation]] = defaultdict(list)
        for mutation in kinds:
            by_kind[mutation.kind].append(mutation)
        for group in by_kind.values():
            out += rnd.sample(group, limit) if limit and len(group) > limit else group
    # the workflow
    setups = [i for i, s in enumerate(test.steps) if s.phase == "setup"]
    if setups:
        out.append(Mutation("setup-dropped", "setups " + ", ".join(test.steps[i].origin for i in setups),
                            replace(test, steps=tuple(s for s in test.steps if s.phase != "setup"))))
    groups = _groups(test)
    for (first, a), (second, b) in zip(groups, groups[1:]):
        steps = list(test.steps)
        order = steps[:a[0]] + [steps[i] for i in b] + [steps[i] for i in a] + steps[b[-1] + 1:]
        out.append(Mutation("chain-swapped", f"{first} <-> {second}", replace(test, steps=tuple(order))))
        ea, eb = steps[a[-1]], steps[b[-1]]
        if ea.expected and eb.expected:
            paired = list(test.steps)
            paired[a[-1]] = replace(ea, expected=eb.expected, catch=eb.catch)
            paired[b[-1]] = replace(eb, expected=ea.expected, catch=ea.catch)
            out.append(Mutation("responses-swapped", f"{first} <-> {second} (requests kept)",
                                replace(test, steps=tuple(paired))))
    return out


# ------------------------------------------------------------------------------------- classification

def _answer_value(result: ExampleResult, step: Step, source: str) -> Any:
    """The value at ``source`` ($body.x) of the answer the step got (from the result's exchanges)."""
    for exchange in result.exchanges:
        if exchange.phase == "test" and exchange.method == step.request.method.upper() and exchange.response_body:
            try:
                body = json.loads(exchange.response_body)
            except ValueError:
                continue
            value = lookup(body, source[len("$body."):]) if source.startswith("$body.") else None
            if value is not None:
                return value
    return None


def classify(mutation: Mutation, result: ExampleResult, volatile: tuple[str, ...]) -> tuple[str, str]:
    if result.outcome is not Outcome.PASSED:
        failure = result.failures[0] if result.failures else None
        if mutation.kind == "retry-condition" and failure is not None and failure.kind is FailureKind.RETRY \
                and not failure.actual:
            return "FALSE PASS", "a RETRY timeout without the last answer"
        return "caught", failure.kind.value if failure else result.outcome.value
    kind = mutation.kind
    step = mutation.test.steps[mutation.step] if mutation.step >= 0 else None
    if kind in ("value", "value-end", "key-removed", "key-added", "array-added", "array-dropped", "array-swapped"):
        assert step is not None
        expected = step.expected[-1]
        policy = expected.match or (MatchPolicy.EXACT if "asciidoc" in result.document else MatchPolicy.SUBSET)
        vol = Volatile((*expected.volatile, *volatile))
        paths = [mutation.path]
        while paths[-1] not in ("$", ""):
            cut = max(paths[-1].rfind("."), paths[-1].rfind("["))
            paths.append(paths[-1][:cut] if cut > 0 else "$")
        if any(vol(p) for p in paths):
            return ("honest", "volatile") if result.values_not_compared else ("FALSE PASS", "volatile, undisclosed")
        if kind == "key-removed" and policy is MatchPolicy.SUBSET:
            return "honest", "subset: extra keys allowed"
        return "FALSE PASS", f"checked {result.checked}"
    if kind == "capture":
        assert step is not None
        capture, source = mutation.info
        same = _answer_value(result, step, capture.source)
        if same is not None and same == _answer_value(result, step, source):
            return "honest", "the other place holds the same value"
        return "FALSE PASS", "a capture of another value passed"
    if kind == "retry-removed":
        return "honest", "the first answer already held it (compared)"
    if kind == "chain-swapped":  # every check ran, in the swapped order, and held: what the result says happened
        return "honest", "order-independent on this server: both checks ran and held"
    return "FALSE PASS", f"{kind} passed"


# -------------------------------------------------------------------------------------------- cluster

def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def leftovers(url: str) -> list[str]:
    """What the last replay left on the cluster (JARs, running jobs); each removed."""
    found = []
    for jar in _get(url + "/jars").get("files", []):
        found.append(f"jar {jar['id']}")
        urllib.request.urlopen(urllib.request.Request(f"{url}/jars/{jar['id']}", method="DELETE"), timeout=10).close()
    for job in _get(url + "/jobs").get("jobs", []):
        if job.get("status") not in ("FINISHED", "CANCELED", "FAILED"):
            found.append(f"job {job['id']} {job.get('status')}")
            try:
                urllib.request.urlopen(urllib.request.Request(f"{url}/jobs/{job['id']}?mode=cancel", method="PATCH"),
                                       timeout=10).close()
            except urllib.error.HTTPError as exc:  # 409: it reached a terminal state meanwhile
                if exc.code != 409:
                    raise
    deadline = time.monotonic() + 30  # the slots a cancelled job held are free only once it has ended
    while found and time.monotonic() < deadline and any(
            j.get("status") not in ("FINISHED", "CANCELED", "FAILED") for j in _get(url + "/jobs").get("jobs", [])):
        time.sleep(0.2)
    return found


# ------------------------------------------------------------------------------------------------ run

def capped(test: PlannedTest) -> PlannedTest:
    return replace(test, steps=tuple(replace(s, retry=replace(s.retry, timeout=min(s.retry.timeout, BASE_TIMEOUT)))
                                     if s.retry else s for s in test.steps))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("DOCHARNESS_FLINK_URL"), help="the Flink REST URL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--values", type=int, default=0, help="places mutated per kind and step (0: all)")
    parser.add_argument("--per-item", type=int, default=0, help="mutations sampled per test item (0: all)")
    parser.add_argument("--quick", action="store_true", help="--values 1 --per-item 8: about a minute and a half")
    parser.add_argument("-k", default="", help="only test items whose node id holds this text")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("no cluster: give --url or set DOCHARNESS_FLINK_URL (tests/live/flink_lane.py --hold)")
    if args.quick:
        args.values, args.per_item = args.values or 1, args.per_item or 8
    url = args.url.rstrip("/")
    rnd = random.Random(args.seed)
    config = load_config(REPO / "docs_src" / "docharness.toml")
    documents: list[Document] = load([PAGES], root=REPO, sources=config.source_paths(), dialect=config.dialect_at)
    replay = Replay(config, environ={**os.environ, "DOCHARNESS_FLINK_URL": url}, document_root=REPO)
    tally: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    false: list[str] = []
    dirty: Counter[str] = Counter()  # test item -> replays after which the cluster was not clean
    baseline_failed: list[str] = []
    runs = 0
    started = time.perf_counter()
    leftovers(url)
    try:
        for document in documents:
            rule = replay.rule(document)
            page = document.path.removeprefix("docs_src/flink/")
            for test in replay.plan(document):
                if args.k not in test.node_id:
                    continue

                def run(planned: PlannedTest) -> ExampleResult:
                    nonlocal runs
                    runs += 1
                    result = replay.runner(document).run(planned)
                    replay.finish(document)  # a fresh runner each time: no capture survives from another run
                    left = leftovers(url)
                    if left:
                        dirty[f"{test.node_id}: " + ", ".join(sorted({" ".join(x.split()[::2]) for x in left}))] += 1
                    return result

                base = run(capped(test))
                if base.outcome is not Outcome.PASSED:
                    baseline_failed.append(f"{test.node_id}: {base.reason}")
                    continue
                found = mutations(capped(test), rnd, args.values)
                if args.per_item and len(found) > args.per_item:
                    found = rnd.sample(found, args.per_item)
                for mutation in found:
                    result = run(mutation.test)
                    verdict, why = classify(mutation, result, rule.volatile)
                    tally[(page, mutation.kind)][verdict] += 1
                    line = f"{test.node_id}  {mutation.kind}: {mutation.where}  [{why}]"
                    if verdict == "FALSE PASS":
                        false.append(line)
                    if args.verbose:
                        print(f"  {verdict:<10} {line}", flush=True)
    finally:
        replay.close()
    seconds = time.perf_counter() - started
    by_page: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for (page, kind), counts in tally.items():
        by_page[page].update(counts)
        by_kind[kind].update(counts)
        total.update(counts)
    print(f"live mutation campaign against {url}: {runs} replays in {seconds:.1f} s (seed {args.seed}, "
          f"values {args.values or 'all'} per kind and step, {args.per_item or 'all'} mutations per item)")
    for title, rows in (("per page", by_page), ("per mutation kind", by_kind)):
        print(f"\n{title:<40} {'runs':>5} {'caught':>7} {'honest':>7} {'FALSE PASS':>11}")
        for name in sorted(rows):
            c = rows[name]
            print(f"{name:<40} {sum(c.values()):>5} {c['caught']:>7} {c['honest']:>7} {c['FALSE PASS']:>11}")
    print(f"{'total':<40} {sum(total.values()):>5} {total['caught']:>7} {total['honest']:>7} {total['FALSE PASS']:>11}")
    left = [f"{count} replays of {what}" for what, count in dirty.items()]
    for title, lines in (("baselines that did not pass", baseline_failed), ("kinds of state left on the cluster", left),
                         ("false passes", false)):
        print(f"\n{len(lines)} {title}" + (":" if lines else ""))
        for line in lines:
            print(f"  {line}")
    if left:  # the pages' teardowns: a failed run must not leave a job for the next page to trip over
        print("  (a job whose tasks are not all running ignores the teardown's POST /jobs/{job_id}/stop: "
              "accepted with 202, its savepoint fails and the job keeps running; cancelled here)")
    return 1 if false or baseline_failed else 0


if __name__ == "__main__":
    sys.exit(main())
