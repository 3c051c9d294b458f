"""Response-mutation campaign: does every pass hold only what its result says was checked?

Usage::

    python benchmarks/mutation_campaign.py                 # every page, every mutation (about a minute)
    python benchmarks/mutation_campaign.py --quick         # 8 pages per project, 4 places per kind
    python benchmarks/mutation_campaign.py --seed 3 --pages 4 --values 3 --cloud-policies subset
    python benchmarks/mutation_campaign.py --plant         # a known defect planted: must be found

For every example of ``docs_src`` and (when present) of ``/work/shared/corpus-sample`` (es6
AsciiDoc, otc-rst, otc-html; ``--samples`` adds ``tests/samples``), a loopback server answers
each request of the test item with the documented response: the baseline. An example whose
baseline does not pass is skipped and counted. Then each documented answer is mutated, one
mutation per run, and the item replayed through the replay API (the runner ``docharness
replay`` uses): each scalar value changed (string altered at its start and at its end, number
+ 1, boolean flipped, null made a value, a value made null; the same value as another JSON type: ``1``
as ``1.0``, ``true`` as ``"true"``, ``"7"`` as ``7``), each key removed, a key added, each
key given twice (a changed value, then the documented one: ``answer-repeats-key``), an array's item
dropped, added or two swapped, another documented answer of the page swapped in,
the status of every test request changed (``200`` to ``201``; a success to ``400``, an error
to ``200``), the Content-Type changed, the body replaced by non-JSON. An example that documents
no response has its statuses mutated alone (``status-only`` rows). A documented response that
gives a key twice is counted as ``duplicate-key``: a reader keeps the last value, so a pass that
claims its values verified compared the earlier one with nothing.

Each mutation is then classified: caught (the item failed, as it should), honest (it passed, and
the result says that value was not compared: shape- or status-only, a ``$body`` reference, a
volatile path, a status rule that admits it, a subset's extra key), a **false pass** (the result
claims it verified), or "known: truth3" (a Content-Type the result claims compared: another helper's
item; one it does not claim is honest). Cloud pages
also run under each of ``--cloud-policies`` (default ``subset,shape``), Elasticsearch-family pages
under ``--es-policies`` (``subset``). Prints counts per format and per mutation kind, every false
pass with its ``file:line``, and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness.config import Config, load_config
from harness.model import BodyKind, Document, ExpectedResponse, MatchPolicy
from harness.parsers.loader import load
from harness.replay import PlannedTest, Replay, Step
from harness.replay.expect import status_rule
from harness.parsers.locate import locate
from harness.replay.match import Volatile, compile_regex, is_prefix, is_regex, parse_expected
from harness.replay.stash import is_body_reference, is_whole_value
from harness.replay.variables import PLACEHOLDER, normalize
from harness.results import ExampleResult, Outcome

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path("/work/shared/corpus-sample")
JSON_TYPE = "application/json; charset=UTF-8"
CATCH_STATUS = {"bad_request": 400, "unauthorized": 401, "forbidden": 403, "missing": 404,
                "request_timeout": 408, "conflict": 409, "unavailable": 503}  # the spec's table, §9.3
PLACEHOLDER_VALUES = {"string", "integer", "int", "long", "number", "boolean", "bool", "object", "array", "float",
                      "double", "xxx", "..."}
VERDICTS = ("caught", "honest", "FALSE PASS", "known: truth3")


@dataclass(frozen=True)
class Answer:
    """What the loopback server sends for one request."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()


DEFAULT = Answer(200, b'{"acknowledged": true}')


class Script:
    """The answers of one test item's requests, in plan order; a request the plan does not hold gets DEFAULT.

    A step with RETRY is answered again while the same request comes back, before the plan moves on.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.steps: list[tuple[str, Answer, bool]] = []
        self.at = 0
        self.last: tuple[str, str] = ("", "")

    def load(self, steps: list[tuple[str, Answer, bool]]) -> None:
        with self.lock:
            self.steps, self.at, self.last = steps, 0, ("", "")

    def answer(self, method: str, path: str) -> Answer:
        with self.lock:
            again, self.last = self.last == (method, path), (method, path)
            if again and self.at and self.steps[self.at - 1][2]:
                return self.steps[self.at - 1][1]
            for index in range(self.at, len(self.steps)):
                if self.steps[index][0] == method:
                    self.at = index + 1
                    return self.steps[index][1]
            return DEFAULT


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # head and body in one write: a separate small write waits on the client's delayed ACK
    disable_nagle_algorithm = True
    script: Script

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        answer = self.script.answer(self.command, self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


# ------------------------------------------------------------------------------------------ projects

@dataclass
class Project:
    """Pages replayed with one configuration."""

    label: str
    config: Config
    root: Path
    documents: list[Document]
    variables: dict[str, str]


def _placeholders(documents: list[Document], known: dict[str, str]) -> dict[str, str]:
    """A value for every ``{name}`` the pages' requests hold and the configuration does not."""
    have = {normalize(k) for k in known}
    found: dict[str, str] = {}
    for document in documents:
        for example in document.examples:
            for request in example.requests:
                texts = [request.path, request.body or "", *(v for _, v in request.headers)]
                for text in texts:
                    for name in PLACEHOLDER.findall(text):
                        if normalize(name) not in have:
                            found[name] = f"v-{normalize(name)}"
    return found


def _corpus_config(folder: Path, family: str, documents: list[Document] | None, work: Path) -> Config:
    names = sorted({n for d in documents or () for e in d.examples for n in e.setups})
    downs = sorted({n for d in documents or () for e in d.examples for n in e.teardowns})
    text = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n[targets.t]\nurl = "http://127.0.0.1:9"\n'
            f'[[sources]]\npaths = ["**"]\nfamily = "{family}"\nmatch = "{"exact" if family == "elasticsearch" else "subset"}"\n'
            "[setups]\n" + "".join(f'{json.dumps(n)} = "GET /_campaign/setup"\n' for n in names)
            + "[teardowns]\n" + "".join(f'{json.dumps(n)} = "GET /_campaign/teardown"\n' for n in downs))
    path = work / f"{folder.name}.toml"
    path.write_text(text, encoding="utf-8")
    return replace(load_config(path), path=folder / "docharness.toml")


def projects(work: Path, samples: bool = False) -> list[Project]:
    out = []
    config = load_config(REPO / "docs_src" / "docharness.toml")
    own = [REPO / "docs_src" / f for f in ("elasticsearch", "cloud", "flink", "guide/examples")]
    documents = load([f for f in own if f.is_dir()], root=REPO, sources=config.source_paths(), dialect=config.dialect_at)
    stand_in = work / "upload.bin"  # the file a setup uploads may not exist here (the live lane builds it)
    stand_in.write_bytes(b"campaign")
    config = replace(config, multipart={k: tuple(replace(f, file=str(stand_in)) if f.file else f for f in parts)
                                        for k, parts in config.multipart.items()})
    out.append(Project("docs_src", config, REPO, documents, _placeholders(documents, config.variables)))
    folders = [(CORPUS / "es6", "elasticsearch"), (CORPUS / "otc-rst", "cloud"), (CORPUS / "otc-html", "cloud")]
    if samples:  # the project's regression pages: one pattern each
        folders += [(REPO / "tests" / "samples" / n, f) for n, f in (("replay", "elasticsearch"),
                                                                      ("asciidoc", "elasticsearch"),
                                                                      ("rst", "cloud"), ("html", "cloud"))]
    for folder, family in folders:
        name = folder.name if folder.parent == CORPUS else f"samples/{folder.name}"
        if not folder.is_dir():
            continue
        first = _corpus_config(folder, family, None, work)
        documents = load([folder], root=folder, dialect=first.dialect_at)
        config = _corpus_config(folder, family, documents, work)
        out.append(Project(name, config, folder, documents, _placeholders(documents, {})))
    return out


def policy_variants(config: Config, extra: dict[str, list[str]]) -> Iterator[tuple[str, Config]]:
    """The configuration as written, then with every source of a family under each extra policy of it."""
    yield "", config
    for family, policies in extra.items():
        for policy in policies:
            rules = tuple(replace(r, match=MatchPolicy(policy)) if r.family == family else r for r in config.rules)
            if rules != config.rules:
                yield f"{family}:{policy}", replace(config, rules=rules)


# ------------------------------------------------------------------------------------------ answers

def walk_json(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every (path, value) of a JSON value, containers included, in the matchers' path syntax."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_json(item, f"{path}[{index}]")


def _at(value: Any, path: str) -> Any:
    return dict(walk_json(value)).get(path, _NONE)


_NONE = object()


def with_replaced(value: Any, path: str, new: Any, *, delete: bool = False) -> Any:
    """A copy of ``value`` with the item at ``path`` replaced (or deleted)."""
    if path == "$":
        return new
    copy = json.loads(json.dumps(value))
    for parent_path, parent in walk_json(copy):
        children = parent.items() if isinstance(parent, dict) else enumerate(parent) if isinstance(parent, list) else ()
        for key, _ in list(children):
            child = f"{parent_path}.{key}" if isinstance(parent, dict) else f"{parent_path}[{key}]"
            if child == path:
                if delete:
                    del parent[key]
                else:
                    parent[key] = new
                return copy
    return copy


def _concrete(expected: ExpectedResponse, family: str) -> Any:
    """The documented body with the values it leaves open (``$body`` references, patterns) made concrete:
    the page's own value at that place when it shows one."""
    wanted = parse_expected(expected.body or "")
    try:
        shown = parse_expected(expected.source)
    except ValueError:
        shown = _NONE
    out = wanted
    for path, value in list(walk_json(wanted)):
        reference = is_whole_value(value) and (family == "elasticsearch" or is_body_reference(value))
        if reference or (family == "elasticsearch" and is_regex(value)):
            original = _at(shown, path) if shown is not _NONE else _NONE
            usable = original is not _NONE and original is not None and not isinstance(original, (dict, list)) \
                and not (isinstance(original, str) and original.startswith("$"))
            out = with_replaced(out, path, original if usable else "campaign-value")
    return out


def _status(step: Step, body: Any) -> int:
    documented = [e.status for e in step.expected if e.status is not None]
    if documented:
        return documented[-1]
    told = body.get("status") if isinstance(body, dict) else None
    if step.catch in CATCH_STATUS:
        return CATCH_STATUS[step.catch]
    if step.catch:
        return told if isinstance(told, int) and told >= 400 and told not in CATCH_STATUS.values() else 500
    return step.statuses[0] if step.statuses else 200


def _warnings(step: Step) -> tuple[tuple[str, str], ...]:
    return tuple(("Warning", f'299 Elasticsearch-6.3.2 "{w}"') for w in step.warnings)


def _fill(body: Any, subject: str, value: str) -> Any:
    """``body`` holding ``value`` at a ``$body.a.0.b`` subject (a RETRY condition, a CAPTURE source)."""
    parts = [p for p in subject.split("~")[0].removeprefix("$body").split(".") if p]
    if not parts or not isinstance(body, dict):
        return body
    wanted: Any = int(value) if value.lstrip("-").isdigit() else value
    node: Any = body
    for part, after in zip(parts, [*parts[1:], None]):
        fresh: Any = wanted if after is None else [] if after.isdigit() else {}
        if isinstance(node, list) and part.isdigit():
            while len(node) <= int(part):
                node.append(fresh if len(node) == int(part) else {})
            node[int(part)] = node[int(part)] if after is not None and isinstance(node[int(part)], (dict, list)) \
                else fresh
            node = node[int(part)]
        elif isinstance(node, dict):
            if after is None or not isinstance(node.get(part), (dict, list)):
                node[part] = fresh
            node = node[part]
    return body


def candidates(step: Step, family: str) -> list[Answer]:
    """Answers that say what the page documents for this step, the most faithful first."""
    expected = step.expected[-1] if step.expected else None
    if expected is None:
        error: dict[str, Any] = {"error": {"type": "x", "reason": "x"}, "status": 0} if step.catch else {}
        status = _status(step, error)
        if error:
            error["status"] = status
        for subject, value in step.retry.conditions if step.retry else ():
            error = _fill(error, subject, value)
        for capture in step.captures:
            error = _fill(error, capture.source, f"captured-{capture.name}")
        return [Answer(status, json.dumps(error).encode(), headers=_warnings(step))]
    texts: list[Any] = []
    if expected.body is not None and expected.body_kind is BodyKind.JSON and expected.match is not MatchPolicy.NON_JSON:
        try:
            texts.append(_concrete(expected, family))
        except ValueError:
            pass
    out = []
    for text in [*texts, expected.body, expected.source]:
        if text is None:
            continue
        if not isinstance(text, str):
            out.append(Answer(_status(step, text), json.dumps(text).encode(), headers=_warnings(step)))
            continue
        try:
            parsed = json.loads(text)
            out.append(Answer(_status(step, parsed), text.encode(), headers=_warnings(step)))
        except ValueError:
            out.append(Answer(_status(step, None), text.strip().encode(), "text/plain; charset=UTF-8",
                              _warnings(step)))
    return out


# ---------------------------------------------------------------------------------------- mutations

@dataclass(frozen=True)
class Mutation:
    """One change of a documented answer."""

    kind: str
    path: str
    answer: Answer
    old: Any = None
    new: Any = None


def changed_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return "\u00a7" + value  # the start changes too: a "..." prefix no longer holds
    return "campaign-null"


def _retyped(value: Any) -> Any:
    """The same value as another JSON type (``1`` -> ``1.0``, ``2.0`` -> ``2``, ``true`` -> ``"true"``,
    ``"7"`` -> ``7``, ``7`` with a fraction -> ``"7.5"``), else ``_NONE``: equal to a reader that
    compares loosely, different to Elasticsearch's runner (Java ``equals`` on boxed values, reference 9.4)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    if isinstance(value, str):
        try:
            number = json.loads(value)
        except ValueError:
            return _NONE
        return number if isinstance(number, (int, float)) and not isinstance(number, bool) else _NONE
    return _NONE


def _repeating(value: Any, at: str, key: str, path: str = "$") -> str:
    """JSON text of ``value`` whose object at ``at`` gives ``key`` twice: first a changed value, then the
    documented one (which a reader that keeps the last value sees alone)."""
    if isinstance(value, dict):
        items = [f"{json.dumps(key)}: {json.dumps(changed_value(value[key]))}"] if path == at else []
        items += [f"{json.dumps(k)}: {_repeating(v, at, key, f'{path}.{k}')}" for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_repeating(v, at, key, f"{path}[{i}]") for i, v in enumerate(value)) + "]"
    return json.dumps(value)


def mutations(base: Answer, rnd: random.Random, limit: int) -> list[Mutation]:
    """The mutations of one answer; at most ``limit`` of each kind of place (values, keys, arrays)."""
    out = [Mutation("status-near", "", replace(base, status=base.status + 1)),
           Mutation("status-class", "", replace(base, status=200 if base.status >= 300 else 400))]
    try:
        body = json.loads(base.body)
    except ValueError:
        text = base.body.decode("utf-8", "replace")
        if text:
            middle = len(text) // 2
            out.append(Mutation("text-altered", "$", replace(base, body=f"{text[:middle]}\u00a7{text[middle:]}".encode())))
        return out
    out.append(Mutation("content-type", "", replace(base, content_type="text/plain; charset=UTF-8")))
    out.append(Mutation("not-json", "", replace(base, body=b"<html><body>maintenance</body></html>",
                                                content_type="text/html")))

    def encode(value: Any) -> Answer:
        return replace(base, body=json.dumps(value).encode())

    values, keys, arrays = [], [], []
    for path, value in walk_json(body):
        if isinstance(value, dict):
            keys += [Mutation("answer-repeats-key", f"{path}.{k}", replace(base, body=_repeating(body, path, k).encode()),
                              v, changed_value(v)) for k, v in value.items() if not isinstance(v, (dict, list))]
            keys += [Mutation("key-removed", f"{path}.{k}", encode(with_replaced(body, f"{path}.{k}", None, delete=True)))
                     for k in value]
            keys.append(Mutation("key-added", path, encode(with_replaced(body, path, {**value, "campaign_extra": 1}))))
        elif isinstance(value, list):
            if value:
                arrays.append(Mutation("array-added", path, encode(with_replaced(body, path, [*value, value[-1]]))))
            if len(value) >= 2:
                arrays.append(Mutation("array-dropped", path, encode(with_replaced(body, path, value[:-1]))))
                if value[0] != value[1]:
                    arrays.append(Mutation("array-reordered", path, encode(with_replaced(body, path, [value[1], value[0],
                                                                                            *value[2:]]))))
        else:
            new = changed_value(value)
            values.append(Mutation("value", path, encode(with_replaced(body, path, new)), value, new))
            if isinstance(value, str):  # the end changed: a documented "..." prefix still holds
                values.append(Mutation("value-end", path, encode(with_replaced(body, path, value + "\u00a7")), value,
                                       value + "\u00a7"))
            if value is not None:
                values.append(Mutation("value-null", path, encode(with_replaced(body, path, None)), value, None))
            retyped = _retyped(value)
            if retyped is not _NONE:  # the same value, another type: 1 is not 1.0 inside a body
                values.append(Mutation("value-type", path, encode(with_replaced(body, path, retyped)), value, retyped))
    for group in (values, keys, arrays):
        out += rnd.sample(group, limit) if limit and len(group) > limit else group
    return out


# ----------------------------------------------------------------------------------- classification

@dataclass
class Item:
    """One test item being mutated: where it comes from and how its source is checked."""

    label: str
    test: PlannedTest
    family: str
    policy: MatchPolicy
    volatile: tuple[str, ...]


def admits(rule: str, status: int) -> bool:
    """Whether a status rule, in the words of ``ExampleResult.status_rule``, accepts ``status``."""
    if rule.startswith("catch: "):
        name, _, also = rule.removeprefix("catch: ").partition(" and ")
        if also and str(status) != also:  # the page's own status beside the catch (``catch: request and 500``)
            return False
        if name in CATCH_STATUS:
            return status == CATCH_STATUS[name]
        if name == "request":
            return status >= 400 and status not in set(CATCH_STATUS.values()) - {503}
        return status >= 400  # a /regex/ catch: any error whose text matches
    if rule == "2xx":
        return 200 <= status < 300
    return str(status) in rule.split(" or ")


def _kind(value: Any) -> str:
    return "null" if value is None else "bool" if isinstance(value, bool) else \
        "number" if isinstance(value, (int, float)) else type(value).__name__


def _ancestors(path: str) -> Iterator[str]:
    yield path
    while path not in ("$", ""):
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else "$"
        yield path


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and (value.strip().lower() in PLACEHOLDER_VALUES or bool(
        PLACEHOLDER.fullmatch(value.strip())) or (value.startswith("<") and value.endswith(">")))


def classify(mutation: Mutation, result: ExampleResult, item: Item, step: Step) -> tuple[str, str]:
    """(verdict, why): caught, honest, FALSE PASS or known: truth3 (see the module's docstring)."""
    if result.outcome is not Outcome.PASSED:
        return "caught", result.failures[0].kind.value if result.failures else result.outcome.value
    checked, kind = result.checked, mutation.kind
    if kind.startswith("status"):
        rule = status_rule(step)
        return ("honest", f"status rule {rule}") if admits(rule, mutation.answer.status) else ("FALSE PASS", rule)
    if kind == "content-type":  # a response header: the result says whether the page's Content-Type was compared
        claimed = ("Content-Type", "compared") in getattr(result, "headers_checked", ())
        return ("known: truth3", "Content-Type claimed compared") if claimed else ("honest", "headers not compared")
    if checked in ("status", ""):
        return "honest", "status only"
    if kind in ("not-json", "text-altered"):
        return "FALSE PASS", f"checked {checked}"
    if kind == "other-response":
        if checked == "shape" or not step.expected or step.expected[-1].body_kind is not BodyKind.JSON:
            return "honest", checked
        try:
            holds = _holds(parse_expected(step.expected[-1].body or "null"), json.loads(mutation.answer.body), item)
        except ValueError:
            holds = False
        if holds:
            return "honest", "equal where documented"
        return ("honest", "not compared") if result.values_not_compared == "all" else ("FALSE PASS", f"checked {checked}")
    disclosed = result.values_not_compared is not None  # the result says some values were not compared
    if any(Volatile(item.volatile)(p) for p in _ancestors(mutation.path)):
        return ("honest", "volatile") if disclosed or checked == "shape" else ("FALSE PASS", "volatile, undisclosed")
    if checked == "shape":
        if (kind.startswith("value") or kind == "answer-repeats-key") and _kind(mutation.old) != _kind(mutation.new):
            return "FALSE PASS", "shape, type changed"
        return ("FALSE PASS", f"shape, {kind}") if kind.startswith("key-") else ("honest", "shape")
    if kind == "key-added":
        return ("honest", "subset") if checked == "subset" else ("FALSE PASS", f"checked {checked}")
    expected = step.expected[-1]
    documented = _at(parse_expected(expected.body or "null"), mutation.path)
    if documented is _NONE:
        return "honest", "not documented"  # the answer holds more than the page documents
    leaves = [v for _, v in walk_json(documented) if not isinstance(v, (dict, list))]
    open_ = [v for v in leaves if is_whole_value(v) and (item.family == "elasticsearch" or is_body_reference(v))]
    if leaves and len(open_) == len(leaves) and kind in ("value", "value-end", "value-type", "answer-repeats-key",
                                                         "array-dropped", "array-reordered"):
        return ("honest", "presence only") if disclosed else ("FALSE PASS", "presence only, undisclosed")
    if kind == "value-type" and mutation.path == "$" and _kind(mutation.old) == _kind(mutation.new) == "number":
        return "honest", "a whole-body number: compared as a double (reference 9.4)"
    if kind.startswith("value") or kind == "answer-repeats-key":
        new = mutation.new
        if item.family == "elasticsearch" and item.policy is MatchPolicy.SUBSET and is_regex(documented) \
                and isinstance(new, str) and compile_regex(documented).search(new):
            return "honest", "pattern"
        if is_prefix(documented) and isinstance(new, str) and new.startswith(documented.rstrip(".\u2026")):
            return "honest", "prefix"
        if _placeholder(documented):
            return "known: truth3", "placeholder"
    return "FALSE PASS", f"checked {checked}"


def _holds(documented: Any, actual: Any, item: Item, path: str = "$") -> bool:
    """Whether ``actual`` holds every documented value the check claims to compare (an oracle written apart
    from the matchers): presence-only references and volatile paths accepted, extra keys only in subset."""
    if any(Volatile(item.volatile)(p) for p in _ancestors(path)):
        return True
    if is_whole_value(documented) and (item.family == "elasticsearch" or is_body_reference(documented)):
        return actual is not None
    subset = item.policy is MatchPolicy.SUBSET
    if isinstance(documented, dict):
        if not isinstance(actual, dict) or (not subset and set(actual) - set(documented)):
            return False
        return all(k in actual and _holds(v, actual[k], item, f"{path}.{k}") for k, v in documented.items())
    if isinstance(documented, list):
        return isinstance(actual, list) and len(actual) == len(documented) and all(
            _holds(e, a, item, f"{path}[{i}]") for i, (e, a) in enumerate(zip(documented, actual)))
    if subset and isinstance(documented, str) and isinstance(actual, str):
        if item.family == "elasticsearch" and is_regex(documented):
            return compile_regex(documented).search(actual) is not None
        if is_prefix(documented):
            return actual.startswith(documented.rstrip(".\u2026"))
    if path == "$" and _kind(documented) == _kind(actual) == "number":
        return bool(float(documented) == float(actual))
    return type(documented) is type(actual) and bool(documented == actual)


def where(project: Project, item: Item, step: Step, mutation: Mutation) -> str:
    expected = step.expected[-1] if step.expected else None
    span = locate(expected.span, expected.source, mutation.path) if expected and mutation.path else None
    span = span or (expected.span if expected else None) or step.request.span or item.test.example.span
    path = Path(span.path)
    shown = path if project.label == "docs_src" else project.root / path
    shown = shown.relative_to(REPO) if shown.is_relative_to(REPO) else shown
    return f"{shown}:{span.line}"


# -------------------------------------------------------------------------------------------- runs

class Campaign:
    """The server, the tallies and the findings of one run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rnd = random.Random(args.seed)
        self.script = Script()
        handler = type("Handler", (_Handler,), {"script": self.script})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.tally: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.skipped: Counter[str] = Counter()  # the baseline did not pass
        self.unrun: Counter[str] = Counter()  # the plan does not run it (skip:, a broken snippet)
        self.items: Counter[str] = Counter()
        self.false: list[str] = []
        self.runs = 0
        self.page: list[Answer] = []  # the documented answers of the page being replayed

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def replay(self, runner: Any, test: PlannedTest, answers: list[Answer]) -> ExampleResult:
        self.script.load([(s.request.method.upper(), a, s.retry is not None) for s, a in zip(test.steps, answers)])
        self.runs += 1
        result: ExampleResult = runner.run(test)
        return result

    def project(self, project: Project) -> None:
        documents = project.documents
        if self.args.pages and len(documents) > self.args.pages:
            documents = sorted(self.rnd.sample(documents, self.args.pages), key=lambda d: d.path)
        first = Replay(project.config, target_url=self.url, document_root=project.root, dry_run=True)
        for variant, config in policy_variants(project.config, self.args.policies):
            replay = Replay(config, target_url=self.url, environ={"DOCHARNESS_TOKEN": "campaign-token"},
                            document_root=project.root, variables=project.variables)
            try:
                for document in documents:
                    rule = replay.rule(document)
                    if variant and (rule.family != variant.split(":")[0] or rule.match is first.rule(document).match):
                        continue
                    label = f"{project.label} {document.format.value}" + (f" ({rule.match.value})" if variant else "")
                    plan = replay.plan(document)
                    # every answer the page documents: swapped in for another request's ("other-response")
                    self.page = list({a.body: a for t in plan for s in t.steps if s.phase == "test" and s.expected
                                      for a in candidates(s, rule.family)[:1]}.values())
                    for test in plan:
                        self.item(project, Item(label, test, rule.family, rule.match, rule.volatile),
                                  replay.runner(document))
                    replay.finish(document)
            finally:
                replay.close()

    def shadowed(self, project: Project, item: Item, result: ExampleResult | None) -> None:
        """A documented response giving a key twice: the earlier value is on the page, and a pass that claims
        its values verified compared it with nothing (the baseline answered the last value)."""
        for step in (s for s in item.test.steps if s.phase == "test" and s.expected and s.expected[-1].body):
            for key, earlier, last in _shadowed(step.expected[-1].body or ""):
                if earlier == last:
                    continue
                if result is None or result.outcome is not Outcome.PASSED:
                    verdict = "caught"
                elif result.checked in ("status", "") or result.values_not_compared == "all" or (
                        result.checked == "shape" and _kind(earlier) == _kind(last)):
                    verdict = "honest"
                else:
                    verdict = "FALSE PASS"
                self.tally[(item.label, "duplicate-key")][verdict] += 1
                if verdict == "FALSE PASS":
                    span = step.expected[-1].span or item.test.example.span
                    shown = Path(span.path) if project.label == "docs_src" else project.root / span.path
                    self.false.append(f"{shown}:{span.line}  duplicate-key {key}: {json.dumps(earlier)} shown, "
                                      f"then {json.dumps(last)}; only the last compared  [{item.label}, "
                                      f"{item.test.example.name}]")

    def item(self, project: Project, item: Item, runner: Any) -> None:
        # a mutation that a RETRY condition reads would be polled for a minute: a short poll says the same
        test = replace(item.test, steps=tuple(replace(s, retry=replace(s.retry, every=0.05, timeout=0.2))
                                              if s.retry else s for s in item.test.steps))
        item = replace(item, test=test)
        documented = [i for i, s in enumerate(test.steps) if s.phase == "test" and s.expected]
        if not documented:  # no response documented: the statuses of its requests alone
            documented = [i for i, s in enumerate(test.steps) if s.phase == "test"] if self.args.status_only else []
            if not documented:
                return
            item = replace(item, label=f"{item.label} status-only")
        self.items[item.label] += 1
        if test.skip is not None or test.problem is not None:  # never replayed: nothing is claimed of it
            why = test.problem.kind.value if test.problem is not None else "the page skips it"
            self.unrun[f"{item.label}: {why}"] += 1
            return
        options = [candidates(s, item.family) if s.phase == "test" else [DEFAULT] for s in test.steps]
        base: list[Answer] | None = None
        for choice in range(max(len(o) for o in options)):
            answers = [o[min(choice, len(o) - 1)] for o in options]
            result = self.replay(runner, test, answers)
            if result.outcome is Outcome.PASSED:
                base = answers
                break
        self.shadowed(project, item, result if base is not None else None)
        if base is None:
            why = result.failures[0].kind.value if result.failures else result.outcome.value
            self.skipped[f"{item.label}: {why}"] += 1
            if self.args.verbose:
                failure = result.failures[0] if result.failures else None
                print(f"  skipped: {test.node_id}: {failure.message if failure else result.reason} "
                      f"{[(d.path, d.expected, d.actual) for d in failure.diff[:3]] if failure else ''}")
            return
        for index in (i for i, s in enumerate(test.steps) if s.phase == "test"):  # undocumented ones: statuses
            step = test.steps[index]
            expected = step.expected[-1] if step.expected else ExpectedResponse(source="", body=None)
            local = replace(item, policy=expected.match or item.policy, volatile=(*expected.volatile, *item.volatile))
            kinds = mutations(base[index], self.rnd, self.args.values)
            others = [Mutation("other-response", "$", a) for a in self.page if a.body != base[index].body]
            kinds += self.rnd.sample(others, self.args.values) if self.args.values and len(others) > self.args.values \
                else others
            for mutation in kinds if step.expected else [m for m in kinds if m.kind.startswith("status")]:
                answers = list(base)
                answers[index] = mutation.answer
                verdict, why = classify(mutation, self.replay(runner, test, answers), local, step)
                self.tally[(item.label, mutation.kind)][verdict] += 1
                if self.args.verbose and verdict not in ("caught", "FALSE PASS"):
                    print(f"  {verdict} ({why}): {where(project, local, step, mutation)} {mutation.kind} "
                          f"{mutation.path} [{item.label} {test.example.name}]")
                if verdict == "FALSE PASS":
                    change = f" {json.dumps(mutation.old)} -> {json.dumps(mutation.new)}" if mutation.old is not None \
                        else f" -> {mutation.answer.status}" if mutation.kind.startswith("status") else ""
                    self.false.append(f"{where(project, local, step, mutation)}  {mutation.kind} {mutation.path}{change}"
                                      f"  [{item.label}, {test.example.name}, {why}]")


def _shadowed(text: str) -> list[tuple[str, Any, Any]]:
    """(path, earlier value, last value) of every key an object of a JSON text gives twice: a reader keeps
    the last, so the earlier value, shown on the page, is compared by nothing."""
    found: list[tuple[str, Any, Any]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        last = dict(items)
        found.extend((k, v, last[k]) for i, (k, v) in enumerate(items) if any(k == later for later, _ in items[i + 1:]))
        return last

    try:
        json.loads(text, object_pairs_hook=pairs)
    except ValueError:
        return []
    return found


def _table(title: str, rows: dict[str, Counter[str]], width: int) -> None:
    print(f"\n{title:<{width}} {'runs':>6} " + " ".join(f"{v:>14}" for v in VERDICTS))
    for name in sorted(rows):
        counts = rows[name]
        print(f"{name:<{width}} {sum(counts.values()):>6} " + " ".join(f"{counts[v]:>14}" for v in VERDICTS))


def _plant() -> None:
    """A known defect, to show the campaign can fail: documented strings are no longer compared."""
    from harness.replay import match

    same = match._same_scalar
    match._same_scalar = lambda e, a: isinstance(e, str) and isinstance(a, str) or same(e, a)  # type: ignore[assignment]


def report(campaign: Campaign, args: argparse.Namespace, seconds: float) -> None:
    by_format: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for (label, kind), counts in campaign.tally.items():
        by_format[label].update(counts)
        by_kind[kind].update(counts)
        total.update(counts)
    print(f"mutation campaign: seed {args.seed}, pages {args.pages or 'all'} per project, values "
          f"{args.values or 'all'} per kind and response; also under: cloud {args.cloud_policies or '-'}, "
          f"elasticsearch {args.es_policies or '-'}" + (" (a defect planted)" if args.plant else ""))
    print(f"{sum(campaign.items.values())} items ({sum(v for k, v in campaign.items.items() if 'status-only' not in k)} "
          f"with a documented response), {sum(campaign.unrun.values())} not run by the plan, "
          f"{sum(campaign.skipped.values())} skipped (their baseline did not pass); {campaign.runs} replays in "
          f"{seconds:.1f} s")
    width = max([28, *map(len, by_format)])
    _table("per format", by_format, width)
    _table("per mutation kind", by_kind, width)
    print(f"{'total':<{width}} {sum(total.values()):>6} " + " ".join(f"{total[v]:>14}" for v in VERDICTS))
    for title, counter in (("not run by the plan", campaign.unrun), ("skipped: the baseline did not pass",
                                                                     campaign.skipped)):
        if counter:
            print(f"\n{title}, by format and reason:")
            for reason, count in sorted(counter.items()):
                print(f"  {count:4d}  {reason}")
    print(f"\n{len(campaign.false)} false passes" + (":" if campaign.false else ""))
    for line in campaign.false:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sample pages and values (a couple of minutes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=None, help="pages sampled per project (default: all; --quick 8)")
    parser.add_argument("--values", type=int, default=None,
                        help="mutated places of each kind per response (default: all; --quick 4)")
    parser.add_argument("--cloud-policies", default="subset,shape",
                        help="policies cloud pages also run under, comma-separated ('' for none)")
    parser.add_argument("--es-policies", default="subset",
                        help="policies Elasticsearch-family pages also run under ('' for none)")
    parser.add_argument("--no-status-only", dest="status_only", action="store_false",
                        help="leave out the examples that document no response (their statuses are mutated too)")
    parser.add_argument("--samples", action="store_true", help="also the pages of tests/samples")
    parser.add_argument("--plant", action="store_true",
                        help="plant a known defect (strings not compared): exit 0 only when the campaign finds it")
    parser.add_argument("--verbose", action="store_true", help="print every pass counted honest, and why")
    args = parser.parse_args(argv)
    args.pages = args.pages if args.pages is not None else 8 if args.quick else 0
    args.values = args.values if args.values is not None else 4 if args.quick else 0
    args.policies = {"cloud": [p for p in args.cloud_policies.split(",") if p],
                     "elasticsearch": [p for p in args.es_policies.split(",") if p]}
    if args.plant:
        _plant()
    started = time.perf_counter()
    campaign = Campaign(args)
    try:
        with tempfile.TemporaryDirectory() as work:
            for project in projects(Path(work), args.samples):
                campaign.project(project)
    finally:
        campaign.close()
    report(campaign, args, time.perf_counter() - started)
    if args.plant:
        print("the planted defect was " + ("found" if campaign.false else "NOT found: the campaign cannot fail"))
        return 0 if campaign.false else 1
    return 1 if campaign.false else 0


if __name__ == "__main__":
    sys.exit(main())
