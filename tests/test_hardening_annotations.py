"""Hostile seeds folders: patterns that backtrack, folders and links where files belong,
duplicate fact ids across files, oversized seeds.  Each is a one-line error naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import casestudy as cs
from casestudy import AnnotationError, SeedError, annotations
from casestudy.seeds import MAX_SEED_BYTES

TEXT = "Xiaomi said its revenue was 5 billion yuan in 2025. The end.\n"


def fact_toml(fact_id: str) -> str:
    return f"""schema = 1
[[facts]]
id = "{fact_id}"
metric = "revenue"
value = 5000000000.0
unit = "CNY"
period = "2025"
entity = "Xiaomi Group"
quote = "revenue was 5 billion yuan"
"""


def correction_toml(pattern: str) -> str:
    return f"""schema = 1
[[corrections]]
kind = "typo"
replacement = "-"
pattern = '{pattern}'
"""


def one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert "\n" not in msg
    return msg


def test_a_valid_fact_loads(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.toml").write_text(fact_toml("rev"), encoding="utf-8")
    assert list(cs.load_corpus(tmp_path).facts()["fact_id"]) == ["rev"]


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(\w*\s?)*x", r"(?:a|bc+)*z", r"((a)|b+)+"])
def test_nested_repeats_are_refused_when_read(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.toml").write_text(correction_toml(pattern), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    msg = one_line(info.value)
    assert "a.toml" in msg and "corrections[1]" in msg and ".pattern" in msg
    assert "inside an unbounded repeat" in msg


def test_a_backtracking_pattern_without_nesting_is_stopped(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # no nested repeat, so no static check catches it: four greedy groups against
    # 4,000 characters backtrack for hours under the standard library's re; stopped at
    # PATTERN_TIMEOUT (1 s; 0.2 s here, the same stop sooner)
    monkeypatch.setattr(annotations, "PATTERN_TIMEOUT", 0.2)
    (tmp_path / "a.txt").write_text("a," * 2000 + "\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text(correction_toml("(.*),(.*),(.*),(.*)z"), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    msg = one_line(info.value)
    assert "a.toml" in msg and "took more than" in msg


def test_harmless_patterns_still_work(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one - two - three\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text(correction_toml(r"(?<=\w) - (?=\w)"), encoding="utf-8")
    assert cs.load_corpus(tmp_path)["a"].text.startswith("one-two-three")


def test_annotation_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.toml").mkdir()
    with pytest.raises(AnnotationError, match=r"a\.toml: the annotation file is a folder"):
        cs.load_corpus(tmp_path)


def test_dangling_annotation_link(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(tmp_path / "gone.toml", tmp_path / "a.toml")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    assert "a.toml" in one_line(info.value) and "which does not exist" in str(info.value)


def test_looping_annotation_link(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(tmp_path / "a.toml", tmp_path / "a.toml")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    assert "a.toml" in one_line(info.value) and "loops" in str(info.value)


def test_dangling_seed_link(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "b.txt")
    with pytest.raises(SeedError) as info:
        cs.load_corpus(tmp_path)
    assert "b.txt" in one_line(info.value) and "symbolic link" in str(info.value)


def test_duplicate_fact_ids_across_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(TEXT, encoding="utf-8")
        (tmp_path / f"{name}.toml").write_text(fact_toml("rev"), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    msg = one_line(info.value)
    assert msg.startswith(str(tmp_path / "b.toml"))
    assert "duplicate fact id 'rev'" in msg and "a.toml" in msg


def test_oversized_seed(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Xiaomi. " * (MAX_SEED_BYTES // 8 + 1))
    with pytest.raises(SeedError) as info:
        cs.load_corpus(tmp_path)
    msg = one_line(info.value)
    assert "big.txt" in msg and f"{big.stat().st_size:,} bytes" in msg
    assert f"limit of {MAX_SEED_BYTES:,} bytes" in msg


def test_a_seed_at_the_limit_loads(tmp_path: Path) -> None:
    line = b"Xiaomi sold phones.\n"
    (tmp_path / "edge.txt").write_bytes(line * (MAX_SEED_BYTES // len(line)))
    assert len(cs.load_corpus(tmp_path)) == 1
