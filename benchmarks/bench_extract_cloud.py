"""Benchmark: RST and HTML extraction throughput, the docutils floor, and the process pool.

Run:  python benchmarks/bench_extract_cloud.py [--pages 300] [--jobs 2]

Prints, per format, pages/s and MB/s of ``parse_rst`` / ``parse_html`` on a generated
corpus (one core, in-process); docharness's time as a ratio to a plain docutils
``publish_doctree`` of the same RST files (the floor; target <= 1.25) and to a bare
``lxml.html`` parse of the HTML files; the speed-up of ``load_parallel`` with
``--jobs`` workers over one (target >= 1.8 on 2 free cores); peak RSS; and the
same figures for /work/shared/corpus-sample (or ../shared/corpus-sample) when present.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.model import Document  # noqa: E402
from harness.parsers.html import parse_html  # noqa: E402
from harness.parsers.pool import load_parallel  # noqa: E402
from harness.parsers.rst import parse_rst  # noqa: E402

WORDS = ("job", "cluster", "queue", "token", "project", "instance", "volume", "listener", "pool", "member")
TYPES = ("String", "Integer", "Boolean", "Long", "Array of strings", "Object")


def _rows(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    return [(f"{rng.choice(WORDS)}_{i}", rng.choice(("Yes", "No")), rng.choice(TYPES),
             " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))) for i in range(count)]


def _grid(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [rule, line(header), rule.replace("-", "=")]
    for row in rows:
        out += [line(row), rule]
    return "\n".join("   " + x for x in out)


def _body(rng: random.Random, rows: list[tuple[str, str, str, str]]) -> dict[str, object]:
    return {name: rng.choice([1, "x", True, [1, 2]]) for name, *_ in rows[: rng.randint(1, len(rows))]}


def rst_page(rng: random.Random, n: int) -> str:
    """One cloud-style RST page: URI, grid tables, examples with directives, status table."""
    params, fields = _rows(rng, rng.randint(2, 12)), _rows(rng, rng.randint(2, 20))
    body = json.dumps(_body(rng, params), indent=2).replace("\n", "\n   ")
    response = json.dumps(_body(rng, fields), indent=2).replace("\n", "\n   ")
    return f"""Operation {n}
{"=" * (10 + len(str(n)))}

Function
--------

This API is used to do thing {n}. See :ref:`Error Codes <errorcode>`.

URI
---

POST /v1/{{project_id}}/things/{n}

.. table:: **Table 1** Path parameters

   ========== ========= ====== ===========
   Parameter  Mandatory Type   Description
   ========== ========= ====== ===========
   project_id Yes       String Project ID
   ========== ========= ====== ===========

Request Parameters
------------------

.. table:: **Table 2** Request body parameters

{_grid(params, ("Parameter", "Mandatory", "Type", "Description"))}

Response Parameters
-------------------

**Status code: 200**

.. table:: **Table 3** Response body parameters

{_grid([(a, c, d) for a, _, c, d in fields], ("Parameter", "Type", "Description"))}

Example Requests
----------------

.. code-block:: text

   POST https://{{endpoint}}/v1/{{project_id}}/things/{n}

   {body}

.. TEST[setup:thing_{n % 7}]

Example Responses
-----------------

**Status code: 200**

.. code-block::

   {response}

Status Codes
------------

=========== ===========
Status Code Description
=========== ===========
200         OK
400         Bad request
=========== ===========
"""


_EXPORT_CELL = ('<{tag} align="left" class="cellrowborder" valign="top" width="{width}%" {ref}="mcps1.3.{n}.{t}.2.5.1.{c}'
                '{space}"><p>{text}</p>\n</{tag}>\n')


def _html_table(n: int, number: int, caption: str, header: tuple[str, ...], rows: list[tuple[str, ...]],
                anchor: str = "") -> str:
    """A table as the cloud docs exporter writes it: attributes on every cell, a <p> in each, newlines."""
    widths = [20] * (len(header) - 1) + [100 - 20 * (len(header) - 1)]

    def cells(tag: str, ref: str, values: tuple[str, ...], space: str) -> str:
        return "".join(_EXPORT_CELL.format(tag=tag, width=w, ref=ref, n=n, t=number, c=c + 1, space=space, text=v)
                       for c, (v, w) in enumerate(zip(values, widths)))

    body = "".join(f"<tr>{cells('td', 'headers', row, ' ')}</tr>\n" for row in rows)
    names = f'<a name="Op{n}__{anchor}"></a><a name="{anchor}"></a>' if anchor else ""
    return (f'{names}<table cellpadding="4" cellspacing="0" summary="" id="Op{n}__{anchor or f"table{number}"}" '
            f'frame="border" border="1" rules="all"><caption><b>Table {number} </b>{caption}</caption>'
            f'<thead align="left"><tr>{cells("th", "id", header, "")}</tr>\n</thead>\n<tbody>{body}</tbody>\n'
            "</table>\n")


_VALUES = {"String": lambda r: " ".join(r.choice(WORDS) for _ in range(r.randint(1, 3))),
           "Integer": lambda r: r.randint(0, 5000), "Long": lambda r: r.randint(0, 10 ** 9),
           "Boolean": lambda r: r.random() < 0.5, "Array of strings": lambda r: [r.choice(WORDS), r.choice(WORDS)]}


def _typed_body(rng: random.Random, rows: list[tuple[str, str, str, str]], nested: dict[str, object]) -> dict[str, object]:
    """An example body that agrees with its table, as real examples mostly do (1 in 20 values is off)."""
    body: dict[str, object] = {}
    for name, required, kind, _ in rows:
        if required == "No" and rng.random() < 0.4:
            continue
        value = nested if kind == "Object" else _VALUES[kind](rng)
        body[name] = rng.choice(["x", 1, True]) if rng.random() < 0.05 else value
    return body


def html_page(rng: random.Random, n: int) -> str:
    """One cloud-style HTML export, shaped like the real ones in corpus-sample/otc-html.

    Anchors and a topic title, sectiontitle headings, exporter-style tables (attributes on every
    cell, a <p> in each), a nested object table the body table links to, "Status code" labels,
    examples whose values mostly agree with the tables, a directive comment, a status table.
    """
    params, fields, inner = _rows(rng, rng.randint(2, 12)), _rows(rng, rng.randint(2, 20)), _rows(rng, rng.randint(2, 6))
    params = [r if r[2] != "Object" else (r[0], r[1], "String", r[3]) for r in params]
    fields = [r if r[2] != "Object" else (r[0], r[1], "String", r[3]) for r in fields]
    inner = [r if r[2] != "Object" else (r[0], r[1], "Integer", r[3]) for r in inner]
    link = f'<a href="#Op{n}__request_Spec{n}">Spec{n}</a> object'
    params.append((f"spec_{n}", "Yes", link, "The specification of the thing."))
    heading = '<h4 class="sectiontitle">{}</h4>'
    columns = ("Parameter", "Mandatory", "Type", "Description")
    nested_value = _typed_body(rng, inner, {})
    request = _typed_body(rng, [(a, b, "Object" if "<a " in c else c, d) for a, b, c, d in params], nested_value)
    response = _typed_body(rng, fields, {})
    path = f"/v1/{{project_id}}/things/{n}"
    return "".join((
        f'<a name="Op{n}"></a><a name="Op{n}"></a>\n\n<h1 class="topictitle1">Operation {n}</h1>\n',
        heading.format("Function"), f"<p>This API is used to do thing {n}.</p>\n\n",
        heading.format("URI"), f"<p>POST {path}</p>\n\n",
        _html_table(n, 1, "Path parameters", columns, [("project_id", "Yes", "String", "Specifies the project ID.")]),
        "\n", heading.format("Request Parameters"), "\n",
        _html_table(n, 2, "Request header parameters", columns,
                    [("X-Auth-Token", "Yes", "String", "Specifies the token used for IAM authentication.")]),
        _html_table(n, 3, "Request body parameters", columns, params),
        _html_table(n, 4, f"Spec{n}", columns, inner, anchor=f"request_Spec{n}"),
        "\n", heading.format("Response Parameters"), "<p><strong>Status code: 200</strong></p>\n",
        _html_table(n, 5, "Response body parameters", columns, fields),
        "\n", heading.format("Example Requests"), f"<p>Doing thing {n}</p>\n",
        f'<pre class="screen">POST https://{{endpoint}}{path}\n\n{json.dumps(request, indent=2)}</pre>\n',
        f"<!-- TEST[setup:thing_{n % 7}] -->\n\n",
        heading.format("Example Responses"), "<p><strong>Status code: 200</strong></p>\n<p>OK</p>\n",
        f'<pre class="screen">{json.dumps(response, indent=2)}</pre>\n\n',
        heading.format("Status Codes"), "\n",
        _html_table(n, 6, "Status codes", ("Status Code", "Description"), [("200", "OK"), ("400", "Bad request")]),
        "\n", heading.format("Error Codes"), '<p>See <a href="errorcode.html">Error Codes</a>.</p>\n'))


def _timed(parse: Callable[[str, str], object], texts: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for path, text in texts:
        parse(text, path)
    return time.perf_counter() - start


def _docutils_floor(text: str, path: str) -> object:
    from docutils.core import publish_doctree
    return publish_doctree(text, source_path=path, settings_overrides={
        "report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(), "file_insertion_enabled": False})


def _lxml_floor(text: str, path: str) -> object:
    import lxml.html
    return lxml.html.document_fromstring(text.encode("utf-8"))


def measure(label: str, texts: list[tuple[str, str]], parse: Callable[[str, str], Document],
            floor: Callable[[str, str], object], floor_name: str) -> None:
    """Print throughput of ``parse`` and its ratio to ``floor`` (best of two rounds each)."""
    if not texts:
        return
    parse(*reversed(texts[0]))  # warm imports outside the timing
    ours = min(_timed(lambda t, p: parse(t, p), texts) for _ in range(2))
    base = min(_timed(floor, texts) for _ in range(2))
    megabytes = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    examples = sum(len(parse(t, p).examples) for p, t in texts)
    print(f"{label:<22} {len(texts):5d} pages {megabytes:6.2f} MB  {len(texts) / ours:7.1f} pages/s "
          f"{megabytes / ours:5.2f} MB/s  {examples / ours:7.1f} examples/s  "
          f"ratio to {floor_name}: {ours / base:4.2f} ({ours:.2f}s vs {base:.2f}s)")


def pool_speedup(folder: Path, jobs: int) -> None:
    """Print load_parallel's wall time with one worker and with ``jobs``."""
    one = time.perf_counter()
    serial = load_parallel([folder], root=folder, jobs=1)
    one = time.perf_counter() - one
    before = os.times()
    many = time.perf_counter()
    parallel = load_parallel([folder], root=folder, jobs=jobs)
    many = time.perf_counter() - many
    after = os.times()
    assert parallel == serial, "the pool must give the serial result"
    worker_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    print(f"load_parallel {len(serial)} files: jobs=1 {one:.2f}s, jobs={jobs} {many:.2f}s, "
          f"speed-up {one / many:.2f}x (workers used {worker_cpu:.2f} CPU-s = {worker_cpu / many:.2f} cores "
          f"busy on average; load average before: {os.getloadavg()[0]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="generated pages per format")
    parser.add_argument("--jobs", type=int, default=2, help="workers for the pool measurement")
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rst = [(f"gen/p{n}.rst", rst_page(rng, n)) for n in range(args.pages)]
        html = [(f"gen/p{n}.html", html_page(rng, n)) for n in range(args.pages)]
        for path, text in rst + html:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
        measure("generated RST", rst, parse_rst, _docutils_floor, "publish_doctree")
        measure("generated HTML", html, parse_html, _lxml_floor, "lxml.html parse")
        pool_speedup(folder, args.jobs)
    sample = next((p for p in (Path("/work/shared/corpus-sample"), ROOT.parent / "shared" / "corpus-sample")
                   if p.is_dir()), None)
    if sample is not None:
        for fmt, suffix, parse, floor, name in (("rst", ".rst", parse_rst, _docutils_floor, "publish_doctree"),
                                                ("html", ".html", parse_html, _lxml_floor, "lxml.html parse")):
            files = sorted((sample / f"otc-{fmt}").rglob(f"*{suffix}"))
            texts = [(f.relative_to(sample).as_posix(), f.read_text(encoding="utf-8")) for f in files]
            measure(f"corpus-sample {fmt}", texts, parse, floor, name)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {peak:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()
