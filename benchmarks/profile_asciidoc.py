"""Where AsciiDoc ``extract --json`` spends its CPU time, phase by phase (a profiling helper, not a test).

Goal 1 of issue 14 compares ``extract --json`` with benchmarks/asciidoc_floor.py; this splits
our side into start-up (the imports ``extract`` makes), the scanner, building examples, page
metadata, captions and notices (prose) and the JSON text, in one fresh interpreter, CPU
seconds, best of ``--rounds`` for each in-process phase. The parse reads the captions as it builds
examples, so "prose" is also inside "build examples" (captions) and "parse (all)" (notices); the
"scanner", "build examples" and "page metadata" lines are parts of "parse (all)". The pages are generated as
bench_goals.py generates them (same generator and seed), or read from ``--folder``.

    python benchmarks/profile_asciidoc.py                    # 1,400 generated pages
    python benchmarks/profile_asciidoc.py --folder docs_src --rounds 5
    python benchmarks/profile_asciidoc.py --cprofile 25      # and the 25 costliest functions

Run it with ``PYTHONDONTWRITEBYTECODE=`` unset or empty, so the start-up figure is not a compile.
"""

from __future__ import annotations

import argparse
import gc
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STARTUP = "import harness.cli, harness.commands.extract, harness.parsers.asciidoc, harness.parsers.prose"


def startup(rounds: int) -> float:
    """CPU seconds of a fresh interpreter importing what ``extract`` of AsciiDoc imports, less a bare one."""
    import resource

    def cpu(code: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    return min(cpu(STARTUP) for _ in range(rounds)) - min(cpu("pass") for _ in range(rounds))


def phases(texts: list[tuple[str, str]], rounds: int) -> dict[str, float]:
    """Best CPU seconds of each phase over ``rounds`` runs of the whole tree."""
    import harness.parsers.asciidoc as asciidoc

    spent: dict[str, float] = {}
    originals = {name: getattr(asciidoc, name) for name in (
        "build_examples", "page_metadata", "asciidoc_caption", "asciidoc_notices")}
    originals["scan"] = asciidoc._Scanner.scan_all

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - started
        return run

    best: dict[str, float] = {}
    asciidoc.build_examples = timed("build examples", originals["build_examples"])
    asciidoc.page_metadata = timed("page metadata", originals["page_metadata"])
    # captions are read while examples are built: the prose phase is inside that one too
    asciidoc.asciidoc_caption = timed("prose", originals["asciidoc_caption"])
    asciidoc.asciidoc_notices = timed("prose", originals["asciidoc_notices"])
    asciidoc._Scanner.scan_all = timed("scanner", originals["scan"])  # type: ignore[method-assign]
    try:
        for _ in range(rounds):
            spent.clear()
            gc.collect()
            started = time.process_time()
            documents = [asciidoc.parse_asciidoc(text, path) for path, text in texts]
            spent["parse (all)"] = time.process_time() - started
            started = time.process_time()
            _json(documents)
            spent["json"] = time.process_time() - started
            best = {name: min(value, best.get(name, value)) for name, value in spent.items()}
    finally:
        for name in ("build_examples", "page_metadata", "asciidoc_caption", "asciidoc_notices"):
            setattr(asciidoc, name, originals[name])
        asciidoc._Scanner.scan_all = originals["scan"]  # type: ignore[method-assign]
    return best


def _json(documents: list) -> None:  # type: ignore[type-arg]
    """Write the documents as ``extract --json`` does into a pipe (compact, orjson when installed)."""
    import io

    from harness.commands.json_output import write_json

    write_json(documents, io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1400)
    parser.add_argument("--folder", type=Path, default=None, help="profile these pages instead of generated ones")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="also print the N costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder
        if folder is None:
            sys.path.insert(0, str(HERE))
            from bench_extract import generate_asciidoc

            folder = Path(scratch)
            generate_asciidoc(folder, args.pages, random.Random(14))  # bench_goals.py's pages
        files = sorted([*folder.rglob("*.asciidoc"), *folder.rglob("*.adoc")])
        texts = [(p.as_posix(), p.read_bytes().decode("utf-8-sig")) for p in files]
    size = sum(len(text) for _, text in texts) / 1e6
    print(f"{len(texts)} pages, {size:.1f} MB of text; CPU seconds, best of {args.rounds}")
    print(f"  {'start-up (imports)':<22} {startup(args.rounds):6.3f}")
    gc.disable()  # as the loader runs the parsers
    for name, value in phases(texts, args.rounds).items():
        print(f"  {name:<22} {value:6.3f}")
    if args.cprofile:
        import cProfile
        import pstats

        from harness.parsers import parse

        profile = cProfile.Profile()
        profile.runcall(lambda: _json([parse(text, path) for path, text in texts]))
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
