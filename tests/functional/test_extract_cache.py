"""The extraction cache (issue 14, goal 4): real files, real ``docharness`` processes.

A cached run must give byte for byte what an uncached one gives (the JSON model and every
warning at its file:line), parse only what changed (content, parser code, config), survive
two runs at once and damaged or planted entries, and never let a page the path policy
refuses through because an entry exists for its bytes.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from harness.parsers.cache import ExtractCache, parser_version, prune
from harness.parsers.loader import POOL_MIN_FILES, load

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "docs_src"
PAGE = "= Page\n\n[source,js]\n----\nGET /v/{version}/_search\n----\n// CONSOLE\n"


def _docharness(cwd: Path, *args: str, pythonpath: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _entries(cache: Path) -> dict[str, tuple[int, int]]:
    """Each entry file (relative path) with its inode and modification time: what a rewrite changes."""
    return {p.relative_to(cache).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (cache / "extract").glob("*/*/*") if p.is_file()}


def _copy_seeds(target: Path, copies: int = 1) -> Path:
    """The docs_src tree (config included) with its pages copied ``copies`` times."""
    pages = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".asciidoc", ".rst", ".html"))
    target.mkdir(parents=True)
    shutil.copy(SEEDS / "docharness.toml", target / "docharness.toml")
    for n in range(copies):
        for page in pages:
            copy = target / (f"copy{n:02d}" if copies > 1 else "") / page.relative_to(SEEDS)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(page.read_bytes())
    return target


def test_a_cached_run_prints_what_an_uncached_run_prints(tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    pages = len(list(docs.rglob("*.*"))) - 1  # not the config
    fresh = _docharness(tmp_path, "extract", "--json", "--no-cache", "docs")
    assert fresh.returncode in (0, 1) and fresh.stderr.count("warning[") >= 2, fresh.stderr[-2000:]
    assert not (docs / ".docharness_cache").exists()  # --no-cache writes nothing
    first = _docharness(tmp_path, "extract", "--json", "docs")
    written = _entries(docs / ".docharness_cache")  # the default: beside the config
    second = _docharness(tmp_path, "extract", "--json", "docs")
    for run in (first, second):
        assert (run.returncode, run.stdout, run.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert len(written) == pages  # one entry per page
    assert _entries(docs / ".docharness_cache") == written  # the second run read them, rewrote none


def test_a_generated_tree_through_the_worker_pool_and_back(tmp_path: Path) -> None:
    tree = _copy_seeds(tmp_path / "tree", copies=POOL_MIN_FILES // 90 + 2)
    cache = tmp_path / "cache"
    fresh = _docharness(tmp_path, "extract", "--json", "-j", "1", "--no-cache", "tree")
    pooled = _docharness(tmp_path, "extract", "--json", "-j", "2", "--cache-dir", "cache", "tree")  # workers write
    written = _entries(cache)
    serial = _docharness(tmp_path, "extract", "--json", "-j", "1", "--cache-dir", "cache", "tree")
    pooled_again = _docharness(tmp_path, "extract", "--json", "-j", "2", "--cache-dir", "cache", "tree")
    for run in (pooled, serial, pooled_again):
        assert (run.returncode, run.stdout, run.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert len(written) > POOL_MIN_FILES and _entries(cache) == written


def test_only_the_changed_page_is_parsed_again(tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    pages = sorted(p for p in docs.rglob("*.*") if p.suffix != ".toml")
    cache = ExtractCache(tmp_path / "cache")
    first = load([docs], root=tmp_path, cache=cache)
    assert (cache.hits, cache.writes) == (0, len(pages))
    changed = next(p for p in pages if p.suffix == ".rst")
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n.. note:: appended\n", encoding="utf-8")
    again = ExtractCache(tmp_path / "cache")
    second = load([docs], root=tmp_path, cache=again)
    assert (again.hits, again.misses, again.writes) == (len(pages) - 1, 1, 1)
    assert second == load([docs], root=tmp_path)  # what a parse of today's files gives
    assert [d.path for d, e in zip(first, second) if d != e] == [changed.relative_to(tmp_path).as_posix()]


def test_another_root_or_config_is_another_entry(tmp_path: Path) -> None:
    (tmp_path / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    config = tmp_path / "docharness.toml"
    config.write_text('[elasticsearch]\nversion = "6.3.2"\n', encoding="utf-8")
    old = _docharness(tmp_path, "extract", "--json", ".")
    config.write_text('[elasticsearch]\nversion = "6.8.0"\n', encoding="utf-8")
    new = _docharness(tmp_path, "extract", "--json", ".")
    assert "/v/6.3.2/_search" in old.stdout and "/v/6.8.0/_search" in new.stdout
    elsewhere = _docharness(tmp_path.parent, "extract", "--json", "--config", str(config), tmp_path.name)
    assert f'"{tmp_path.name}/page.asciidoc"' in elsewhere.stdout and "/v/6.8.0/_search" in elsewhere.stdout
    assert len(_entries(tmp_path / ".docharness_cache")) == 3


def test_a_change_to_the_parser_code_starts_afresh(tmp_path: Path) -> None:
    copy = tmp_path / "code"
    shutil.copytree(REPO / "harness", copy / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    show = [sys.executable, "-c", "import harness.parsers.cache as c; print(c.__file__, c.parser_version())"]
    env = {**os.environ, "PYTHONPATH": str(copy)}
    before = subprocess.run(show, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert before.stdout.startswith(str(copy)), "the copy of the code is not the one imported"
    assert _docharness(tmp_path, "extract", "--cache-dir", "cache", "page.asciidoc", pythonpath=copy).returncode == 0
    with open(copy / "harness" / "parsers" / "console.py", "a", encoding="utf-8") as stream:
        stream.write("\n# a change to one parser module\n")
    after = subprocess.run(show, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert before.stdout.split()[1] != after.stdout.split()[1]
    assert _docharness(tmp_path, "extract", "--cache-dir", "cache", "page.asciidoc", pythonpath=copy).returncode == 0
    versions = sorted(p.name for p in (tmp_path / "cache" / "extract").iterdir() if p.is_dir())
    assert versions == sorted([before.stdout.split()[1], after.stdout.split()[1]])
    assert all(len(list((tmp_path / "cache" / "extract" / v).rglob("*"))) == 2 for v in versions)  # shard, entry


def test_two_runs_at_once_both_succeed(tmp_path: Path) -> None:
    tree = _copy_seeds(tmp_path / "tree", copies=3)
    pages = len(list(tree.rglob("*.*"))) - 1
    fresh = _docharness(tmp_path, "extract", "--json", "--no-cache", "tree")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "harness", "extract", "--json", "-j", "1", "--cache-dir", "cache", "tree"]
    runs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outputs = [(run.communicate(timeout=600), run.returncode) for run in runs]
    for (stdout, stderr), status in outputs:
        assert (status, stdout, stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    entries = _entries(tmp_path / "cache")
    assert len(entries) == pages
    assert not [name for name in entries if "/.tmp-" in name]  # every temporary file was renamed into place


def _entry_for(cache: Path, name: str, data: bytes) -> Path:
    key = ExtractCache.key(name, data)
    return cache / "extract" / parser_version() / key[:2] / key[2:]


class _Planted:
    """Pickles as a call to ``os.system``: what a planted entry would run if entries were plain pickles."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (self.command,)


def test_damaged_and_planted_entries_are_parsed_again_and_nothing_runs(tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    fresh = _docharness(tmp_path, "extract", "--json", "--no-cache", "docs")
    assert _docharness(tmp_path, "extract", "--json", "--cache-dir", "cache", "docs").stdout == fresh.stdout
    pages = sorted(p for p in docs.rglob("*.*") if p.suffix != ".toml")
    entries = [_entry_for(tmp_path / "cache", p.relative_to(tmp_path).as_posix(), p.read_bytes()) for p in pages]
    assert all(e.is_file() for e in entries)
    entries[0].write_bytes(entries[0].read_bytes()[:200])  # truncated
    entries[1].write_bytes(b"\x00" * 64)  # garbage
    blob = bytearray(entries[2].read_bytes())
    blob[-50] ^= 0xFF  # one flipped byte
    entries[2].write_bytes(bytes(blob))
    entries[3].write_bytes(entries[4].read_bytes())  # another page's entry under this key
    witness = tmp_path / "planted-code-ran"
    payload = pickle.dumps(_Planted(f"touch {witness}"))
    key = entries[5].parent.name + entries[5].name
    header = b"docharness extract cache 1\n" + key.encode() + zlib.crc32(payload).to_bytes(4, "big")
    entries[5].write_bytes(header + payload)  # a well-formed entry that would run code
    again = _docharness(tmp_path, "extract", "--json", "--cache-dir", "cache", "docs")
    assert (again.returncode, again.stdout, again.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert not witness.exists()
    replaced = _entries(tmp_path / "cache")
    third = _docharness(tmp_path, "extract", "--json", "--cache-dir", "cache", "docs")
    assert third.stdout == fresh.stdout and _entries(tmp_path / "cache") == replaced  # rewritten whole


def test_the_path_policy_applies_to_every_page_of_a_cached_tree(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "docharness.toml").write_text('[docharness]\nsources = ["."]\n', encoding="utf-8")
    (docs / "a.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "b.asciidoc").write_text(PAGE.replace("_search", "_count"), encoding="utf-8")
    outside = tmp_path / "outside.asciidoc"
    outside.write_text(PAGE, encoding="utf-8")
    warm = _docharness(tmp_path, "extract", "--json", "docs")
    assert warm.returncode == 0 and "/_search" in warm.stdout and "/_count" in warm.stdout
    # the same bytes, now through a symlink out of the tree, and a FIFO where a page was
    (docs / "a.asciidoc").unlink()
    (docs / "a.asciidoc").symlink_to(outside)
    (docs / "b.asciidoc").unlink()
    os.mkfifo(docs / "b.asciidoc")
    again = _docharness(tmp_path, "extract", "--json", "docs")
    assert again.returncode == 1
    assert "/_search" not in again.stdout and "/_count" not in again.stdout
    assert "outside the docs root" in again.stderr and "not a regular file" in again.stderr


def test_folders_are_private_and_the_cache_is_marked(tmp_path: Path) -> None:
    (tmp_path / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    old = os.umask(0o022)
    try:
        load([tmp_path / "page.asciidoc"], root=tmp_path, cache=ExtractCache(tmp_path / "cache"))
    finally:
        os.umask(old)
    for path in (tmp_path / "cache").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")


def test_the_least_recently_used_entries_go_when_the_cache_is_full(tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    pages = sorted(p for p in docs.rglob("*.*") if p.suffix != ".toml")
    load([docs], root=tmp_path, cache=ExtractCache(tmp_path / "cache"))
    entries = sorted((tmp_path / "cache" / "extract").rglob("*/*/*"))
    stale_version = tmp_path / "cache" / "extract" / "0123456789abcdef0123" / "ab"
    stale_version.mkdir(parents=True)
    (stale_version / ("c" * 62)).write_bytes(b"x" * 5000)
    (stale_version / ".tmp-1-dead").write_bytes(b"x")  # left by a run that died
    for number, entry in enumerate([stale_version / ("c" * 62), stale_version / ".tmp-1-dead", *entries]):
        os.utime(entry, (1_000_000 + number, 1_000_000 + number))  # an old parser version's entry is the oldest
    used = entries[-10:]
    for entry in used:
        os.utime(entry)  # used just now
    bound = int(sum(e.stat().st_size for e in used) / 0.8) + 100  # pruned to 80% of the bound
    prune(str(tmp_path / "cache" / "extract"), bound)
    left = sorted((tmp_path / "cache" / "extract").rglob("*/*/*"))
    assert set(used) <= set(left) and sum(p.stat().st_size for p in left) <= bound
    assert not stale_version.parent.exists()  # emptied and removed, the dead run's file with it
    assert len(pages) > len(left)


def test_a_cache_that_cannot_be_written_is_said_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    run = _docharness(tmp_path, "extract", "--json", "--cache-dir", "not-a-folder", "page.asciidoc")
    assert run.returncode == 0 and "/_search" in run.stdout
    assert "the extraction cache could not be written" in run.stderr and "--no-cache" in run.stderr


@pytest.mark.parametrize("command", [["replay", "--dry-run", "docs"], ["publish", "--out", "site", "docs"],
                                     ["run", "--out", "out"]])
def test_replay_run_and_publish_use_the_configured_cache(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs" / "docharness.toml").write_text('[docharness]\nsources = ["."]\ncache_dir = "../kept"\n',
                                                       encoding="utf-8")
    run = _docharness(tmp_path, *command, "--config", "docs/docharness.toml")
    assert run.returncode in (0, 1), run.stderr
    assert len(_entries(tmp_path / "kept")) == 1
    off = _docharness(tmp_path, *command, "--config", "docs/docharness.toml", "--no-cache")
    assert off.returncode == run.returncode and len(_entries(tmp_path / "kept")) == 1


def test_a_run_that_writes_keeps_the_cache_within_its_bound(tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    bound = 40_000
    load([docs], root=tmp_path, cache=ExtractCache(tmp_path / "cache", max_bytes=bound))
    sizes = [p.stat().st_size for p in (tmp_path / "cache" / "extract").rglob("*/*/*")]
    assert sizes and sum(sizes) <= bound < sum(len(p.read_bytes()) for p in docs.rglob("*.*"))
    assert (tmp_path / "cache" / "extract" / ".pruned").is_file()  # when the size was last looked at


def test_the_config_key_is_read_and_checked(tmp_path: Path) -> None:
    from harness.config import ConfigError, parse_config

    assert parse_config('[docharness]\ncache_dir = "/var/cache/docs"\n', tmp_path / "x.toml").cache_dir == \
        "/var/cache/docs"
    with pytest.raises(ConfigError, match="docharness.cache_dir must be a string") as problem:
        parse_config("[docharness]\ncache_dir = false\n", tmp_path / "x.toml")
    assert problem.value.line == 2
    with pytest.raises(ConfigError, match="did you mean `cache_dir`"):
        parse_config('[docharness]\ncache_dri = "x"\n', tmp_path / "x.toml")


def test_a_cache_the_worker_processes_cannot_write_is_said_too(tmp_path: Path) -> None:
    _copy_seeds(tmp_path / "tree", copies=2)
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    run = _docharness(tmp_path, "extract", "-j", "2", "--cache-dir", "not-a-folder/cache", "tree")
    assert run.returncode in (0, 1) and "documents:" in run.stdout
    assert "the extraction cache could not be written" in run.stderr
