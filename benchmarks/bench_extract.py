"""Extraction throughput and peak memory, per source format (a benchmark, not a test).

Usage::

    python benchmarks/bench_extract.py                      # every format, 2,000 pages each
    python benchmarks/bench_extract.py --formats asciidoc --pages 500
    python benchmarks/bench_extract.py --corpus /path/to/pages   # also real pages
    python benchmarks/bench_extract.py --formats asciidoc --pages 8000 --jobs 1 2   # serial vs 2 workers

Each format has a generator that writes a synthetic corpus into a temporary
folder (``GENERATORS``; add one per format). The common loop runs the
extraction in a child process (one core, a fresh interpreter, so its peak RSS
is the extraction's own) and prints MB/s, pages/s, snippets/s and peak RSS. MB/s is
given per wall-clock second and per CPU second of the child: on a shared machine the
CPU figure is the one-core throughput, the wall figure includes waiting for a core.
When ``corpus-sample`` sits next to the repository it is measured too.
Targets (AsciiDoc, one core): >= 15 MB/s, peak RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_CANDIDATES = (REPO.parent / "shared" / "corpus-sample", Path("/work/shared/corpus-sample"))

# --- generators: one per format; each writes `pages` files under `folder` ---------------------------

_ASCIIDOC_EXAMPLES = [
    ("[source,js]\n----\nPOST _xpack/rollup/job/{job}/_stop\n----\n// CONSOLE\n"
     "// TEST[setup:sensor_started_rollup_job]\n\n"
     "[source,js]\n----\n{{\n  \"stopped\": true\n}}\n----\n// TESTRESPONSE\n"),
    ("[source,js]\n----\nPOST _xpack/rollup/job/does_not_exist/_stop\n----\n// CONSOLE\n// TEST[catch:missing]\n\n"
     "[source,js]\n----\n{{\n  \"error\" : {{\n    \"type\" : \"resource_not_found_exception\",\n"
     "    \"reason\" : \"Task for Rollup Job [does_not_exist] not found\",\n    \"stack_trace\": ...\n  }},\n"
     "  \"status\": 404\n}}\n----\n// TESTRESPONSE[s/\"stack_trace\": \\.\\.\\./\"stack_trace\": $body.$_path/]\n"),
    ("[source,js]\n----\nPOST _bulk?refresh\n{{\"index\":{{\"_index\":\"{job}\"}}}}\n{{\"value\": 1}} <1>\n"
     "{{\"index\":{{\"_index\":\"{job}\"}}}}\n{{\"value\": 2}}\n----\n// CONSOLE\n"
     "// TEST[s/_bulk/_bulk?pretty/]\n<1> a callout\n"),
    ("[source,js]\n----\n# search the index\nGET {job}/_search\n{{\n  \"query\": {{ \"match_all\": {{}} }}\n}}\n----\n"
     "// CONSOLE\n// TEST[continued]\n\n[source,js]\n----\n{{\n  \"took\": 12,\n  \"hits\": {{ \"total\": 2 }}\n}}\n"
     "----\n// TESTRESPONSE[s/\"took\": 12/\"took\": $body.took/]\n"),
    ("[source,js]\n----\nGET _cat/indices?v\n----\n// CONSOLE\n// TEST[skip_shard_failures warning:deprecated]\n\n"
     "[source,txt]\n----\nhealth status index\ngreen  open   {job}\n----\n// TESTRESPONSE[s/green/\\\\w+/ non_json]\n"),
    ("[source,js]\n----\nPOST _xpack/sql\n{{\n  \"query\": \"\"\"\n    SELECT * FROM {job}\n  \"\"\"\n}}\n----\n"
     "// CONSOLE\n// TEST[skip:needs data]\n"),
    "[source,sh]\n----\ncurl -XGET localhost:9200/{job}\n----\n// NOTCONSOLE\n",
    "[source,txt]\n----\nA plain listing of {job} that is not a test\n----\n",
]


_WORDS = ("the job index rollup cluster node shard request response returns stops starts API parameter value "
          "default seconds documents search field mapping when if this that is are can be will with for a an of to "
          "in on by data results snapshot datafeed anomaly detector bucket timeout privileges").split()


_MODERN_EXAMPLE = ("[source,console,id={id}]\n----\nGET _rollup/job/{job}?pretty\n----\n// TEST[s/\\?pretty//]\n\n"
                   "[source,console-result]\n----\n{{\n  \"jobs\": [],\n  \"took\": 3\n}}\n----\n"
                   "// TESTRESPONSE[s/\"took\": 3/\"took\": $body.took/]\n")


def _prose(rnd: random.Random, lines: int) -> str:
    """A paragraph of ``lines`` lines of about 80 characters, as real pages have between examples."""
    return "\n".join(" ".join(rnd.choice(_WORDS) for _ in range(13)).capitalize() + "." for _ in range(lines))


def _definitions(rnd: random.Random, count: int, required: bool) -> str:
    flag = " (required)" if required else ""
    return "\n".join(f"`param_{n}`{flag}::\n  ({rnd.choice(['string', 'time', 'boolean', 'integer'])}) "
                     f"{_prose(rnd, 1)}\n  {_prose(rnd, 1)}\n" for n in range(count))


def generate_asciidoc(folder: Path, pages: int, rnd: random.Random) -> None:
    """Elasticsearch-style API pages (~5 KB, the density of real ones) using every directive kind."""
    for number in range(pages):
        job = f"job{number}"
        parts = [f"[role=\"xpack\"]\n[testenv=\"basic\"]\n[[page-{number}]]\n=== Page {number} API\n++++\n"
                 f"<titleabbrev>Page {number}</titleabbrev>\n++++\n\nexperimental[]\n\n{_prose(rnd, 3)}\n\n"
                 f"==== Request\n\n`POST _xpack/rollup/job/<job_id>/_stop`\n\n"
                 f"==== Description\n\n{_prose(rnd, 4)}\n\n{_prose(rnd, 3)}\n\n"
                 f"==== Path Parameters\n\n{_definitions(rnd, rnd.randint(1, 2), True)}\n"
                 f"==== Query Parameters\n\n{_definitions(rnd, rnd.randint(1, 5), False)}\n"
                 "////\n==== Responses\n\n200\n(EmptyResponse) commented out\n////\n\n"
                 "==== Authorization\n\nYou must have `manage` cluster privileges to use this API.\n"
                 "For more information, see {xpack-ref}/security-privileges.html[Security Privileges].\n\n"
                 "==== Examples\n\n"]
        modern = rnd.random() < 0.25  # a 7.x-style page: [source,console], console-result, id=
        if rnd.random() < 0.3:
            lang, marker = ("console", "") if modern else ("js", "// CONSOLE\n")
            parts.append(f"[source,{lang}]\n----\nPUT {job}\n----\n{marker}// TESTSETUP\n\n[source,{lang}]\n----\n"
                         f"DELETE {job}\n----\n{marker}// TEARDOWN\n\n")
        for index in range(rnd.randint(4, 7)):
            if modern:
                example = _MODERN_EXAMPLE.format(job=job, id=f"{job}-{index}")
            else:
                example = rnd.choice(_ASCIIDOC_EXAMPLES[1:] if index else _ASCIIDOC_EXAMPLES[:1]).format(job=job)
            parts.append(f"{_prose(rnd, rnd.randint(3, 6))}\n\n{example}\n")
        (folder / f"page-{number:05d}.asciidoc").write_text("".join(parts), encoding="utf-8")


def generate_rst(folder: Path, pages: int, rnd: random.Random) -> None:
    """Cloud-style RST pages, from the RST/HTML benchmark's page generator."""
    from bench_extract_cloud import rst_page

    for number in range(pages):
        (folder / f"page-{number:05d}.rst").write_text(rst_page(rnd, number), encoding="utf-8")


def generate_html(folder: Path, pages: int, rnd: random.Random) -> None:
    """Cloud-style HTML exports, from the RST/HTML benchmark's page generator."""
    from bench_extract_cloud import html_page

    for number in range(pages):
        (folder / f"page-{number:05d}.html").write_text(html_page(rnd, number), encoding="utf-8")


GENERATORS: dict[str, Callable[[Path, int, random.Random], None]] = {
    "asciidoc": generate_asciidoc, "rst": generate_rst, "html": generate_html}

# --- the common measuring loop ---------------------------------------------------------------------


def child(folder: str, pattern: str, jobs: int) -> None:
    """Run in a fresh interpreter: load everything once (with ``jobs`` processes), print figures as JSON."""
    import resource

    from harness.parsers.loader import load

    for module in ("asciidoc", "rst", "html"):  # import time is not extraction time: load the parsers first
        try:
            importlib.import_module(f"harness.parsers.{module}")
        except ImportError:
            pass
    files = sorted(Path(folder).rglob(pattern)) if pattern else [Path(folder)]
    size = sum(p.stat().st_size for p in files if p.is_file())
    started, cpu_started = time.perf_counter(), time.process_time()
    documents = load([folder], root=Path(folder), jobs=jobs)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's processes, once they have ended
    snippets = sum(len(d.examples) + sum(len(e.expected) for e in d.examples) for d in documents)
    figures = {"pages": len(documents), "bytes": size, "seconds": elapsed, "cpu": cpu, "snippets": snippets,
               "errors": sum(d.has_errors for d in documents),
               "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "workers_cpu": workers.ru_utime + workers.ru_stime, "jobs": jobs}
    print(json.dumps(figures))


def measure(folder: Path, pattern: str, jobs: int = 1) -> dict[str, float]:
    """Extract ``folder`` in a child process (pinned to one core unless ``jobs`` > 1); return its figures."""
    command = [sys.executable, __file__, "--child", str(folder), "--pattern", pattern, "--jobs", str(jobs)]
    if sys.platform.startswith("linux") and jobs == 1:
        command = ["taskset", "-c", "0", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def report(label: str, figures: dict[str, float]) -> str:
    """One line of figures."""
    mb = figures["bytes"] / 1e6
    seconds = max(figures["seconds"], 1e-9)
    cpu = max(figures.get("cpu", seconds), 1e-9)
    if figures.get("jobs", 1) > 1:  # CPU seconds of the parent and its workers, and the cores they got
        total = cpu + figures["workers_cpu"]
        return (f"{label:<24} {int(figures['pages']):>5} pages {mb:6.2f} MB {seconds:6.2f} s wall  "
                f"{mb / seconds:5.1f} MB/s wall  {int(figures['jobs'])} jobs: parent {cpu:5.2f} s cpu, workers "
                f"{figures['workers_cpu']:5.2f} s cpu, {total / seconds:4.2f} cores used  peak RSS (parent) "
                f"{figures['rss_mb']:6.1f} MB")
    return (f"{label:<24} {int(figures['pages']):>5} pages {mb:6.2f} MB {seconds:6.2f} s wall {cpu:6.2f} s cpu  "
            f"{mb / seconds:5.1f} MB/s wall {mb / cpu:5.1f} MB/s cpu {figures['pages'] / seconds:6.0f} pages/s "
            f"{figures['snippets'] / seconds:9.0f} snippets/s  peak RSS {figures['rss_mb']:6.1f} MB  "
            f"({int(figures['errors'])} pages with errors)")


SUFFIX = {"asciidoc": "*.asciidoc", "rst": "*.rst", "html": "*.htm*"}


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast one core of this machine runs Python."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--formats", nargs="*", default=sorted(GENERATORS), choices=sorted(GENERATORS))
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of real pages to measure too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--pattern", default="", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1],
                        help="worker processes to measure the generated corpus with, e.g. --jobs 1 2 "
                        "(1: in-process, pinned to one core)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.pattern, args.jobs[0])
        return 0
    print(f"calibration: a pure-Python loop of 10M additions takes {calibration():.2f} s on this machine "
          "(scale the figures below by it when comparing machines)")
    for fmt in args.formats:
        with tempfile.TemporaryDirectory(prefix=f"bench-{fmt}-") as tmp:
            GENERATORS[fmt](Path(tmp), args.pages, random.Random(args.seed))
            for jobs in args.jobs:
                print(report(f"generated {fmt}", measure(Path(tmp), SUFFIX.get(fmt, "*"), jobs)))
    corpus = args.corpus or next((c for c in CORPUS_CANDIDATES if c.is_dir()), None)
    if corpus is not None:
        for sub, pattern in (("es6", "*.asciidoc"), ("otc-rst", "*.rst"), ("otc-html", "*.htm*")):
            if (corpus / sub).is_dir() and (sub == "es6" or sub.split("-")[1] in args.formats):
                print(report(f"corpus-sample/{sub}", measure(corpus / sub, pattern)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
