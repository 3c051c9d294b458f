"""Sharding for CI matrices: ``--shard K/N`` picks a deterministic, balanced share of the documents.

Whole documents go to a shard, so a page's stateful sequence (setups, ``continued``
examples, captures) stays on one runner. The split is greedy longest-first: documents
sorted by number of tests (``document_weight``, shared by the CLI and the pytest plugin) (most first, ties by path), each put into the shard with the
fewest tests so far (ties: the one with fewer documents, then the lowest number). It
depends only on the paths and test counts, so the same tree gives the same split on
every machine, whatever order the files were listed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from harness.model import Document

__all__ = ["Shard", "ShardError", "assign", "document_weight", "parse_shard", "select_shard"]

T = TypeVar("T")


class ShardError(ValueError):
    """A ``--shard`` value that is not ``K/N`` with 1 <= K <= N."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is true, int("²") fails


def parse_shard(value: str) -> Shard:
    """``"2/4"`` as ``Shard(2, 4)``; ``ShardError`` with a hint for anything else."""
    index, sep, count = value.strip().partition("/")
    hint = "write --shard K/N with 1 <= K <= N, for example --shard 1/4 ... --shard 4/4 on four runners"
    if not sep or not _NUMBER.fullmatch(index.strip()) or not _NUMBER.fullmatch(count.strip()):
        raise ShardError(f"--shard {value!r}: not K/N\n  hint: {hint}")
    shard = Shard(int(index), int(count))
    if shard.count < 1 or not 1 <= shard.index <= shard.count:
        raise ShardError(f"--shard {value!r}: shard {shard.index} of {shard.count} does not exist\n  hint: {hint}")
    return shard


def assign(weights: Iterable[tuple[str, int]], count: int) -> dict[str, int]:
    """Each path's shard number (1-based) among ``count``, greedy longest-first on the weights."""
    loads = [0] * count
    sizes = [0] * count
    chosen: dict[str, int] = {}
    for path, weight in sorted(set(weights), key=lambda item: (-item[1], item[0])):
        if path in chosen:
            continue
        best = min(range(count), key=lambda b: (loads[b], sizes[b], b))
        loads[best] += weight
        sizes[best] += 1
        chosen[path] = best + 1
    return chosen


def document_weight(document: Document) -> int:
    """A document's weight in the split, the one the CLI's ``--shard`` and the pytest plugin's
    ``--docharness-shard`` both use: its number of tests (``Document.tests``), so the same tree
    gives the same shards through either."""
    return len(document.tests)


def select_shard(items: Sequence[T], shard: Shard, path: Callable[[T], str], weight: Callable[[T], int]) -> list[T]:
    """The items (documents) of ``shard``, in their given order."""
    placed = assign(((path(item), weight(item)) for item in items), shard.count)
    return [item for item in items if placed[path(item)] == shard.index]
