"""What a mypyc-compiled build of the parsers would buy on issue 14's goals 1 and 2 (a probe, not a test).

Copies ``harness`` into a temporary folder, compiles the parsers there with mypyc (shipped with mypy, a
test dependency; needs a C compiler), checks that the compiled copy really is the one imported (its
parser modules are extension modules) and then measures, on the corpora bench_goals.py generates (same
generator and seed): ``extract --no-cache --json -j 1`` of the AsciiDoc pages against
benchmarks/asciidoc_floor.py, and of the HTML pages against a bare lxml parse, each pure and compiled.
CPU ratios as bench_goals.py takes them (the median of ``--rounds`` back-to-back pairs); ``--callgrind``
counts instructions instead (load-independent, ~10 minutes). The compiled copy's output is compared with the pure one's by
benchmarks/compare_extract.py (on the generated pages, docs_src and the ``--also`` folders).

    python benchmarks/compiled_probe.py --pages 1400            # build (~2-4 min) + CPU ratios
    python benchmarks/compiled_probe.py --pages 1400 --callgrind --also ../shared/corpus-sample

Not compiled, and why (mypyc 2.x): ``EXCLUDED`` below. ``harness/model.py`` is not compiled either:
mypyc makes the model's frozen dataclasses native classes whose ``__init__`` is still the Python one
``dataclasses`` generates (``object.__setattr__`` per field), and codec.quicken_inits's faster ``__new__``
no longer applies; measured (callgrind, 1,400 pages, the modules left as Python compiled from source
on each start in both): parsers + model + codec compiled 4,501M instructions, parsers alone 3,901M.

Findings (2026-12-04, mypy 2.4.1, callgrind, whole command with bytecode written, 1,400 AsciiDoc / 700
HTML pages): AsciiDoc 5,076M pure; 3,933M as this probe builds, 3,804M with directives.py compiled too
(its ``__test__`` line removed in the copy); the floor 1,360M: 3.73x -> 2.89x / 2.80x, goal 2.5x
(3,400M). HTML 8,283M pure; 7,113M / 7,109M compiled; lxml's parse 3,131M: 2.65x -> 2.27x, goal 2x
(6,262M). Compiling removes the interpreter loop (``_PyEval_EvalFrameDefault``: AsciiDoc 1,298M ->
354M, HTML 1,103M -> 249M) but not what the code asks of C: regular expressions, lxml's element
proxies, malloc, str and dict operations, orjson; start-up is unchanged (a one-page tree: AsciiDoc
410M pure, 409M compiled; HTML 541M, 530M). Neither goal is in reach of compilation alone: with no
interpreted code left at all, AsciiDoc would still be ~3,450M and HTML ~6,860M. What is left is the
model's ~100k objects per tree (built by codec.quicken_inits's Python ``__new__``; a plain native
class constructs 5-18x quicker than a compiled frozen dataclass, timed in a loop), orjson's Python
``default``, and the C work above.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_extract import generate_asciidoc, generate_html  # noqa: E402
from bench_goals import EXTRACT, FLOORS, line, side_by_side  # noqa: E402

PY = sys.executable
EXCLUDED = {
    # mypyc refuses a native class deriving from a built-in exception other than Exception
    "loader.py": "UnreadableFolder subclasses OSError ('Inheriting from most builtin types is unimplemented')",
    # mypyc's IR builder fails on reversed(item.items()) where item is an Any narrowed to dict
    "repeated_keys.py": "mypyc internal error (AssertionError: Any) at reversed(item.items())",
    # an unannotated class attribute of a dataclass becomes a native attribute: the dataclass __init__ then
    # stores each argument one slot off (TestArgs(setups, ...) raises "bool object expected; got tuple")
    "directives.py": "TestArgs's '__test__ = False' shifts mypyc's dataclass slots",
}


def build(tree: Path) -> None:
    """``tree/harness``: a copy of this checkout's package with its parsers compiled by mypyc in place."""
    source = Path(__import__("harness").__file__).resolve().parent
    shutil.copytree(source, tree / "harness", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    modules = sorted(str(p.relative_to(tree)) for p in (tree / "harness" / "parsers").glob("*.py")
                     if p.name not in EXCLUDED)
    before = os.times()
    done = subprocess.run([PY, "-m", "mypyc", *modules], cwd=tree, capture_output=True, text=True)
    after = os.times()
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-3000:]
        raise SystemExit(f"mypyc failed ({done.returncode}); no compiled figures:\n{output}")
    compiled = [m for m in modules if any((tree / m).parent.glob(Path(m).stem + ".*.so"))]
    print(f"  compiled {len(compiled)} of {len(modules) + len(EXCLUDED)} parser modules in "
          f"{after.children_user + after.children_system - before.children_user - before.children_system:.0f} "
          f"CPU-s (mypyc + C compiler); left as Python: {', '.join(sorted(EXCLUDED))}", flush=True)


def imported_compiled(tree: Path) -> bool:
    """Whether a child with the compiled copy on PYTHONPATH imports the parsers from its extension modules."""
    code = ("import harness.parsers.asciidoc as a, harness.parsers.html as h; "
            "print(a.__file__.endswith('.so') and h.__file__.endswith('.so'))")
    done = subprocess.run([PY, "-P", "-c", code], env=_env(tree), capture_output=True, text=True)
    return done.stdout.strip() == "True"


def _env(tree: Path | None) -> dict[str, str]:
    environment = dict(os.environ)
    if tree is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(tree), *filter(None, [environment.get("PYTHONPATH")])])
    return environment


def instructions(command: Sequence[str], cwd: Path, tree: Path | None) -> float:
    """Instructions (callgrind's Ir) of one run of ``command``."""
    with tempfile.NamedTemporaryFile(suffix=".cg") as out:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", *command],
                              cwd=cwd, env=_env(tree), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        found = [ln for ln in done.stderr.splitlines() if "Collected :" in ln]
        if not found:
            raise SystemExit(f"callgrind gave no count for {' '.join(command)}:\n{done.stderr[-1500:]}")
        return float(found[-1].split(":")[-1])


def measure(root: Path, tree: Path, rounds: int, callgrind: bool) -> None:
    goals = (("1 AsciiDoc", "asciidoc", [PY, str(HERE / "asciidoc_floor.py"), "asciidoc"], 2.5),
             ("2 HTML", "html", [PY, "-c", FLOORS["lxml"], "html"], 2.0))
    for label, folder, floor, target in goals:
        ours = [*EXTRACT, folder]
        if callgrind:
            base = instructions(floor, root, None) / 1e6
            for build_name, tree_used in (("pure Python", None), ("compiled build", tree)):
                value = instructions(ours, root, tree_used) / 1e6
                line(f"{label} ({build_name}) / floor", value / base, f"<= {target:g}x", value / base <= target,
                     f"({value:,.0f} vs floor {base:,.0f} M instructions)")
            continue
        # bench_goals' method (the median of back-to-back pairs); the compiled copy goes first on PYTHONPATH
        # through env(1), which execs the same Python process (its own cost is a few hundred microseconds)
        for build_name, command in (("pure Python", ours), ("compiled build", ["env", *_assign(tree), *ours])):
            ratio = side_by_side(command, floor, root, rounds)
            line(f"{label} ({build_name}) / floor", ratio.cpu, f"<= {target:g}x", ratio.cpu <= target,
                 f"(CPU, median of {rounds} pairs, {ratio.spread()}; wall {ratio.wall:.2f}x; "
                 f"extract {ratio.own:.2f} CPU-s)")


def _assign(tree: Path) -> list[str]:
    return [f"PYTHONPATH={_env(tree)['PYTHONPATH']}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1400, help="AsciiDoc pages generated (HTML: half)")
    parser.add_argument("--rounds", type=int, default=5, help="back-to-back pairs per ratio (their median)")
    parser.add_argument("--callgrind", action="store_true", help="count instructions (valgrind) instead of CPU-s")
    parser.add_argument("--also", nargs="*", default=[], help="more folders whose extract output must not change")
    args = parser.parse_args()
    print(f"compiled probe (issue 14, goals 1 and 2); load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root, tree = Path(tmp) / "corpus", Path(tmp) / "tree"
        build(tree)
        if not imported_compiled(tree):
            raise SystemExit("the compiled copy is not the one imported: no compiled figures")
        rng = random.Random(14)
        for name, generate, pages in (("asciidoc", generate_asciidoc, args.pages),
                                      ("html", generate_html, max(args.pages // 2, 10))):
            (root / name).mkdir(parents=True)
            generate(root / name, pages, rng)
        same = subprocess.run([PY, str(HERE / "compare_extract.py"), str(tree), str(root / "asciidoc"),
                               str(root / "html"), str(HERE.parent / "docs_src"), *args.also, "--pages", "200"],
                              capture_output=True, text=True)
        verdict = "same" if same.returncode == 0 else "DIFFERENT"
        print(f"  extract output compiled vs pure: {verdict} (benchmarks/compare_extract.py)", flush=True)
        if same.returncode != 0:
            print(same.stdout[-3000:] + same.stderr[-1500:])
        measure(root, tree, args.rounds, args.callgrind)
    print(f"load average after {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
