"""Byte-identity of ``extract`` between another checkout and this one (a check for speed work, not a test).

A speed change must not change what ``extract`` prints. This runs ``extract --no-cache -j 1`` (with
``--json``, and once without for the summary) under both source trees, on the given paths and on
AsciiDoc pages generated as bench_goals.py generates them (several seeds), and compares stdout,
stderr and the exit status: byte for byte, except ``--json``'s stdout, compared as JSON with every
key in its order (compact JSON may be written with or without a space after ``,`` and ``:``). The
other tree is a folder holding a ``harness`` package, e.g. made by ``git archive main harness | tar
-x -C /tmp/main-tree``; it is put first on ``PYTHONPATH``, and both run with ``python -P``, so that a
checkout in the current folder does not shadow either.

    python benchmarks/compare_extract.py /tmp/main-tree docs_src ../shared/corpus-sample
    python benchmarks/compare_extract.py /tmp/main-tree --pages 300 --seeds 3 14 99

Prints one line per run ("same" or "DIFF" with the first differing line) and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def extract(tree: str | None, arguments: list[str], cwd: Path) -> tuple[bytes, bytes, int]:
    environment = dict(os.environ)
    if tree is not None:
        environment["PYTHONPATH"] = os.pathsep.join([tree, *filter(None, [environment.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-P", "-m", "harness", "extract", "--no-cache", "-j", "1", *arguments],
                          cwd=cwd, env=environment, capture_output=True)
    return done.stdout, done.stderr, done.returncode


def first_difference(old: bytes, new: bytes) -> str:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines()), 1):
        if a != b:
            at = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y) if len(a) == len(b) else min(len(a), len(b))
            return f"line {number}, byte {at}: {a[max(at - 40, 0):at + 40]!r} vs {b[max(at - 40, 0):at + 40]!r}"
    return f"lengths {len(old)} vs {len(new)}"


def _as_json(text: bytes) -> object:
    """The JSON value of ``text``, every object as the list of its (key, value) pairs: order counts."""
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: ("object", pairs))
    except ValueError:
        return text  # not JSON: compared as bytes


def compare(tree: str, path: str, cwd: Path) -> bool:
    same = True
    for arguments in (["--json", path], [path]):
        old, new = extract(tree, arguments, cwd), extract(None, arguments, cwd)
        label = " ".join(arguments)
        if old[1:] == new[1:] and (old[0] == new[0] or "--json" in arguments and _as_json(old[0]) == _as_json(new[0])):
            print(f"same  {label} ({len(new[0])} bytes, exit {new[2]})")
            continue
        same = False
        which = "stdout" if old[0] != new[0] else "stderr" if old[1] != new[1] else "exit status"
        detail = first_difference(old[0], new[0]) if which == "stdout" else first_difference(old[1], new[1])
        print(f"DIFF  {label}: {which} ({detail})")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", help="a folder holding the other checkout's harness package")
    parser.add_argument("paths", nargs="*", help="files or folders to extract (besides the generated pages)")
    parser.add_argument("--pages", type=int, default=300, help="generated AsciiDoc pages per seed")
    parser.add_argument("--seeds", type=int, nargs="*", default=[3, 14, 99])
    args = parser.parse_args()
    same = all([compare(args.tree, str(Path(path).resolve()), Path.cwd()) for path in args.paths])
    sys.path.insert(0, str(HERE))
    from bench_extract import generate_asciidoc

    with tempfile.TemporaryDirectory() as scratch:
        for seed in args.seeds:
            folder = Path(scratch) / f"seed-{seed}"
            folder.mkdir()
            generate_asciidoc(folder, args.pages, random.Random(seed))
            same = compare(args.tree, folder.name, Path(scratch)) and same
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
