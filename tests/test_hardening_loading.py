"""Loading a seeds folder is bounded (issue 21, probes 3 and 5): links stay inside the folder,
only regular files are read, sizes are measured on what is read, and an annotation file's
entries, quote searches and correction patterns have limits."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import casestudy as cs
from casestudy import AnnotationError, SeedError, annotations, seeds

TEXT = "Xiaomi said its revenue was 5 billion yuan in 2025. The end.\n"


def write_seed(folder: Path, name: str = "a", text: str = TEXT) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def claims_toml(n: int, quote: str = "x", occurrence: bool = True) -> str:
    extra = "occurrence=1\n" if occurrence else ""
    return "schema = 1\n" + "".join(f'[[claims]]\nid="c{i}"\ngloss="g"\nquote="{quote}"\n{extra}'
                                     for i in range(n))


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/kallsyms", "../outside.txt"])
def test_a_seed_link_leaving_the_folder_is_refused(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "seeds"
    write_seed(folder)
    (tmp_path / "outside.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(target, folder / "b.txt")
    with pytest.raises(SeedError, match=r"b\.txt: is a symbolic link to .*outside the seeds"):
        cs.load_corpus(folder)


def test_an_annotation_link_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    write_seed(folder)
    (tmp_path / "a.toml").write_text("schema = 1\n", encoding="utf-8")
    os.symlink(tmp_path / "a.toml", folder / "a.toml")
    with pytest.raises(AnnotationError, match=r"a\.toml: is a symbolic link .*outside"):
        cs.load_corpus(folder)


def test_links_inside_the_folder_are_followed(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    write_seed(folder, "a")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(TEXT, encoding="utf-8")
    os.symlink("sub/b.txt", folder / "b.txt")
    assert cs.load_corpus(folder).ids == ("a", "b")
    linked = tmp_path / "linked"
    os.symlink(folder, linked)  # the folder itself may be a link
    assert cs.load_corpus(linked).ids == ("a", "b")


def test_a_pipe_or_folder_named_txt_is_refused_without_blocking(tmp_path: Path) -> None:
    write_seed(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")
    done: list[BaseException] = []
    worker = threading.Thread(target=lambda: done.append(_error(tmp_path)), daemon=True)
    worker.start()
    worker.join(10)
    assert done and "pipe.txt: is not a regular file" in str(done[0])
    (tmp_path / "pipe.txt").unlink()
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(SeedError, match=r"dir\.txt: is not a regular file"):
        cs.load_corpus(tmp_path)


def _error(folder: Path) -> BaseException:
    try:
        cs.load_corpus(folder)
    except SeedError as exc:
        return exc
    raise AssertionError("loaded")


def test_the_size_limit_holds_on_what_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """procfs reports size 0 for files of any length (/proc/kallsyms: 5.4 million characters)."""
    maps = Path("/proc/self/maps")
    assert maps.stat().st_size == 0 and len(maps.read_bytes()) > 200
    monkeypatch.setattr(seeds, "MAX_SEED_BYTES", 100)
    with pytest.raises(SeedError, match="has more than 100 bytes, above the limit of 100 bytes"):
        seeds.load_seed(maps)
    assert annotations.read_bounded(maps, 100)[0][100:] != b""  # type: ignore[index]
    assert len(annotations.read_bounded(maps, 100)[0]) == 101  # type: ignore[index]


def test_the_18037_claim_file_is_refused_in_seconds(tmp_path: Path) -> None:
    write_seed(tmp_path, text="x" * 1_000_000)
    (tmp_path / "a.toml").write_text(claims_toml(18_037), encoding="utf-8")
    assert (tmp_path / "a.toml").stat().st_size < annotations.MAX_ANNOTATION_BYTES
    started = time.monotonic()
    with pytest.raises(AnnotationError, match="18,037 entries, above the limit of 2,000"):
        cs.load_corpus(tmp_path)
    assert time.monotonic() - started < 5


def test_as_many_entries_as_allowed_load_in_seconds(tmp_path: Path) -> None:
    write_seed(tmp_path, text="x" * 1_000_000)
    (tmp_path / "a.toml").write_text(claims_toml(annotations.MAX_ENTRIES), encoding="utf-8")
    started = time.monotonic()
    assert len(cs.load_corpus(tmp_path).claims()) == annotations.MAX_ENTRIES
    assert time.monotonic() - started < 20


def test_an_ambiguous_quote_lists_a_few_offsets(tmp_path: Path) -> None:
    write_seed(tmp_path, text="x" * 1_000_000)
    (tmp_path / "a.toml").write_text(claims_toml(1, occurrence=False), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        cs.load_corpus(tmp_path)
    assert "occurs more than 10 times (at [0, 1, 2" in str(info.value)
    assert len(str(info.value)) < 400


def test_occurrence_is_bounded(tmp_path: Path) -> None:
    write_seed(tmp_path)
    (tmp_path / "a.toml").write_text(claims_toml(1).replace("occurrence=1",
                                                            "occurrence=1000000"), "utf-8")
    with pytest.raises(AnnotationError, match="occurrence.*up to 1,000.*start = OFFSET"):
        cs.load_corpus(tmp_path)


def test_correction_patterns_share_one_time_budget(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """60 patterns each under the 1 s limit took 40 s; all of a seed's patterns now get 3 s
    (PATTERN_BUDGET, here 0.5 s so that the test is quick: each pattern takes a tenth of it,
    all of them ten times more)."""
    monkeypatch.setattr(annotations, "PATTERN_TIMEOUT", 60.0)  # no single pattern is stopped
    monkeypatch.setattr(annotations, "PATTERN_BUDGET", 0.5)  # the message's figure
    monkeypatch.setattr(seeds, "PATTERN_BUDGET", 0.5)  # the budget the loader applies
    write_seed(tmp_path, text="a," * 200 + "\n")  # each pattern: about 0.06 s on this machine
    slow = "".join('[[corrections]]\nkind = "typo"\nreplacement = "-"\n'
                   "pattern = '(?:(.*),(.*),(.*)z|^a)'\n" for _ in range(60))
    (tmp_path / "a.toml").write_text("schema = 1\n" + slow, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(AnnotationError, match=f"ran past the {annotations.PATTERN_BUDGET:g} s"):
        cs.load_corpus(tmp_path)
    assert time.monotonic() - started < annotations.PATTERN_BUDGET + 3
