"""Tests of the bundled corpus (``casestudy.load_corpus()``): the seeds are the published
ones, every annotation points at its verbatim quote, and the tables hold what the
notebooks read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

import casestudy
from casestudy.parameters import CURRENCIES as ISO_CURRENCIES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
JA, JA_001, NL, ZH, EN = (
    "000_88a04990141fc500", "001_3e7bc61d01fec9b5", "002_c0358955868a38ff",
    "003_bd8dcc4d91eb5557", "004_e1cfa5dcaaabac6e",
)


@pytest.fixture(scope="module")
def corpus() -> casestudy.Corpus:
    return casestudy.load_corpus()


def manifest() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (SEEDS / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](\S.*)", line)
        assert m, f"malformed SHA256SUMS line: {line!r}"
        assert m.group(2) not in out, f"{m.group(2)} listed twice"
        out[m.group(2)] = m.group(1)
    return out


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.iterdir() if p.suffix.lower() == ".txt")


# -- the seed files --------------------------------------------------------------------------

def test_seeds_match_the_manifest() -> None:
    sums = manifest()
    files = seed_files()
    assert files, "no seeds"
    for p in files:
        assert p.name in sums, f"{p.name} is not in seeds/SHA256SUMS"
        assert hashlib.sha256(p.read_bytes()).hexdigest() == sums[p.name], \
            f"{p.name} differs from its SHA256SUMS entry: the seed was edited"
    assert set(sums) == {p.name for p in files}, "SHA256SUMS lists a seed that is missing"


def test_corpus_checksums_match_the_manifest(corpus: casestudy.Corpus) -> None:
    sums = manifest()
    assert corpus.checksums() == {Path(name).stem: h for name, h in sums.items()}


def test_seeds_are_the_shared_originals() -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} does not exist: no shared originals to compare with")
    shared = sorted(p.name for p in SHARED_SEEDS.iterdir() if p.suffix.lower() == ".txt")
    assert shared == [p.name for p in seed_files()]
    for name in shared:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


def test_load_corpus_from_another_working_directory(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    corpus = casestudy.load_corpus()
    assert corpus.ids == tuple(p.stem for p in seed_files())
    assert Path(corpus.folder).resolve() == SEEDS.resolve()
    assert list(tmp_path.iterdir()) == []


# -- annotations point at verbatim quotes --------------------------------------------------

def _quote_matches(seed: casestudy.Seed, written: str, start: int, end: int) -> bool:
    """The quote as written in the annotation is the original at [start:end], or the
    same passage in the cleaned reading text (docs/annotations.md, "Quotes")."""
    original = seed.raw[start:end]
    if written == original or written.replace("\n", "\r\n") == original:
        return True
    ts, te = seed.text_span(start, end)
    return seed.text[ts:te] == written


def test_every_fact_quote_and_reading(corpus: casestudy.Corpus) -> None:
    n = 0
    for seed in corpus:
        for loc in seed.facts:
            f = loc.entry
            assert 0 <= loc.start < loc.end <= len(seed.raw)
            assert _quote_matches(seed, f.quote, loc.start, loc.end), (seed.id, f.id)
            assert loc.value_start is not None and loc.value_end is not None
            assert loc.start <= loc.value_start < loc.value_end <= loc.end, (seed.id, f.id)
            reading = seed.raw[loc.value_start:loc.value_end]
            assert reading.strip(), (seed.id, f.id)
            if f.reading is not None:
                ts, te = seed.text_span(loc.value_start, loc.value_end)
                assert seed.text[ts:te] == f.reading or reading == f.reading, (seed.id, f.id)
            n += 1
    assert n > 0
    df = corpus.facts()
    for row in df.itertuples():
        seed = corpus[row.seed_id]
        assert seed.raw[row.start:row.end] == row.quote
        assert row.reading in row.quote, (row.fact_id, row.reading, row.quote)


def test_every_event_and_claim_quote(corpus: casestudy.Corpus) -> None:
    for seed in corpus:
        for loc in (*seed.events, *seed.claims):
            assert 0 <= loc.start < loc.end <= len(seed.raw)
            assert _quote_matches(seed, loc.entry.quote, loc.start, loc.end), \
                (seed.id, loc.entry.id)
    for table in (corpus.events(), corpus.claims()):
        assert not table.empty
        for row in table.itertuples():
            assert corpus[row.seed_id].raw[row.start:row.end] == row.quote


def test_fact_ids_are_unique_across_the_corpus(corpus: casestudy.Corpus) -> None:
    ids = corpus.facts()["fact_id"]
    assert not ids.duplicated().any(), list(ids[ids.duplicated()])


def test_facts_table_columns(corpus: casestudy.Corpus) -> None:
    df = corpus.facts()
    for col in ("seed_id", "metric", "value", "unit", "period", "entity", "quote", "start", "end"):
        assert col in df.columns, col
    assert len(df) == sum(len(s.facts) for s in corpus)
    assert pd.api.types.is_float_dtype(df["value"])
    assert pd.api.types.is_integer_dtype(df["start"]) and pd.api.types.is_integer_dtype(df["end"])
    assert (df["metric"].str.len() > 0).all() and (df["entity"].str.len() > 0).all()


_NOT_UNITS = {"yuan", "rmb", "renminbi", "dollar", "dollars", "euro", "euros", "yen", "percent",
              "per cent", "procent", "prozent", "元", "円", "美元", "美金", "港元", "％",
              "bn", "billion", "million", "亿", "億", "万"}


def test_units(corpus: casestudy.Corpus) -> None:
    for row in corpus.facts().itertuples():
        unit = row.unit
        assert unit.lower() not in _NOT_UNITS, (row.fact_id, unit)
        if unit in ("%", "pp") or unit in ISO_CURRENCIES:
            continue
        assert not re.fullmatch(r"[A-Z]{3}", unit), f"{row.fact_id}: {unit!r} is not one of " \
                                                    f"the ISO codes {ISO_CURRENCIES}"
        # a count word: letters (and spaces/hyphens), e.g. "vehicles", "service points"
        assert re.fullmatch(r"[A-Za-z][A-Za-z \-]*", unit), (row.fact_id, unit)
        assert re.search(r"[a-z]", unit), (row.fact_id, unit)


def test_money_facts_are_read_as_money(corpus: casestudy.Corpus) -> None:
    """A fact in CNY, USD, ... is not a share or a count: its value is not a percentage."""
    df = corpus.facts()
    money = df[df["unit"].isin(ISO_CURRENCIES)]
    assert not money.empty
    assert not money["reading"].str.contains("%|％", regex=True).any()


# -- the annotations table --------------------------------------------------------------------

def test_annotations_cover_every_kind(corpus: casestudy.Corpus) -> None:
    df = corpus.annotations()
    assert list(df.columns) == ["seed_id", "kind", "start", "end", "text", "label"]
    kinds = set(df["kind"])
    assert {"claim", "event", "fact", "entity", "number"} <= kinds
    if any(s.flags for s in corpus):
        assert "flag" in kinds
    if any(s.annotation.corrections for s in corpus):
        assert "correction" in kinds
    if any(s.ignores for s in corpus):
        assert "ignore" in kinds
    for row in df.itertuples():
        raw = corpus[row.seed_id].raw
        assert 0 <= row.start <= row.end <= len(raw)
        assert raw[row.start:row.end] == row.text
    # sorted by seed and position
    assert df.equals(df.sort_values(["seed_id", "start", "end", "kind"], kind="stable")
                     .reset_index(drop=True))


# -- named entities ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("seed_id", "entity", "aliases"),
    [
        (JA, "Xiaomi", {"小米", "Xiaomi"}),
        (NL, "Xiaomi", {"Xiaomi"}),
        (ZH, "Xiaomi", {"小米"}),
        (EN, "Xiaomi", {"Xiaomi"}),
        (JA, "Lei Jun", {"雷軍"}),
        (ZH, "Lei Jun", {"雷军"}),
        (NL, "Lei Jun", {"Lei Jun"}),
        (EN, "Lei Jun", {"Lei Jun"}),
        (EN, "Midea", {"Midea"}),
        (EN, "Gree", {"Gree"}),
        (JA, "Porsche", {"ポルシェ"}),
        (JA, "Qualcomm", {"クアルコム"}),
        (NL, "Apple", {"Apple"}),
        (ZH, "Apple", {"苹果"}),
    ],
)
def test_named_entities(corpus: casestudy.Corpus, seed_id: str, entity: str,
                        aliases: set[str]) -> None:
    seed = corpus[seed_id]
    found = [m for m in seed.entities if m.entity == entity]
    assert found, f"{entity} not found in {seed_id}"
    texts = {m.text for m in found}
    assert aliases <= texts, (entity, texts)
    for m in found:
        assert seed.text[m.start:m.end] == m.text
    # every occurrence of a CJK alias in the reading text is found
    for alias in aliases:
        if not alias.isascii():
            assert sum(m.text == alias for m in found) == seed.text.count(alias), alias


@pytest.mark.parametrize(
    ("entity", "seeds_with"),
    [("Midea", {EN}), ("Gree", {EN}), ("Porsche", {JA}), ("Qualcomm", {JA}), ("Apple", {NL, ZH})],
)
def test_entities_only_where_named(corpus: casestudy.Corpus, entity: str,
                                   seeds_with: set[str]) -> None:
    assert {s.id for s in corpus if any(m.entity == entity for m in s.entities)} == seeds_with


def test_gree_is_not_found_inside_agree(corpus: casestudy.Corpus) -> None:
    seed = corpus[EN]
    for m in seed.entities:
        if m.entity == "Gree":
            before = seed.text[m.start - 1:m.start] if m.start else ""
            after = seed.text[m.end:m.end + 1]
            assert not before.isalpha() and not (after.isalpha() and after.islower())


# -- coverage ---------------------------------------------------------------------------------

def test_no_uncovered_numbers(corpus: casestudy.Corpus) -> None:
    cov = corpus.coverage()
    assert not cov.empty
    left = cov[cov["status"] == "uncovered"]
    assert left.empty, "numbers not explained by a fact, event or ignore entry:\n" + \
        left[["seed_id", "start", "text", "kind"]].to_string(index=False)


def test_coverage_statuses(corpus: casestudy.Corpus) -> None:
    cov = corpus.coverage()
    assert set(cov["status"]) <= {"fact", "event", "ignored", "article-date", "uncovered"}
    assert "fact" in set(cov["status"])
    summary = corpus.coverage_summary()
    assert list(summary["seed_id"]) == list(corpus.ids)
    assert summary["numbers_found"].sum() == len(cov)


# -- tables and views -------------------------------------------------------------------------

def test_seeds_table_has_one_row_per_seed(corpus: casestudy.Corpus) -> None:
    table = corpus.seeds_table()
    assert len(table) == len(seed_files()) == len(corpus)
    assert list(table["seed_id"]) == [p.stem for p in seed_files()]
    assert table["seed_id"].is_unique
    assert list(table["chars"]) == [len(s.raw) for s in corpus]


def test_primary_languages(corpus: casestudy.Corpus) -> None:
    assert {s.id: s.language for s in corpus} == {JA: "ja", JA_001: "ja", NL: "nl", ZH: "zh",
                                                  EN: "en"}
    assert {"en", "de"} <= set(corpus[EN].languages)


def test_as_of_2015(corpus: casestudy.Corpus) -> None:
    full_events = corpus.events()
    assert (full_events["date"].str[:4].astype(int) > 2015).any()
    past = corpus.as_of(2015)
    assert EN not in past.ids and JA not in past.ids
    assert NL in past.ids and ZH in past.ids
    for seed in past:
        assert seed.metadata.date and int(seed.metadata.date[:4]) <= 2015
    events = past.events()
    assert not events.empty
    assert (events["date"].str[:4].astype(int) <= 2015).all()
    assert set(events["seed_id"]) <= set(past.ids)
    assert len(past.seeds_table()) == len(past)
    assert set(past.facts()["seed_id"]) <= set(past.ids)
    # as_of(None) is the whole corpus again
    assert past.as_of(None).ids == past.ids
    assert corpus.as_of(None).ids == corpus.ids


def test_as_of_leaves_undated_seeds_out(corpus: casestudy.Corpus) -> None:
    undated = [s.id for s in corpus if not s.metadata.date]
    for sid in undated:
        assert sid not in corpus.as_of(2030).ids


def test_select_languages(corpus: casestudy.Corpus) -> None:
    ja = corpus.select(["ja"])
    assert set(ja.ids) == {JA, JA_001}
    assert corpus.select(None).ids == corpus.ids


def test_unknown_seed_id(corpus: casestudy.Corpus) -> None:
    with pytest.raises(KeyError, match="no seed 'nope'"):
        corpus["nope"]
