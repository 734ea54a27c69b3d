"""The reader: seed format, JSON Lines, and a clear error naming file and line for anything else."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from kg.read.articles import Article, expand_paths, parse_seed_text, read_paths
from kg.errors import ArticleError
from tests.conftest import FIXTURES, SEEDS


def test_seed_file_is_read_with_its_stem_as_identifier():
    [a] = list(read_paths([SEEDS]))
    assert isinstance(a, Article)
    assert a.id == "000_680be299d0ccbf4c"
    assert a.date == dt.date(2022, 6, 27)
    assert a.headline.startswith("Senate Speaker Maulen Ashimbayev")
    assert a.body.startswith("NUR-SULTAN. KAZINFORM")
    # offsets refer to headline + blank line + body
    assert a.text[a.body_offset:] == a.body


def test_jsonl_good_lines_are_read_and_bad_lines_named():
    items = list(read_paths([FIXTURES / "articles.jsonl"]))
    good = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, ArticleError)]
    assert [a.id for a in good] == ["j1"]
    assert {(e.line, e.reason.split(":")[0]) for e in bad} == {(2, "missing field(s)"), (3, "invalid JSON")}
    assert all(str(e).startswith(str(FIXTURES / "articles.jsonl") + ":") for e in bad)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b" date soon Headline\n\nbody", "line 1 must be"),   # a file without a date line is undated (test_undated)
    (b" date 2022-13-45 Headline\n\nBody", "not a valid YYYY-MM-DD date"),
    (b" date 2022-01-01 Headline\n\nBad \xff\xfe bytes", "invalid UTF-8"),
    (b"\x00\x01\x02binary", "binary file"),
])
def test_bad_seed_files_give_one_clear_error(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    [err] = list(read_paths([p]))
    assert isinstance(err, ArticleError)
    assert reason in str(err) and str(p) in str(err)


def test_folder_reading_skips_other_files_but_a_named_file_must_be_an_article(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2021-05-05 Title\n\nBody text.")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.md").write_text("# notes")
    items = list(read_paths([tmp_path]))
    assert [i.id for i in items] == ["a"]
    [err] = list(read_paths([tmp_path / "notes.md"]))
    assert "unsupported file type" in str(err)
    [missing] = list(read_paths([tmp_path / "nope.txt"]))
    assert "no such file" in str(missing)


def test_folders_are_read_in_path_order_and_each_file_once(tmp_path):
    """The streaming walk gives the order of sorted(rglob) and reads a file reached twice once."""
    root = tmp_path / "corpus"
    for rel in ["a/x.txt", "a-b.txt", "a.txt", "b/c/d.jsonl", "B.txt", "a/.hidden.txt", "a b/q.txt",
                "\u00e4.txt", "a/gold.json", "notes.md", "z/y/x/w.txt"]:
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(" date 2021-05-05 Title\n\nBody.")
    os.symlink(root / "a.txt", root / "alias.txt")       # another name for a file of the folder
    os.symlink(root / "notes.md", root / "notes.txt")    # a name that makes a non-article one
    os.symlink(root / "b", root / "linked")               # folders reached by a link: not followed
    walk = [str(p.relative_to(root)) for p in expand_paths([root])]
    rglob = [str(p.relative_to(root)) for p in sorted(root.rglob("*"))
             if p.is_file() and p.suffix in (".txt", ".jsonl") and not p.name.startswith(".")
             and p.name != "alias.txt"]
    assert walk == rglob
    assert walk[:3] == ["B.txt", "a/x.txt", "a b/q.txt"] and "alias.txt" not in walk
    # named after (or before) the folder holding them, files are read once
    again = [str(p.relative_to(root)) for p in expand_paths([root / "a.txt", root, root / "b", root / "a.txt"])]
    assert again == ["a.txt"] + [w for w in walk if w != "a.txt"]


def test_non_ascii_and_headline_only_articles_parse():
    a = parse_seed_text(" date 2020-02-02 Ürümqi hosts forum\n\n", "x")
    assert a.headline == "Ürümqi hosts forum" and a.body == ""
    assert a.text == "Ürümqi hosts forum"


def test_checksum_changes_with_text():
    a = parse_seed_text(" date 2020-02-02 T\n\nBody one", "x")
    b = parse_seed_text(" date 2020-02-02 T\n\nBody two", "x")
    assert a.checksum != b.checksum
    assert a.checksum == parse_seed_text(" date 2020-02-02 T\n\nBody one", "x").checksum
