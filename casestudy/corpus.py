"""The corpus: every seed in a folder, and the tables the notebooks read.

``load_corpus()`` loads the bundled seeds (or any folder of ``.txt`` files with
optional ``.toml`` annotations beside them).  The tables are pandas DataFrames
with offsets into each seed's exact original text, so every figure in a
notebook can cite its seed and quote.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import paths
from .errors import AnnotationError, SeedError
from .seeds import Seed, load_seed

__all__ = ["Corpus", "load_corpus", "sha256"]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _year(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


@dataclass(frozen=True)
class CoverageRow:
    """One number found automatically and how (or whether) the annotations explain it."""

    seed_id: str
    start: int
    end: int
    text: str
    kind: str
    status: str  # fact | event | ignored | article-date | uncovered
    detail: str


class Corpus:
    """An ordered collection of seeds, optionally seen as of a year."""

    def __init__(self, seeds: Iterable[Seed], folder: Path | None = None,
                 as_of: int | None = None) -> None:
        self._seeds = tuple(sorted(seeds, key=lambda s: s.id))
        self.folder = folder
        self.as_of_year = as_of

    # -- collection protocol ---------------------------------------------
    def __iter__(self) -> Iterator[Seed]:
        return iter(self._seeds)

    def __len__(self) -> int:
        return len(self._seeds)

    def __getitem__(self, seed_id: str) -> Seed:
        for s in self._seeds:
            if s.id == seed_id:
                return s
        raise KeyError(f"no seed {seed_id!r}; the corpus has {', '.join(self.ids) or 'no seeds'}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self._seeds)

    def select(self, languages: Iterable[str] | None = None) -> "Corpus":
        """The seeds whose primary language is one of ``languages`` (all if None)."""
        if languages is None:
            return self
        wanted = set(languages)
        return Corpus([s for s in self._seeds if s.language in wanted], self.folder, self.as_of_year)

    def as_of(self, year: int | None) -> "Corpus":
        """The case as an analyst could have seen it in ``year``.

        Keeps the seeds published (or dated by inference) in or before ``year``;
        an undated seed is left out, since nobody can say when it was readable.
        The event tables then also drop events dated after ``year``.
        """
        if year is None:
            return Corpus(self._seeds, self.folder, None)
        kept = [s for s in self._seeds if (_year(s.metadata.date) or 10**9) <= year]
        return Corpus(kept, self.folder, year)

    # -- tables ----------------------------------------------------------
    def seeds_table(self) -> pd.DataFrame:
        """One row per seed: metadata, languages, length."""
        rows = []
        for s in self._seeds:
            m = s.metadata
            rows.append({
                "seed_id": s.id, "title": m.title, "title_en": m.title_en, "outlet": m.outlet,
                "author": m.author, "date": m.date or "undated", "date_precision": m.date_precision,
                "date_evidence": m.date_evidence, "language": s.language,
                "languages": ", ".join(s.languages), "genre": m.genre, "stance": m.stance,
                "topics": ", ".join(m.topics), "summary": m.summary, "chars": len(s.raw),
                "annotated": s.annotation.path is not None,
            })
        return pd.DataFrame(rows, columns=[
            "seed_id", "title", "title_en", "outlet", "author", "date", "date_precision",
            "date_evidence", "language", "languages", "genre", "stance", "topics", "summary",
            "chars", "annotated"])

    def events(self) -> pd.DataFrame:
        """Dated events, oldest first (``seed_id, date, precision, summary, quote, start, end``)."""
        rows = []
        for s in self._seeds:
            for loc in s.events:
                e = loc.entry
                if self.as_of_year is not None and (_year(e.date) or 0) > self.as_of_year:
                    continue
                rows.append({"seed_id": s.id, "event_id": e.id, "date": e.date,
                             "precision": e.date_precision, "kind": e.kind, "summary": e.summary,
                             "quote": s.raw[loc.start:loc.end], "start": loc.start, "end": loc.end,
                             "note": e.note})
        df = pd.DataFrame(rows, columns=["seed_id", "event_id", "date", "precision", "kind",
                                         "summary", "quote", "start", "end", "note"])
        return df.sort_values(["date", "seed_id", "start"], kind="stable").reset_index(drop=True)

    def facts(self) -> pd.DataFrame:
        """Every curated fact with its quote and offsets into the seed's original."""
        rows = []
        for s in self._seeds:
            for loc in s.facts:
                f = loc.entry
                rows.append({"fact_id": f.id, "seed_id": s.id, "metric": f.metric, "value": f.value,
                             "unit": f.unit, "period": f.period, "entity": f.entity,
                             "quote": s.raw[loc.start:loc.end], "start": loc.start, "end": loc.end,
                             "reading": s.raw[loc.value_start:loc.value_end],
                             "approx": f.approx, "qualifier": f.qualifier, "note": f.note,
                             "seed_date": s.metadata.date})
        return pd.DataFrame(rows, columns=["fact_id", "seed_id", "metric", "value", "unit", "period",
                                           "entity", "quote", "start", "end", "reading", "approx",
                                           "qualifier", "note", "seed_date"])

    def fact(self, fact_id: str) -> pd.Series:
        """One fact by id (a row of :meth:`facts`)."""
        df = self.facts()
        hit = df[df["fact_id"] == fact_id]
        if hit.empty:
            raise KeyError(f"no fact {fact_id!r} in seeds {', '.join(self.ids)}")
        return hit.iloc[0]

    def claims(self) -> pd.DataFrame:
        """The articles' key arguments: English gloss and verbatim quote."""
        rows = [{"seed_id": s.id, "claim_id": loc.entry.id, "gloss": loc.entry.gloss,
                 "quote": s.raw[loc.start:loc.end], "start": loc.start, "end": loc.end}
                for s in self._seeds for loc in s.claims]
        return pd.DataFrame(rows, columns=["seed_id", "claim_id", "gloss", "quote", "start", "end"])

    def text_issues(self) -> pd.DataFrame:
        """Curated corrections and flags: what is wrong with each text and what cleaning does."""
        rows = []
        for s in self._seeds:
            for ed in s.edits:
                if not ed.curated:  # automatic cleaning is summarised by the exhibits
                    continue
                rows.append({"seed_id": s.id, "kind": ed.kind, "action": "corrected",
                             "original": s.raw[ed.start:ed.end], "reading": ed.replacement,
                             "note": ed.note, "start": ed.start, "end": ed.end})
            for loc in s.flags:
                rows.append({"seed_id": s.id, "kind": loc.entry.kind, "action": "flagged",
                             "original": s.raw[loc.start:loc.end], "reading": "",
                             "note": loc.entry.note, "start": loc.start, "end": loc.end})
        df = pd.DataFrame(rows, columns=["seed_id", "kind", "action", "original", "reading", "note",
                                         "start", "end"])
        return df.sort_values(["seed_id", "start", "action"], kind="stable").reset_index(drop=True)

    def annotations(self) -> pd.DataFrame:
        """Every annotated span: curated (claim, event, fact, correction, flag, ignore) and
        automatic (entity, number), as ``seed_id, kind, start, end, text, label``."""
        rows = []
        for s in self._seeds:
            def add(kind: str, start: int, end: int, label: str) -> None:
                rows.append({"seed_id": s.id, "kind": kind, "start": start, "end": end,
                             "text": s.raw[start:end], "label": label})
            for loc in s.claims:
                add("claim", loc.start, loc.end, loc.entry.id)
            for loc in s.events:
                add("event", loc.start, loc.end, f"{loc.entry.date} {loc.entry.id}")
            for loc in s.facts:
                add("fact", loc.start, loc.end, loc.entry.id)
            for loc in s.ignores:
                add("ignore", loc.start, loc.end, loc.entry.reason)
            for loc in s.flags:
                add("flag", loc.start, loc.end, f"{loc.entry.kind}: {loc.entry.note}")
            for ed in s.edits:
                if not ed.curated and ed.kind != "hyphenation":
                    continue
                add("correction", ed.start, ed.end, f"{ed.kind} -> {ed.replacement!r}")
            for ent in s.entities:
                rs, re_ = s.raw_span(ent.start, ent.end)
                add("entity", rs, re_, f"{ent.type}: {ent.entity}")
            for n in s.numbers:
                rs, re_ = s.raw_span(n.start, n.end)
                label = f"{n.kind}: {n.date or format(n.value, 'g')}" + (f" {n.unit}" if n.unit else "")
                add("number", rs, re_, label)
        df = pd.DataFrame(rows, columns=["seed_id", "kind", "start", "end", "text", "label"])
        return df.sort_values(["seed_id", "start", "end", "kind"], kind="stable").reset_index(drop=True)

    def coverage(self) -> pd.DataFrame:
        """Each number found automatically and what explains it (or ``uncovered``)."""
        rows = []
        for s in self._seeds:
            facts = [(loc.value_start, loc.value_end, loc.entry.id) for loc in s.facts]
            ignores = [(loc.start, loc.end, loc.entry.reason) for loc in s.ignores]
            events = [(loc.start, loc.end, loc.entry) for loc in s.events]
            for n in s.numbers:
                rs, re_ = s.raw_span(n.start, n.end)
                status, detail = "uncovered", ""
                for fs, fe, fid in facts:
                    if fs is not None and fs < re_ and rs < fe:
                        status, detail = "fact", fid
                        break
                if status == "uncovered" and n.kind == "date" and s.metadata.date and n.date and (
                        n.date.startswith(s.metadata.date) or s.metadata.date.startswith(n.date)):
                    status, detail = "article-date", s.metadata.date
                if status == "uncovered":
                    for es, ee, ev in events:
                        if es <= rs and re_ <= ee and _date_part_of(n, ev.date):
                            status, detail = "event", ev.id
                            break
                if status == "uncovered":
                    for is_, ie, reason in ignores:
                        if is_ <= rs and re_ <= ie:
                            status, detail = "ignored", reason
                            break
                rows.append(CoverageRow(s.id, rs, re_, n.text, n.kind, status, detail).__dict__)
        return pd.DataFrame(rows, columns=["seed_id", "start", "end", "text", "kind", "status",
                                           "detail"])

    def coverage_summary(self) -> pd.DataFrame:
        """Per seed: numbers found, explained by facts, events, ignores, and left uncovered."""
        cov = self.coverage()
        out = []
        for s in self._seeds:
            c = cov[cov["seed_id"] == s.id]["status"].value_counts()
            out.append({"seed_id": s.id, "numbers_found": int(c.sum()), "facts_curated": len(s.facts),
                        "read_as_facts": int(c.get("fact", 0)),
                        "event_dates": int(c.get("event", 0) + c.get("article-date", 0)),
                        "ignored": int(c.get("ignored", 0)), "uncovered": int(c.get("uncovered", 0))})
        return pd.DataFrame(out, columns=["seed_id", "numbers_found", "facts_curated", "read_as_facts",
                                          "event_dates", "ignored", "uncovered"])

    def checksums(self) -> dict[str, str]:
        """SHA-256 of each seed file's bytes, by seed id."""
        return {s.id: sha256(s.path) for s in self._seeds}


def _date_part_of(n: object, event_date: str) -> bool:
    """Whether a number mention is (part of) an event's date."""
    parts = event_date.split("-")
    date = getattr(n, "date", None)
    if date:
        d = date.lstrip("-")
        return event_date.startswith(d) or d.startswith(event_date) or (
            date.startswith("--") and event_date[5:].startswith(d)) or (
            date.startswith("T"))
    value = getattr(n, "number", None)
    if value is None or value != int(value):
        return False
    return any(int(p) == int(value) for p in parts if p.isdigit())


def load_corpus(seeds_dir: str | Path | None = None) -> Corpus:
    """Load every seed (``*.txt``) in ``seeds_dir`` (default: the bundled ``seeds/``).

    A relative ``seeds_dir`` is resolved against ``$CASESTUDY_CWD`` if set, else
    the working directory: ``casestudy run`` sets it to the folder it was started
    in, since a kernel's working directory may differ, so ``-p seeds_dir my_seeds``
    means the same folder as ``ls my_seeds`` would.

    Raises :class:`~casestudy.errors.SeedError` for a folder that does not exist,
    holds no seeds or holds two seeds with the same id, for unreadable, dangling
    or oversized seed files (see :data:`casestudy.seeds.MAX_SEED_BYTES`);
    :class:`~casestudy.errors.AnnotationError` for bad annotations, including a
    fact id used twice in the folder.
    """
    folder = _resolve(seeds_dir) if seeds_dir is not None else paths.seeds_dir()
    if not folder.exists():
        raise SeedError(folder, "the seeds folder does not exist; expected a folder of .txt files")
    if not folder.is_dir():
        raise SeedError(folder, "is not a folder; expected a folder of .txt files")
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise SeedError(folder, f"the seeds folder cannot be read ({exc.strerror})") from None
    for p in entries:
        if p.suffix.lower() == ".txt" and p.is_symlink() and not p.exists():
            raise SeedError(p, "the seed file is a symbolic link that loops or points to nothing; "
                            "expected a text file")
    files = [p for p in entries if p.is_file() and p.suffix.lower() == ".txt"]
    if not files:
        raise SeedError(folder, "holds no seeds; expected at least one .txt file")
    seen: dict[str, Path] = {}
    for p in files:
        key = p.stem.casefold()
        if key in seen:
            raise SeedError(p, f"two seeds with the same id {p.stem!r}: {seen[key].name} and {p.name}")
        seen[key] = p
    stems = {p.stem for p in files}
    for ann in (p for p in entries if p.suffix == ".toml"):
        if ann.stem not in stems:  # exact: load_seed looks for <stem>.toml, case and all
            other = seen.get(ann.stem.casefold())
            hint = f" (the seed {other.name} differs in case)" if other is not None else ""
            raise AnnotationError(ann, "", f"no seed {ann.stem}.txt beside this annotation file"
                                  f"{hint}; expected the annotation to be named after its seed")
    seeds = [load_seed(p) for p in files]
    _check_unique_fact_ids(seeds)
    corpus = Corpus(seeds, folder)
    from .display import remember
    remember(corpus)
    return corpus


def _resolve(seeds_dir: str | Path) -> Path:
    import os

    folder = Path(seeds_dir)
    base = os.environ.get("CASESTUDY_CWD")
    return Path(base) / folder if base and not folder.is_absolute() else folder


def _check_unique_fact_ids(seeds: Iterable[Seed]) -> None:
    """Fact ids are unique across the corpus (docs/annotations.md): a second use is an error."""
    first: dict[str, Seed] = {}
    for s in seeds:
        for loc in s.facts:
            fid = loc.entry.id  # type: ignore[attr-defined]
            if fid in first:
                other = first[fid]
                raise AnnotationError(s.annotation.path or s.path, f"facts id={fid!r}",
                                      f"duplicate fact id {fid!r}: also used in "
                                      f"{(other.annotation.path or other.path).name}; "
                                      "expected fact ids unique across the seeds folder")
            first[fid] = s
