"""The adversarial campaign of issue 12, rerunnable: mutated pages, misbehaving targets, planted secrets.

Usage::

    python benchmarks/campaign.py                      # quick profile, every part (CI-sized, a few minutes)
    python benchmarks/campaign.py --profile long       # >= 20,000 mutated documents per format
    python benchmarks/campaign.py fuzz --documents 500 --seed 3
    python benchmarks/campaign.py faults secrets

Three parts, each printing its counts, then a total line
(``documents, crashes, hangs, leaks, peak RSS``); the exit status is 1 when anything was found:

* ``fuzz``: real pages of all three formats (``docs_src`` and, when present,
  ``/work/shared/corpus-sample``) mutated by seeded random edits (fragments of every
  format's markup, directives, regex bombs, runs of ``<``, odd attribute values, noise,
  truncation) and parsed in a worker process with a per-document deadline and a memory cap
  (``RLIMIT_AS``). A parser exception is a crash, a parse past the deadline a hang (the
  worker is replaced), a ``MemoryError`` or a dead worker a crash too.
* ``faults``: ``docharness replay`` in a subprocess against loopback fault servers of every
  kind (header drip, body drip, silence, keep-alive close, reset, garbage, huge body), then
  SIGINT and SIGTERM sent to a replay running against a slow target. A run past its time
  budget is a hang; a traceback, an unexpected exit status or a broken report a crash.
* ``secrets``: a token (with ``/``, ``+`` and ``:`` in it), a Basic ``user:password`` and a
  ``--target http://user:password@host`` URL, against a target that echoes them back
  plain, JSON-escaped, URL-encoded and base64-encoded; every output (stdout, stderr,
  results.json, junit.xml, the dry run, the published site, pytest's output and junit) is
  searched for every encoded form. Each hit is a leak, printed as output and form.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "property")]
CORPUS = Path("/work/shared/corpus-sample")
SUFFIXES = {".asciidoc": "asciidoc", ".adoc": "asciidoc", ".rst": "rst", ".html": "html", ".htm": "html"}
PROFILES = {"quick": 150, "long": 20_000}  # mutated documents per format

# ---------------------------------------------------------------------------------------------- fuzz

ADVERSARIAL = [
    "// TEST[s/(a+)+$/x/]", "// TESTRESPONSE[s/(x|x)*y/z/]", ".. TEST[s/(a+)+$/x/]", "<!-- TEST[s/(a*)*b/c/] -->",
    "a" * 40, "<" * 5000, "[" * 3000, "`" * 3000, "(" * 2000, '<td rowspan="²">', '<td colspan="100\x1d">',
    '<td rowspan="99999999999999999999">', "{" * 2000, "-" * 20000, "\x00" * 10, "\uffff",
    "// TEST[catch:/(a|a)*$/]", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", '"' * 4000, "|" * 4000, ":" * 4000,
]


# whole snippets that stress a directive's user regex (issue 12, item 4): a bomb over a long line
BOMB_LINE = "GET /" + "a" * 28 + "!"
BLOCKS = {
    "asciidoc": f"[source,js]\n----\n{BOMB_LINE}\n----\n// CONSOLE\n// TEST[s/(a+)+$/x/]\n",
    "rst": f".. code-block:: text\n\n   {BOMB_LINE}\n\n.. TEST[s/(a+)+$/x/]\n",
    "html": f"<pre class=\"screen\">{BOMB_LINE}</pre>\n<!-- TEST[s/(a+)+$/x/] -->\n",
}


def pages() -> dict[str, list[tuple[str, str]]]:
    """Real pages by format: (file name, text)."""
    found: dict[str, list[tuple[str, str]]] = {"asciidoc": [], "rst": [], "html": []}
    for folder in (REPO / "docs_src", CORPUS):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            fmt = SUFFIXES.get(path.suffix.lower())
            if fmt and path.is_file() and not path.is_symlink():
                found[fmt].append((path.name, path.read_text(encoding="utf-8", errors="replace")))
    return found


def mutate(text: str, fmt: str, rnd: random.Random, donors: list[tuple[str, str]]) -> str:
    """A page damaged by a few random edits, the way edits, exports and attackers do."""
    from mutations import FORMAT_FRAGMENTS, NOISE_CHARS  # the property tests' fragments of every format

    from harness.model import Format

    fragments = FORMAT_FRAGMENTS[Format(fmt)] + [f for fs in FORMAT_FRAGMENTS.values() for f in fs[:10]] + ADVERSARIAL
    lines = text.splitlines()
    for _ in range(rnd.randint(1, 6)):
        where = rnd.randint(0, len(lines))
        choice = rnd.random()
        if choice < 0.3:
            lines.insert(where, rnd.choice(fragments))
        elif choice < 0.45 and lines:
            lines[min(where, len(lines) - 1)] += rnd.choice(fragments)
        elif choice < 0.55 and lines:
            del lines[where:where + rnd.randint(1, 20)]
        elif choice < 0.65 and lines:
            lines.insert(where, rnd.choice(lines))
        elif choice < 0.75:
            donor = rnd.choice(donors)[1].splitlines()
            start = rnd.randint(0, max(len(donor) - 1, 0))
            lines[where:where] = donor[start:start + rnd.randint(1, 30)]
        elif choice < 0.85 and lines:
            line = lines[min(where, len(lines) - 1)]
            cut = rnd.randint(0, len(line))
            lines[min(where, len(lines) - 1)] = line[:cut] + "".join(rnd.choices(NOISE_CHARS, k=rnd.randint(1, 5))) + line[cut:]
        elif choice < 0.88:
            lines.insert(where, rnd.choice(["a", "<", "x", " ", "-", "|", "(", "`"]) * rnd.randint(100, 30_000))
        elif choice < 0.92:
            lines[where:where] = BLOCKS[fmt].splitlines()
        else:
            lines.insert(where, "".join(chr(rnd.randint(1, 0x2FFF)) for _ in range(rnd.randint(1, 200))))
    out = ("\r\n" if rnd.random() < 0.1 else "\n").join(lines)
    return out[:rnd.randint(0, len(out))] if rnd.random() < 0.1 else out


def _worker(connection: Any, memory_cap_mb: int) -> None:
    """Parse what arrives with the loader's parsers, under a memory cap; answer each with what happened."""
    if memory_cap_mb:
        cap = memory_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from harness.parsers import parser_for

    while True:
        job = connection.recv()
        if job is None:
            return
        name, text = job
        try:
            parse = parser_for(name)
            assert parse is not None, name
            document = parse(text, name)
            crash = next((d.message for d in document.diagnostics if d.code == "parser-crash"), "")
            answer = ("crash", crash) if crash else ("ok", "")
        except MemoryError:
            answer = ("crash", "MemoryError: the memory cap was reached")
        except Exception as exc:  # noqa: BLE001 - a crash is what the campaign counts
            answer = ("crash", f"{type(exc).__name__}: {exc}"[:300])
        connection.send((*answer, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


class Worker:
    """One parsing process, replaced when it hangs or dies."""

    def __init__(self, memory_cap_mb: int) -> None:
        self.memory_cap_mb = memory_cap_mb
        self.peak_mb = 0.0
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, self.memory_cap_mb), daemon=True)
        self.process.start()

    def parse(self, name: str, text: str, deadline: float) -> tuple[str, str]:
        self.connection.send((name, text))
        if not self.connection.poll(deadline):
            self.process.kill()
            self.process.join()
            self._start()
            return "hang", f"no answer within {deadline:g} s"
        try:
            outcome, detail, peak = self.connection.recv()
        except EOFError:  # the worker died (killed by the memory cap, a segfault)
            self.process.join()
            self._start()
            return "crash", f"the worker died (exit {self.process.exitcode})"
        self.peak_mb = max(self.peak_mb, peak)
        return outcome, detail

    def close(self) -> None:
        self.connection.send(None)
        self.process.join(5)


def fuzz(documents: int, seed: int, deadline: float, memory_cap_mb: int, findings: Path) -> dict[str, float]:
    corpus = pages()
    worker = Worker(memory_cap_mb)
    counts: dict[str, float] = {"documents": 0, "crashes": 0, "hangs": 0}
    started = time.perf_counter()
    for fmt, real in corpus.items():
        rnd = random.Random(f"{seed}-{fmt}")
        per = {"documents": 0, "crashes": 0, "hangs": 0}
        for number in range(documents):
            name, text = rnd.choice(real)
            mutated = mutate(text, fmt, rnd, real)
            outcome, detail = worker.parse(name, mutated, deadline)
            per["documents"] += 1
            if outcome != "ok":
                per["crashes" if outcome == "crash" else "hangs"] += 1
                findings.mkdir(parents=True, exist_ok=True)
                kept = findings / f"{outcome}-{fmt}-{seed}-{number}{Path(name).suffix}"
                kept.write_text(mutated, encoding="utf-8", errors="surrogatepass")
                print(f"  {outcome}: {fmt} document {number} ({name}): {detail} -> {kept}", flush=True)
        print(f"fuzz {fmt:<9} {per['documents']:>6} documents from {len(real)} real pages: "
              f"{per['crashes']} crashes, {per['hangs']} hangs", flush=True)
        for key in per:
            counts[key] += per[key]
    worker.close()
    counts["peak_rss_mb"] = worker.peak_mb
    print(f"fuzz: {int(counts['documents'])} documents in {time.perf_counter() - started:.0f} s, "
          f"worker peak RSS {worker.peak_mb:.0f} MB (cap {memory_cap_mb} MB, deadline {deadline:g} s per document)")
    return counts


# -------------------------------------------------------------------------------------------- faults

PAGE = "[source,js]\n----\nGET _cluster/health\n----\n// CONSOLE\n\n"


def _project(root: Path, url: str, examples: int, timeout: float, extra: str = "") -> Path:
    docs = root / "docs_src"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "page.asciidoc").write_text(PAGE * examples, encoding="utf-8")
    (docs / "docharness.toml").write_text(f"[targets.t]\nurl = '{url}'\ntimeout = {timeout}\n{extra}", encoding="utf-8")
    return root


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(REPO)
    return {**env, **(extra or {})}


def _check_report(path: Path, complete: bool) -> str:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"results.json unreadable: {exc}"
    return "" if report.get("complete") is complete else f"results.json complete={report.get('complete')}"


def faults() -> dict[str, float]:
    import fault_servers as fs

    kinds = [("header drip", fs.header_drip, 1), ("body drip", fs.body_drip, 1), ("silence", fs.silent, 1),
             ("reset", fs.reset, 1), ("garbage", fs.garbage, 1), ("huge body", fs.huge_chunked, 1),
             ("huge declared body", fs.huge_declared, 1), ("redirect loop", fs.redirect_loop, 1),
             ("keep-alive close", fs.keepalive_close, 0), ("keep-alive close (at once)", fs.keepalive_close_now, 0)]
    counts = {"runs": 0.0, "crashes": 0.0, "hangs": 0.0}
    for label, behaviour, status in kinds:
        with tempfile.TemporaryDirectory() as tmp, fs.fault_server(behaviour) as server:
            root = _project(Path(tmp), server.url, examples=3, timeout=1)
            budget = 3 * 1 + 20
            started = time.monotonic()
            try:
                done = subprocess.run([sys.executable, "-m", "harness", "replay", "--report", "r.json", "--junit",
                                       "j.xml"], cwd=root, env=_environment(), capture_output=True, text=True,
                                      timeout=budget, check=False)
            except subprocess.TimeoutExpired:
                counts["runs"] += 1
                counts["hangs"] += 1
                print(f"faults {label:<28} HANG: still running after {budget} s")
                continue
            elapsed = time.monotonic() - started
            problem = _check_report(root / "r.json", True)
            if "Traceback" in done.stderr:
                problem = "traceback: " + done.stderr.strip().splitlines()[-1]
            elif done.returncode != status:
                problem = problem or f"exit {done.returncode}, expected {status}"
            counts["runs"] += 1
            counts["crashes"] += bool(problem)
            print(f"faults {label:<28} exit {done.returncode}  {elapsed:5.1f} s  {problem or 'ok'}", flush=True)
    for name in ("SIGINT", "SIGTERM"):
        counts["runs"] += 1
        problem = _signal_run(getattr(signal, name))
        counts["crashes"] += bool(problem)
        print(f"faults {name + ' mid-run':<28} {problem or 'ok: exit 130, partial reports written'}", flush=True)
    return counts


def _signal_run(signum: int) -> str:
    import fault_servers as fs

    with tempfile.TemporaryDirectory() as tmp, fs.fault_server(fs.slow_ok) as server:
        root = _project(Path(tmp), server.url, examples=30, timeout=30)
        process = subprocess.Popen([sys.executable, "-m", "harness", "replay", "--report", "r.json", "--junit",
                                    "j.xml"], cwd=root, env=_environment(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while server.requests < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signum)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            return "HANG: the replay did not stop within 30 s of the signal"
        if process.returncode != 130:
            return f"exit {process.returncode}, expected 130: {err.strip()[-200:]}"
        if not (root / "j.xml").is_file():
            return "no junit.xml written"
        return _check_report(root / "r.json", False)


# ------------------------------------------------------------------------------------------- secrets

TOKEN = "tok/en+Sec:ret=9Zq"  # "/", "+", ":" and "=" so that every encoding differs from the plain form
USER, PASSWORD = "campuser", "pa/ss+W0rd:x"
URL_PASSWORD = "UrlPa55w0rdQ"
# credentials a cloud page writes literally, sent to a target that configures none: never sent, never shown
PAGE_TOKEN, PAGE_SECURITY = "MIIpageT0k/en+Zq", "PageSecur1ty+Tok/x"
CLOUD_PAGE = f"""Listing jobs
============

URI
---

GET /v1/{{project_id}}/jobs

Example Request
---------------

.. code-block::

   curl -H "X-Auth-Token: {PAGE_TOKEN}" "https://{{endpoint}}/v1/{{project_id}}/jobs"

.. code-block:: text

   GET https://{{endpoint}}/v1/{{project_id}}/jobs
   X-Auth-Token: {PAGE_TOKEN}
   X-Security-Token: {PAGE_SECURITY}

Example Response
----------------

.. code-block::

   {{"jobs": []}}
"""


def forms(secret: str) -> dict[str, str]:
    """Every form a secret may take in an output."""
    escaped = json.dumps(secret)[1:-1]
    return {"plain": secret, "json-escaped": escaped.replace("/", "\\/"), "url-encoded": urllib.parse.quote(secret, safe=""),
            "url-encoded (plus)": urllib.parse.quote_plus(secret), "base64": base64.b64encode(secret.encode()).decode()}


def planted() -> dict[str, str]:
    """(label -> needle) for every secret and every form of it."""
    basic = f"{USER}:{PASSWORD}"
    needles: dict[str, str] = {}
    for name, secret in (("token", TOKEN), ("password", PASSWORD), ("user:password", basic),
                         ("url password", URL_PASSWORD), ("url user:password", f"{USER}:{URL_PASSWORD}"),
                         ("page X-Auth-Token", PAGE_TOKEN), ("page X-Security-Token", PAGE_SECURITY)):
        for form, needle in forms(secret).items():
            if needle not in needles.values():  # a form equal to another (no special characters) counts once
                needles[f"{name} {form}"] = needle
    return needles


def _echo(conn: Any, head: bytes, stop: Any) -> None:
    """A target that answers 400 quoting the request's secrets in every encoding."""
    import fault_servers as fs

    lines = head.decode("latin-1").split("\r\n")
    values = [line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line]
    echoed: dict[str, str] = {"request": head.decode("latin-1")}
    for index, value in enumerate(values):
        raw = value.split(" ", 1)[1] if value.startswith("Basic ") else value
        decoded = ""
        if value.startswith("Basic "):
            try:
                decoded = base64.b64decode(raw).decode("utf-8", "replace")
            except ValueError:
                decoded = ""
        echoed.update({f"h{index}": value, f"h{index}_url": urllib.parse.quote(value, safe=""),
                       f"h{index}_b64": base64.b64encode(value.encode()).decode(), f"h{index}_basic": decoded})
    body = json.dumps(echoed).replace("/", "\\/").encode()
    conn.sendall(fs.answer(400, body))


def secrets() -> dict[str, float]:
    import fault_servers as fs

    with tempfile.TemporaryDirectory() as tmp, fs.fault_server(_echo) as server:
        root = Path(tmp)
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        extra = ("[targets.t.headers]\nX-Auth-Token = { env = \"CAMPAIGN_TOKEN\" }\n"
                 "Authorization = { env = \"CAMPAIGN_BASIC\" }\n")
        extra += (f"\n[targets.bare]\nurl = '{server.url}'\ntimeout = 5\n\n[variables]\nproject_id = \"p1\"\n\n"
                  "[[sources]]\npaths = [\"*.asciidoc\"]\nfamily = \"elasticsearch\"\ntarget = \"t\"\n\n"
                  "[[sources]]\npaths = [\"*.rst\"]\nfamily = \"cloud\"\ntarget = \"bare\"\n")
        _project(root, server.url, examples=2, timeout=5, extra=extra)
        page = root / "docs_src" / "cloud.rst"  # the page itself holds its credentials: not an output
        page.write_text(CLOUD_PAGE, encoding="utf-8")
        env = _environment({"CAMPAIGN_TOKEN": TOKEN, "CAMPAIGN_BASIC": f"Basic {basic}"})
        with_userinfo = server.url.replace("http://", f"http://{USER}:{URL_PASSWORD}@")
        commands = {
            "replay": ["-m", "harness", "replay", "--report", "out/results.json", "--junit", "out/junit.xml",
                       "--html", "out/report.html", "--annotations", "github", "--annotations", "gitlab:out/cq.json"],
            "replay --target user:pass@": ["-m", "harness", "replay", "--target", with_userinfo, "--report",
                                           "out2/results.json", "--junit", "out2/junit.xml"],
            "dry run --target user:pass@": ["-m", "harness", "replay", "--dry-run", "--target", with_userinfo],
            "run (site)": ["-m", "harness", "run", "--out", "generated"],
            "pytest": ["-m", "pytest", "docs_src", "-p", "no:cacheprovider", "-p", "no:randomly", "-rA", "-v",
                       "--junitxml", "pytest-junit.xml", "--docharness-target", with_userinfo],
        }
        outputs: dict[str, str] = {}
        for label, argv in commands.items():
            done = subprocess.run([sys.executable, *argv], cwd=root, env=env, capture_output=True, text=True,
                                  timeout=300, check=False)
            outputs[f"{label}: stdout"] = done.stdout
            outputs[f"{label}: stderr"] = done.stderr
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".json", ".xml", ".html", ".js", ".txt", ".rst", ".asciidoc", ".md"):
                if path.name == "docharness.toml" or path == page:
                    continue
                outputs[str(path.relative_to(root))] = path.read_text(encoding="utf-8", errors="replace")
    leaks = 0
    for output, text in outputs.items():
        for label, needle in planted().items():
            if needle and needle in text:
                leaks += 1
                print(f"secrets LEAK: {output}: {label} ({needle!r})")
    print(f"secrets: {len(outputs)} outputs searched for {len(planted())} secret forms: {leaks} leaks", flush=True)
    return {"outputs": len(outputs), "leaks": leaks}


# ---------------------------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help="fuzz, faults, secrets (default: all three)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--documents", type=int, help="mutated documents per format (default: the profile's)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--deadline", type=float, default=10.0, help="seconds per document")
    parser.add_argument("--memory-cap-mb", type=int, default=1024)
    parser.add_argument("--findings", type=Path, default=REPO / ".campaign-findings")
    args = parser.parse_args()
    parts = args.parts or ["fuzz", "faults", "secrets"]
    unknown = set(parts) - {"fuzz", "faults", "secrets"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))} (use fuzz, faults, secrets)")
    total = {"documents": 0.0, "crashes": 0.0, "hangs": 0.0, "leaks": 0.0, "peak_rss_mb": 0.0}
    if "fuzz" in parts:
        found = fuzz(args.documents or PROFILES[args.profile], args.seed, args.deadline, args.memory_cap_mb,
                     args.findings)
        for key in ("documents", "crashes", "hangs", "peak_rss_mb"):
            total[key] += found[key]
    if "faults" in parts:
        found = faults()
        total["crashes"] += found["crashes"]
        total["hangs"] += found["hangs"]
    if "secrets" in parts:
        total["leaks"] += secrets()["leaks"]
    total["peak_rss_mb"] = max(total["peak_rss_mb"], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(f"campaign ({args.profile}): {int(total['documents'])} documents, {int(total['crashes'])} crashes, "
          f"{int(total['hangs'])} hangs, {int(total['leaks'])} leaks, peak RSS {total['peak_rss_mb']:.0f} MB")
    return 1 if total["crashes"] or total["hangs"] or total["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
