"""``docharness extract`` with a known config: unknown named setups and the expected-unconverted
end-of-build check (reference §7, §8), errors at file:line, on real files through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main

CONFIG = '''
[elasticsearch]
rules = "6.8"
expected_unconverted = ["docs/listed.asciidoc", "docs/converted.asciidoc"]

[setups]
known = """
PUT /x
"""

[teardowns]
cleanup = """
DELETE /x
"""
'''
PAGES = {
    "unlisted.asciidoc": "[source,js]\n----\nGET /a\n----\n\n[source,sh]\n----\ncurl -XGET localhost:9200\n----\n\n"
                         "[source,sh]\n----\nls -l\n----\n\n[source,js]\n----\n{\"a\": 1}\n----\n// NOTCONSOLE\n",
    "listed.asciidoc": "[source,js]\n----\nGET /a\n----\n",
    "converted.asciidoc": "[source,js]\n----\nGET /a\n----\n// CONSOLE\n// TEST[setup:known,nope]\n",
    "teardown.asciidoc": "[source,js]\n----\nGET /a\n----\n// TEST\n// TEST[teardown:cleanup,gone]\n",
}


def project(tmp_path: Path, config: str = CONFIG) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docharness.toml").write_text(config, encoding="utf-8")
    for name, text in PAGES.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    return tmp_path


def extract(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    status = main(["extract", "-j", "1", *args, "docs"])
    return status, capsys.readouterr().err


def test_unconverted_snippets_on_unlisted_pages_are_errors_at_their_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    status, err = extract(project(tmp_path), capsys, monkeypatch)
    assert status == 1
    # the js request and the curl one (not ls, not NOTCONSOLE), and the js snippet with a bare // TEST
    assert err.count("error[unexpected-unconverted]") == 3
    assert "--> docs/unlisted.asciidoc:2:1" in err and "--> docs/unlisted.asciidoc:7:1" in err
    assert "--> docs/teardown.asciidoc:2:1" in err
    assert "list 'docs/unlisted.asciidoc' in expected_unconverted" in err
    assert "docs/listed.asciidoc" not in err  # listed, and it does hold a candidate


def test_a_listed_page_without_candidates_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, err = extract(project(tmp_path), capsys, monkeypatch)
    assert "error[expected-unconverted]: Expected unconverted snippets but none found in docs/converted.asciidoc" in err
    assert "docharness.toml:4" in err  # the list's line in the config


def test_unknown_named_setups_and_teardowns_are_errors_at_extract_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, err = extract(project(tmp_path), capsys, monkeypatch)
    assert "error[unknown-setup]: Couldn't find named setup 'nope'\n --> docs/converted.asciidoc:6:1" in err
    assert "6 | // TEST[setup:known,nope]" in err
    assert "Couldn't find named teardown 'gone'" in err and "'known'" not in err and "'cleanup'" not in err


def test_without_the_list_no_unconverted_check_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    status, err = extract(project(tmp_path, CONFIG.replace("expected_unconverted", "# expected_unconverted")),
                          capsys, monkeypatch)
    assert "unconverted" not in err
    assert "unknown-setup" in err and status == 1


def test_only_pages_read_are_judged(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["extract", "-j", "1", "docs/listed.asciidoc"]) == 0
    assert "error" not in capsys.readouterr().err


def test_without_a_config_nothing_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    (root / "docharness.toml").unlink()
    status, err = extract(root, capsys, monkeypatch)
    assert status == 0 and "error" not in err


def test_an_explicit_config_is_used_and_a_bad_one_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    (root / "other.toml").write_text('[elasticsearch]\nrules = "newest"\n', encoding="utf-8")
    status, err = extract(root, capsys, monkeypatch, "--config", "other.toml")
    assert status == 2 and "other.toml:2" in err and "rules" in err


def test_the_configured_rules_apply_per_source(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, '[[sources]]\npaths = ["docs/teardown.asciidoc"]\nrules = "8.x"\n\n'
                   '[teardowns]\ncleanup = "DELETE /x"\ngone = "DELETE /y"\n')
    status, err = extract(root, capsys, monkeypatch, "-q")
    assert "teardown" not in err  # 8.x has teardown:
    (root / "docharness.toml").write_text(
        '[elasticsearch]\nrules = "6.8"\n[teardowns]\ncleanup = "DELETE /x"\ngone = "DELETE /y"\n', encoding="utf-8")
    status, err = extract(root, capsys, monkeypatch, "-q")
    assert status == 1 and "TEST[teardown:] is not part of the 6.8 TEST syntax" in err
