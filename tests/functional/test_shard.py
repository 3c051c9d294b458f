"""Sharding a docs tree over CI runners: `--shard K/N`, `docharness merge`, `publish --results`.

Real pages, the real command line and a real reference server: every document lands in
exactly one shard, the shards are balanced by tests, the merged results equal the
unsharded run's, and a site published from the merged file marks every example.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

from harness.cli import main
from harness.replay.shard import ShardError, assign, parse_shard
from harness.server import ReferenceServer

pytest_plugins = ["pytester"]

PASSING = """\
[source,js]
----
GET _xpack/rollup/job/any_{n}
----
// CONSOLE

"""
FAILING = """\
[source,js]
----
GET _xpack/rollup/job/other_{n}
----
// CONSOLE
// TEST[catch:missing]

"""
# (folder/page, passing examples, failing examples): uneven on purpose
PAGES = [("a/one.asciidoc", 5, 0), ("a/two.asciidoc", 1, 1), ("b/three.asciidoc", 3, 0),
         ("b/four.asciidoc", 0, 2), ("c/five.asciidoc", 2, 2), ("c/six.asciidoc", 1, 0),
         ("c/seven.asciidoc", 4, 0)]


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs_src"
    for name, good, bad in PAGES:
        page = docs / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("= Page\n\n" + "".join(PASSING.format(n=i) for i in range(good))
                        + "".join(FAILING.format(n=i) for i in range(bad)), encoding="utf-8")
    (docs / "docharness.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _documents(report: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for result in json.loads(report.read_text(encoding="utf-8"))["results"]:
        found[result["document"]] = found.get(result["document"], 0) + 1
    return found


def test_the_split_is_deterministic_and_balanced() -> None:
    weights = [(f"p{i:02}.adoc", w) for i, w in enumerate([9, 1, 4, 4, 7, 2, 2, 0, 0, 3, 5])]
    split = assign(weights, 3)
    assert split == assign(list(reversed(weights)), 3)  # the listing order does not matter
    loads = [sum(w for p, w in weights if split[p] == k) for k in (1, 2, 3)]
    assert max(loads) - min(loads) <= 1, loads
    assert sorted(split) == sorted(p for p, _ in weights)
    assert set(assign(weights, 20).values()) <= set(range(1, 21))


@pytest.mark.parametrize("value", ["3/2", "0/2", "x", "1/0", "2", "-1/2", "1/2/3", "\u00b2/3"])
def test_a_bad_shard_is_a_usage_error_with_a_hint(value: str) -> None:
    with pytest.raises(ShardError, match="hint: write --shard K/N"):
        parse_shard(value)


def test_bad_shard_on_the_command_line_exits_2(tmp_path: Path) -> None:
    for command in ("replay", "run"):
        done = subprocess.run([sys.executable, "-m", "harness", command, "--shard", "3/2"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "shard 3 of 2 does not exist" in done.stderr and "hint:" in done.stderr
        assert "Traceback" not in done.stderr


def test_shards_cover_every_document_once_and_merge_to_the_unsharded_run(
        tree: Path, fresh_reference_server: ReferenceServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = fresh_reference_server.url
    assert main(["replay", "--target", url, "--report", "all.json"]) == 1
    whole = json.loads(Path("all.json").read_text(encoding="utf-8"))
    shards = []
    for k in (1, 2, 3):
        status = main(["replay", "--target", url, "--shard", f"{k}/3", "--report", f"s{k}.json"])
        assert status in (0, 1)
        shards.append(_documents(Path(f"s{k}.json")))
    assert "(shard 2/3)" in capsys.readouterr().out
    seen = [d for shard in shards for d in shard]
    assert sorted(seen) == sorted(_documents(Path("all.json"))) and len(seen) == len(PAGES)  # each exactly once
    loads = sorted(sum(shard.values()) for shard in shards)
    assert loads[-1] - loads[0] <= 5, loads  # 25 tests over 3: greedy longest-first stays within the largest page
    again = main(["replay", "--target", url, "--shard", "2/3", "--report", "again.json"])
    assert again in (0, 1) and _documents(Path("again.json")) == shards[1]  # the same split every time

    assert main(["merge", "s3.json", "s1.json", "s2.json", "--report", "merged.json", "--junit", "merged.xml"]) == 1
    merged = json.loads(Path("merged.json").read_text(encoding="utf-8"))
    assert merged["counts"] == whole["counts"] and merged["complete"] is True
    assert [(r["document"], r["name"], r["outcome"]) for r in merged["results"]] == \
        [(r["document"], r["name"], r["outcome"]) for r in whole["results"]]
    assert Path("merged.xml").read_text(encoding="utf-8").count("<testcase") == len(whole["results"])
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith(
        f"{whole['counts']['passed']} passed, {whole['counts']['failed']} failed")


def test_merge_refuses_overlaps_and_other_schemas_and_keeps_partial(
        tree: Path, fresh_reference_server: ReferenceServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = fresh_reference_server.url
    main(["replay", "--target", url, "--shard", "1/2", "--report", "s1.json"])
    main(["replay", "--target", url, "--shard", "2/2", "--report", "s2.json"])
    capsys.readouterr()
    assert main(["merge", "s1.json", "s1.json", "--report", "m.json"]) == 2
    err = capsys.readouterr().err
    assert "the shards overlap" in err and "hint:" in err and not Path("m.json").exists()
    other = json.loads(Path("s2.json").read_text(encoding="utf-8"))
    Path("old.json").write_text(json.dumps({**other, "schema": 99}), encoding="utf-8")
    assert main(["merge", "s1.json", "old.json"]) == 2
    assert "results schema 99" in capsys.readouterr().err
    Path("partial.json").write_text(json.dumps({**other, "complete": False,
                                                "targets": ["x=http://user:hunter2secret@127.0.0.1:9"]}),
                                    encoding="utf-8")
    assert main(["merge", "s1.json", "partial.json", "--report", "m.json"]) == 1
    text = Path("m.json").read_text(encoding="utf-8")
    assert json.loads(text)["complete"] is False and "hunter2secret" not in text
    assert "partial" in capsys.readouterr().err


def test_pages_of_an_empty_shard_exit_0(tree: Path, fresh_reference_server: ReferenceServer) -> None:
    assert main(["replay", "--target", fresh_reference_server.url, "--shard", "9/9", "docs_src/a",
                 "--report", "empty.json"]) == 0
    assert json.loads(Path("empty.json").read_text(encoding="utf-8"))["results"] == []


def test_publish_from_the_merged_file_marks_every_example(
        tree: Path, fresh_reference_server: ReferenceServer) -> None:
    url = fresh_reference_server.url
    for k in (1, 2):
        main(["replay", "--target", url, "--shard", f"{k}/2", "--report", f"s{k}.json"])
    assert main(["merge", "s1.json", "s2.json", "--report", "merged.json"]) == 1
    assert main(["publish", "--results", "merged.json", "--out", "out"]) == 0
    badges = []
    for page in sorted((tree / "out" / "site").rglob("*.html")):
        root = html.parse(str(page)).getroot()
        badges += [" ".join(b.text_content().split())
                   for b in root.xpath("//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    assert len(badges) == sum(good + bad for _, good, bad in PAGES)
    assert not [b for b in badges if b.startswith("not run")], badges


def test_the_pytest_plugin_splits_as_the_cli_does(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    docs = pytester.path / "docs_src"
    for name, good, bad in PAGES:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("= Page\n\n" + PASSING.format(n=0) * good + FAILING.format(n=0) * bad,
                                 encoding="utf-8")
    (docs / "docharness.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(pytester.path)
    every: list[str] = []
    for k in (1, 2, 3):
        collected = pytester.runpytest("docs_src", "--collect-only", "-q", f"--docharness-shard={k}/3")
        items = sorted(line for line in collected.stdout.lines if "::" in line)
        capsys.readouterr()
        assert main(["replay", "--dry-run", "--shard", f"{k}/3"]) == 0
        planned = sorted(line for line in capsys.readouterr().out.splitlines() if line.startswith("docs_src/"))
        assert items == planned and items, k
        every += items
    assert len(every) == len(set(every)) == sum(good + bad for _, good, bad in PAGES)
    bad = pytester.runpytest("docs_src", "--docharness-shard=0/2")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--docharness-shard '0/2'*", "*hint:*"])


STRAY = """\
[source,js]
----
{"acknowledged": true}
----
// TESTRESPONSE

"""


def test_the_plugin_and_the_cli_weigh_documents_alike(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's stray errors are items in both, but not tests: weighed by items, the plugin put
    a.asciidoc alone in shard 1 where the CLI puts it with b.asciidoc."""
    docs = pytester.path / "docs_src"
    docs.mkdir()
    pages = {"a.asciidoc": STRAY * 4 + PASSING.format(n=0), "b.asciidoc": PASSING.format(n=1) * 2,
             "c.asciidoc": PASSING.format(n=2) * 2}
    for name, text in pages.items():
        (docs / name).write_text("= Page\n\n" + text, encoding="utf-8")
    (docs / "docharness.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(pytester.path)
    shards: dict[int, set[str]] = {}
    for k in (1, 2):
        collected = pytester.runpytest("docs_src", "--collect-only", "-q", f"--docharness-shard={k}/2")
        plugin = {line.split("::")[0] for line in collected.stdout.lines if "::" in line}
        capsys.readouterr()
        main(["replay", "--dry-run", "--shard", f"{k}/2"])
        cli = {line.split("::")[0] for line in capsys.readouterr().out.splitlines() if line.startswith("docs_src/")}
        assert plugin == cli, k
        shards[k] = cli
    assert shards == {1: {"docs_src/a.asciidoc", "docs_src/b.asciidoc"}, 2: {"docs_src/c.asciidoc"}}


def test_run_with_a_shard_replays_its_share_and_leaves_the_site_to_publish(
        tree: Path, fresh_reference_server: ReferenceServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", fresh_reference_server.url, "--shard", "1/3", "--out", "g1"]) == 1
    captured = capsys.readouterr()
    assert "shard 1/3:" in captured.out and "publish: skipped: shard 1/3" in captured.err
    assert not (tree / "g1" / "site").exists()
    main(["replay", "--target", fresh_reference_server.url, "--shard", "1/3", "--report", "r1.json"])
    assert _documents(tree / "g1" / "results.json") == _documents(Path("r1.json"))


def test_a_lost_shard_makes_the_merged_results_partial(tree: Path, fresh_reference_server: ReferenceServer,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    url = fresh_reference_server.url
    for k in (1, 2, 3):
        main(["replay", "--target", url, "--shard", f"{k}/3", "--report", f"s{k}.json"])
    capsys.readouterr()
    # shard 2 "died" before writing: its tests never ran, so the merge cannot be green
    assert main(["merge", "s1.json", "s3.json", "--report", "m.json"]) == 1
    assert json.loads(Path("m.json").read_text(encoding="utf-8"))["complete"] is False
    assert "shard 2/3 of the split wrote no results" in capsys.readouterr().err
    Path("other.json").write_text(json.dumps({**json.loads(Path("s1.json").read_text(encoding="utf-8")),
                                              "shard": "1/4", "results": []}), encoding="utf-8")
    assert main(["merge", "s2.json", "other.json"]) == 2
    assert "different splits" in capsys.readouterr().err


def test_a_shard_of_a_tree_without_pages_is_not_success(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs_src").mkdir()
    (tmp_path / "docs_src" / "docharness.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["replay", "--shard", "1/2", "--report", "r.json"]) == 5
