"""`docharness serve`: placeholder until its issue lands (replaced by the owner of that issue)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*")


def run(args: argparse.Namespace) -> int:
    print("docharness serve: not available yet", file=sys.stderr)
    return 2
