"""The corpus: every seed in a folder, and the tables the notebooks read, with offsets into
each seed's exact original so every figure can cite its seed and quote."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .errors import AnnotationError, SeedError
from .seeds import Seed, load_seed

__all__ = ["Corpus", "load_corpus"]


def _year(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def _frame(columns: str, rows: Iterable[tuple[Any, ...]], sort: str = "") -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=columns.split())
    return df.sort_values(sort.split(), kind="stable").reset_index(drop=True) if sort else df


class Corpus:
    """An ordered collection of seeds, optionally seen as of a year."""

    def __init__(self, seeds: Iterable[Seed], folder: Path | None = None,
                 as_of: int | None = None) -> None:
        self._seeds = tuple(sorted(seeds, key=lambda s: s.id))
        self.folder = folder
        self.as_of_year = as_of

    def __iter__(self) -> Iterator[Seed]:
        return iter(self._seeds)

    def __len__(self) -> int:
        return len(self._seeds)

    def __getitem__(self, seed_id: str) -> Seed:
        found = [s for s in self._seeds if s.id == seed_id]
        if found:
            return found[0]
        raise KeyError(f"no seed {seed_id!r}; the corpus has {', '.join(self.ids) or 'no seeds'}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self._seeds)

    def select(self, languages: Iterable[str] | None = None) -> Corpus:
        """The seeds whose primary language is one of ``languages`` (all if None)."""
        wanted = None if languages is None else set(languages)
        kept = [s for s in self._seeds if wanted is None or s.language in wanted]
        return Corpus(kept, self.folder, self.as_of_year)

    def as_of(self, year: int | None) -> Corpus:
        """The case as an analyst could have seen it in ``year``: the seeds published (or
        dated by inference) in or before ``year``, and only events up to ``year``.  An
        undated seed is left out, since nobody can say when it was readable."""
        kept = [s for s in self._seeds if year is None or (_year(s.metadata.date) or 10**9) <= year]
        return Corpus(kept, self.folder, year)

    def seeds_table(self) -> pd.DataFrame:
        """One row per seed: metadata, languages, length."""
        return _frame("seed_id title title_en outlet author date date_precision date_evidence "
                      "language languages genre stance topics summary chars annotated",
                      ((s.id, m.title, m.title_en, m.outlet, m.author, m.date or "undated",
                        m.date_precision, m.date_evidence, s.language, ", ".join(s.languages),
                        m.genre, m.stance, ", ".join(m.topics), m.summary, len(s.raw),
                        s.annotation.path is not None) for s in self._seeds for m in [s.metadata]))

    def events(self) -> pd.DataFrame:
        """Dated events, oldest first (up to the ``as_of`` year, if any); each row carries its
        seed's outlet and date, which an exhibit's Source line names."""
        return _frame("seed_id event_id date precision kind summary quote start end note "
                      "seed_outlet seed_date",
                      ((s.id, e.id, e.date, e.date_precision, e.kind, e.summary,
                        s.raw[loc.start:loc.end], loc.start, loc.end, e.note,
                        s.metadata.outlet, s.metadata.date)
                       for s in self._seeds for loc in s.events for e in [loc.entry]
                       if self.as_of_year is None or (_year(e.date) or 0) <= self.as_of_year),
                      sort="date seed_id start")

    def facts(self) -> pd.DataFrame:
        """Every curated fact with its quote and offsets into the seed's original, and its
        seed's date and outlet (for the Source line)."""
        return _frame("fact_id seed_id metric value unit period entity quote start end reading "
                      "approx qualifier note seed_date seed_outlet",
                      ((f.id, s.id, f.metric, f.value, f.unit, f.period, f.entity,
                        s.raw[loc.start:loc.end], loc.start, loc.end,
                        s.raw[loc.value_start:loc.value_end], f.approx, f.qualifier, f.note,
                        s.metadata.date, s.metadata.outlet)
                      for s in self._seeds for loc in s.facts for f in [loc.entry]))

    def claims(self) -> pd.DataFrame:
        """The articles' key arguments: English gloss and verbatim quote (with the seed's
        outlet and date, for the Source line)."""
        return _frame("seed_id claim_id gloss quote start end seed_outlet seed_date",
                      ((s.id, loc.entry.id, loc.entry.gloss, s.raw[loc.start:loc.end], loc.start,
                        loc.end, s.metadata.outlet, s.metadata.date)
                       for s in self._seeds for loc in s.claims))

    def text_issues(self) -> pd.DataFrame:
        """Curated corrections and flags: what is wrong with each text and what cleaning does."""
        rows = []
        for s in self._seeds:
            rows += [(s.id, ed.kind, "corrected", s.raw[ed.start:ed.end], ed.replacement, ed.note,
                      ed.start, ed.end) for ed in s.edits if ed.curated]
            rows += [(s.id, loc.entry.kind, "flagged", s.raw[loc.start:loc.end], "", loc.entry.note,
                      loc.start, loc.end) for loc in s.flags]
        return _frame("seed_id kind action original reading note start end", rows,
                      sort="seed_id start action")

    def annotations(self) -> pd.DataFrame:
        """Every annotated span: curated (claim, event, fact, correction, flag, ignore) and
        automatic (entity, number), as ``seed_id, kind, start, end, text, label``."""
        rows = []
        for s in self._seeds:
            spans = [("claim", loc.start, loc.end, loc.entry.id) for loc in s.claims]
            spans += [("event", loc.start, loc.end, f"{loc.entry.date} {loc.entry.id}")
                      for loc in s.events]
            spans += [("fact", loc.start, loc.end, loc.entry.id) for loc in s.facts]
            spans += [("ignore", loc.start, loc.end, loc.entry.reason) for loc in s.ignores]
            spans += [("flag", loc.start, loc.end, f"{loc.entry.kind}: {loc.entry.note}")
                      for loc in s.flags]
            spans += [("correction", ed.start, ed.end, f"{ed.kind} -> {ed.replacement!r}")
                      for ed in s.edits if ed.curated or ed.kind == "hyphenation"]
            spans += [("entity", *s.raw_span(e.start, e.end), f"{e.type}: {e.entity}")
                      for e in s.entities]
            spans += [("number", *s.raw_span(n.start, n.end), f"{n.kind}: "
                       f"{n.date or format(n.value, 'g')}" + (f" {n.unit}" if n.unit else ""))
                      for n in s.numbers]
            rows += [(s.id, kind, a, b, s.raw[a:b], label) for kind, a, b, label in spans]
        return _frame("seed_id kind start end text label", rows, sort="seed_id start end kind")

    def coverage(self) -> pd.DataFrame:
        """Each number found automatically and what explains it: a fact read from it, the
        article's date, an event's date, an ignore entry, or nothing (``uncovered``)."""
        rows = []
        for s in self._seeds:
            date = s.metadata.date
            for n in s.numbers:
                rs, re_ = s.raw_span(n.start, n.end)
                hits = [("fact", loc.entry.id) for loc in s.facts
                        if loc.value_start is not None and loc.value_end is not None
                        and loc.value_start < re_ and rs < loc.value_end]
                if not hits and n.kind == "date" and date and n.date and (
                        n.date.startswith(date) or date.startswith(n.date)):
                    hits = [("article-date", date)]
                hits += [("event", loc.entry.id) for loc in s.events
                         if loc.start <= rs and re_ <= loc.end and _date_part_of(n, loc.entry.date)]
                hits += [("ignored", loc.entry.reason) for loc in s.ignores
                         if loc.start <= rs and re_ <= loc.end]
                status = hits[0] if hits else ("uncovered", "")
                rows.append((s.id, rs, re_, n.text, n.kind, *status))
        return _frame("seed_id start end text kind status detail", rows)

    def coverage_summary(self) -> pd.DataFrame:
        """Per seed: numbers found, explained by facts, events, ignores, and left uncovered."""
        cov = self.coverage()
        rows = []
        for s in self._seeds:
            c = cov[cov["seed_id"] == s.id]["status"].value_counts()
            rows.append((s.id, int(c.sum()), len(s.facts), int(c.get("fact", 0)),
                         int(c.get("event", 0) + c.get("article-date", 0)),
                         int(c.get("ignored", 0)),
                         int(c.get("uncovered", 0))))
        return _frame("seed_id numbers_found facts_curated read_as_facts event_dates ignored "
                      "uncovered", rows)

    def checksums(self) -> dict[str, str]:
        """SHA-256 of each seed file's bytes, by seed id."""
        return {s.id: hashlib.sha256(s.path.read_bytes()).hexdigest() for s in self._seeds}


def _date_part_of(n: Any, event_date: str) -> bool:
    """Whether a number mention is (part of) an event's date."""
    if n.date:
        d = n.date.lstrip("-")
        return event_date.startswith(d) or d.startswith(event_date) or (
            n.date.startswith("--") and event_date[5:].startswith(d)) or n.date.startswith("T")
    return n.number == int(n.number) and any(int(p) == int(n.number)
                                             for p in event_date.split("-") if p.isdigit())


def _check_entry(p: Path, folder: Path) -> None:
    """A ``.txt`` or ``.toml`` entry of a seeds folder: a link may point only inside the folder
    (``a.txt -> /etc/passwd`` would be published on sources.html), a ``.txt`` must be a file."""
    suffix = p.suffix.lower()
    if suffix not in (".txt", ".toml"):
        return
    if p.is_symlink():
        if not p.exists():
            if suffix == ".toml":
                return  # the annotation loader names a dangling or looping link
            raise SeedError(p, "the seed file is a symbolic link that loops or points to "
                            "nothing; expected a text file")
        target = p.resolve()
        if not target.is_relative_to(folder.resolve()):
            problem = (f"is a symbolic link to {str(target)[:200]!r}, outside the seeds folder; "
                       "expected a file in the folder (copy it in)")
            raise SeedError(p, problem) if suffix == ".txt" else AnnotationError(p, "", problem)
    if suffix == ".txt" and not p.is_file():
        raise SeedError(p, "is not a regular file (a folder, pipe or device); expected a text "
                        "file")


def load_corpus(seeds_dir: str | Path | None = None) -> Corpus:
    """Every seed (``*.txt``) in ``seeds_dir`` (default: the bundled ``seeds/``); a relative
    ``seeds_dir`` is read from ``$CASESTUDY_CWD`` if set (``casestudy run`` sets it to the
    folder it was started in, since a kernel's working directory may differ)."""
    folder = paths.seeds_dir() if seeds_dir is None else Path(seeds_dir)
    base = os.environ.get("CASESTUDY_CWD")
    if seeds_dir is not None and base and not folder.is_absolute():
        folder = Path(base) / folder
    if not folder.exists():
        raise SeedError(folder, "the seeds folder does not exist; expected a folder of .txt files")
    if not folder.is_dir():
        raise SeedError(folder, "is not a folder; expected a folder of .txt files")
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise SeedError(folder, f"the seeds folder cannot be read ({exc.strerror})") from None
    for p in entries:
        _check_entry(p, folder)
    files = [p for p in entries if p.suffix.lower() == ".txt"]
    if not files:
        raise SeedError(folder, "holds no seeds; expected at least one .txt file")
    seen: dict[str, Path] = {}
    numbers: dict[str, Path] = {}
    for p in files:
        key = p.stem.casefold()
        if key in seen:
            raise SeedError(p, f"two seeds with the same id {p.stem!r}: "
                               f"{seen[key].name} and {p.name}")
        seen[key] = p
        number = p.stem.split("_", 1)[0]  # Source lines and sources.html cite "seed 004"
        if number.isdigit() and numbers.setdefault(number, p) != p:
            raise SeedError(p, f"two seeds with the number {number}: {numbers[number].name} and "
                            f"{p.name}; the casebook cites seeds by the number before '_', so "
                            "expected each number once (rename one)")
    for ann in (p for p in entries if p.suffix == ".toml"):
        if ann.stem not in {p.stem for p in files}:  # exact: load_seed looks for <stem>.toml
            other = seen.get(ann.stem.casefold())
            hint = f" (the seed {other.name} differs in case)" if other is not None else ""
            raise AnnotationError(ann, "", f"no seed {ann.stem}.txt beside this annotation file"
                                  f"{hint}; expected the annotation to be named after its seed")
    seeds = [load_seed(p) for p in files]
    first: dict[str, Path] = {}
    for s in seeds:  # fact ids are unique across the folder (docs/annotations.md)
        ann = s.annotation.path or s.path
        for fact in s.annotation.facts:
            if fact.id in first:
                raise AnnotationError(ann, f"facts id={fact.id!r}",
                                      f"duplicate fact id {fact.id!r}: "
                                      f"also used in {first[fact.id].name}; expected fact ids "
                                      "unique across the seeds folder")
            first[fact.id] = ann
    return Corpus(seeds, folder)
