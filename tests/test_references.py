"""The reference layer: validation of references/*.toml, the bundled figures, and
their agreement with the seed facts and with each other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import casestudy as cs
from casestudy.references import COLUMNS, reference_citation

GOOD_DOC = """
[[documents]]
id = "doc-a"
title = "Annual Results Announcement"
publisher = "Xiaomi Corporation"
published = "2025-03-18"
url = "https://example.org/a.pdf"
kind = "results announcement"
checked = "test"
"""
GOOD_FIG = """
[[figures]]
id = "fig-a"
document = "doc-a"
metric = "revenue"
value = 1.5
unit = "CNY"
period = "2024"
entity = "Xiaomi Group"
location = "table 1"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(folder: Path) -> str:
    with pytest.raises(cs.ReferenceDataError) as info:
        cs.load_references(folder)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_minimal_file_loads(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", "schema = 1\n" + GOOD_DOC + GOOD_FIG)
    table = cs.load_references(tmp_path)
    assert list(table.columns) == COLUMNS
    row = table.iloc[0]
    assert (row.ref_id, row.value, row.document, row.file) == \
        ("fig-a", 1.5, "Annual Results Announcement", "a.toml")
    assert reference_citation(row) == "Xiaomi Corporation, Annual Results Announcement, 2025-03-18"


@pytest.mark.parametrize("table, key, line, expected", [
    # unknown field (added beside 'kind')
    ("doc", "kind", 'kind = "results announcement"\npages = 3',
     ["documents[0] 'doc-a'", "unknown field 'pages'"]),
    # wrong type
    ("fig", "value", 'value = "1.5"',
     ["figures[0] 'fig-a'.value", "expected an integer or a number", "'1.5'"]),
    ("fig", "value", "value = true", ["figures[0] 'fig-a'.value", "True"]),
    # missing required field
    ("fig", "location", None, ["figures[0] 'fig-a'", "missing required field 'location'"]),
    # missing address
    ("doc", "url", None, ["documents[0] 'doc-a'", "missing required field 'url'"]),
    # non-http address
    ("doc", "url", 'url = "ftp://example.org/a.pdf"',
     ["documents[0] 'doc-a'.url", "'ftp://example.org/a.pdf'", "https://"]),
    # bad dates
    ("doc", "published", 'published = "2025-02-30"',
     ["documents[0] 'doc-a'.published", "'2025-02-30'", "YYYY-MM-DD"]),
    ("doc", "published", 'published = "18 March 2025"',
     ["'doc-a'.published", "'18 March 2025'", "YYYY-MM-DD"]),
    ("fig", "period", 'period = "FY24"', ["figures[0] 'fig-a'.period", "'FY24'", "YYYY-Qn"]),
    # a figure whose document is unknown
    ("fig", "document", 'document = "doc-zz"',
     ["figures[0] 'fig-a'.document", "unknown document 'doc-zz'"]),
    # ids
    ("fig", "id", 'id = "Fig A"', ["figures[0]", "'Fig A'", "[a-z0-9-]"]),
    ("fig", "metric", 'metric = "Revenue (RMB)"',
     ["'fig-a'.metric", "'Revenue (RMB)'", "snake_case"]),
])
def test_validation_errors_name_file_entry_field(tmp_path: Path, table: str, key: str,
                                                 line: str | None, expected: list[str]) -> None:
    """Each case replaces (or, with None, removes) one line of the document or figure."""
    text = GOOD_DOC if table == "doc" else GOOD_FIG
    old = next(ln for ln in text.splitlines() if ln.startswith(key + " ="))
    text = text.replace(old + "\n", "" if line is None else line + "\n")
    doc, fig = (text, GOOD_FIG) if table == "doc" else (GOOD_DOC, text)
    _write(tmp_path, "bad.toml", "schema = 1\n" + doc + fig)
    message = _error(tmp_path)
    assert message.startswith(str(tmp_path / "bad.toml")), message
    for part in expected:
        assert part in message, message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "broken.toml", "schema = 1\n[[figures]\nid = 'x'\n")
    message = _error(tmp_path)
    assert "broken.toml" in message and "not valid TOML" in message


def test_unknown_top_level_field_and_schema(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", "schema = 1\nsources = []\n" + GOOD_DOC)
    assert "unknown top-level field 'sources'" in _error(tmp_path)
    _write(tmp_path, "a.toml", "schema = 2\n" + GOOD_DOC)
    assert "unsupported schema 2" in _error(tmp_path)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", "schema = 1\n" + GOOD_DOC + GOOD_FIG)
    _write(tmp_path, "b.toml", "schema = 1\n" + GOOD_DOC.replace("doc-a", "doc-b")
           + GOOD_FIG.replace('document = "doc-a"', 'document = "doc-b"'))
    message = _error(tmp_path)
    assert "b.toml" in message and "duplicate figure id 'fig-a'" in message and "a.toml" in message
    _write(tmp_path, "b.toml", "schema = 1\n" + GOOD_DOC)
    message = _error(tmp_path)
    assert "b.toml" in message and "duplicate document id 'doc-a'" in message


def test_figure_may_cite_a_document_of_another_file(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", "schema = 1\n" + GOOD_DOC)
    _write(tmp_path, "b.toml", "schema = 1\n" + GOOD_FIG)
    assert cs.load_references(tmp_path).loc[0, "file"] == "b.toml"


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    assert "not a folder" in _error(tmp_path / "nope")
    assert "no *.toml" in _error(tmp_path)


# --- the bundled data -----------------------------------------------------------------

@pytest.fixture(scope="module")
def refs():
    return cs.load_references()


def test_bundled_data_loads_sorted_and_stable(refs) -> None:
    assert len(refs) >= 60
    assert list(refs.columns) == COLUMNS
    assert refs.ref_id.is_unique
    again = cs.load_references()
    assert again.equals(refs)
    assert list(refs.index) == list(range(len(refs)))


def test_every_figure_has_a_document_with_https_address(refs) -> None:
    assert refs.document.str.len().gt(0).all()
    assert refs.url.str.match(r"^https://").all(), \
        refs.loc[~refs.url.str.startswith("https://"), "url"]


def test_annual_revenue_covers_eight_consecutive_years(refs) -> None:
    annual = refs[(refs.metric == "revenue") & (refs.entity == "Xiaomi Group")
                  & refs.period.str.fullmatch(r"\d{4}")]
    years = sorted(int(p) for p in annual.period)
    runs, run = [], [years[0]]
    for y in years[1:]:
        run = run + [y] if y == run[-1] + 1 else [y]
        runs.append(len(run))
    assert max(runs + [1]) >= 8, years
    # 2017-2024 as the issue asks, plus the first nine months of 2025
    assert set(range(2017, 2025)) <= set(years)
    for metric in ("revenue", "gross_profit", "adjusted_net_profit"):
        periods = set(refs[(refs.metric == metric) & (refs.entity == "Xiaomi Group")].period)
        assert {str(y) for y in range(2017, 2025)} | {"2025-9M"} <= periods, metric


def test_reference_citation_of_document_table() -> None:
    doc = {"publisher": "ACEA", "title": "New car registrations", "published": "2025-01-21"}
    assert reference_citation(doc) == "ACEA, New car registrations, 2025-01-21"


# --- agreement with the seed facts -------------------------------------------------------

def _seed_tolerance(value: float) -> float:
    """Half a unit of the seed value's last written digit, or 0.5% of it if larger.

    113.1 bn is written to 0.1 bn (tolerance 0.5% = 0.57 bn); 25.5% to 0.1 pt
    (0.5% = 0.13 pt); 108,796 vehicles to 1 (0.5% = 544)."""
    text = f"{abs(value):.6g}"
    mantissa, _, exp = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    if exp:
        last = int(exp) - decimals
    elif decimals:
        last = -decimals
    else:
        last = len(mantissa) - len(mantissa.rstrip("0"))
    return max(0.5 * 10.0 ** last, 0.005 * abs(value))


def _agrees(ref: float, seed: float, approx: bool, qualifier: str) -> bool:
    q = qualifier.strip().lower()
    if q in ("more than", "over", "above", "exceeded"):
        return ref >= seed
    if q in ("less than", "under", "below", "nearly", "almost", "barely"):
        return ref <= seed * 1.005
    if approx:  # "about", "around": within 10%
        return abs(ref - seed) <= 0.1 * abs(seed)
    return abs(ref - seed) <= _seed_tolerance(seed)


def test_seed_tolerance_reads_the_last_digit() -> None:
    assert _seed_tolerance(113_100_000_000.0) == pytest.approx(565_500_000.0)  # 0.5% > 0.05 bn
    assert _seed_tolerance(25.5) == pytest.approx(0.1275)
    assert _seed_tolerance(108796.0) == pytest.approx(543.98)
    assert not _agrees(112.0e9, 113.1e9, False, "")
    assert _agrees(245.9e9, 200e9, True, "more than")
    assert not _agrees(190e9, 200e9, True, "more than")


def test_overlapping_seed_facts_agree_or_the_note_says_so(refs) -> None:
    facts = cs.load_corpus().facts()
    merged = refs.merge(facts, on=["metric", "entity", "period", "unit"],
                        suffixes=("_ref", "_seed"))
    # the overlaps the issue names must be found, not silently skipped
    found = {(m, e, p) for m, e, p in zip(merged.metric, merged.entity, merged.period)}
    for key in [("revenue", "Xiaomi Group", "2025-Q3"),
                ("adjusted_net_profit", "Xiaomi Group", "2025-Q3"),
                ("deliveries", "Xiaomi EV business", "2025-Q3"),
                ("gross_margin", "Xiaomi EV business", "2025-Q3"),
                ("revenue", "Xiaomi IoT and consumer goods", "2025-Q3"),
                ("gross_margin", "Xiaomi IoT and consumer goods", "2025-Q3"),
                ("revenue", "Xiaomi Group", "2020")]:
        assert key in found, key
    problems = []
    for row in merged.itertuples():
        if _agrees(row.value_ref, row.value_seed, bool(row.approx), row.qualifier):
            continue
        if not re.search(r"disagree", row.note_ref, re.I) or row.fact_id not in row.note_ref:
            problems.append(f"{row.ref_id}={row.value_ref} vs {row.fact_id}={row.value_seed}")
    assert problems == []


# --- internal cross-checks -----------------------------------------------------------------

SEGMENTS = ["Xiaomi smartphones", "Xiaomi IoT and consumer goods", "Xiaomi internet services"]


def _value(refs, metric: str, entity: str, period: str) -> float | None:
    hit = refs[(refs.metric == metric) & (refs.entity == entity) & (refs.period == period)
               & ~refs.ref_id.str.endswith("-blog")]
    assert len(hit) <= 1, hit.ref_id.tolist()
    return None if hit.empty else float(hit.value.iloc[0])


def test_reporting_segments_sum_to_group_revenue(refs) -> None:
    """Smartphone x AIoT + smart EV segment = group revenue (both reported to RMB 0.1 bn)."""
    checked = 0
    for period in sorted(set(refs.period)):
        sxa = _value(refs, "revenue", "Xiaomi smartphone x AIoT segment", period)
        ev = _value(refs, "revenue", "Xiaomi EV business", period)
        group = _value(refs, "revenue", "Xiaomi Group", period)
        if None in (sxa, ev, group):
            continue
        assert sxa + ev == pytest.approx(group, abs=0.11e9), period
        checked += 1
    assert checked >= 4


def test_product_lines_fit_inside_group_revenue(refs) -> None:
    """Smartphones + IoT + internet (+ EV segment) leave a small 'other' remainder (< 3%)."""
    checked = 0
    for period in sorted(set(refs.period)):
        parts = [_value(refs, "revenue", e, period) for e in SEGMENTS]
        group = _value(refs, "revenue", "Xiaomi Group", period)
        if None in parts or group is None:
            continue
        ev = _value(refs, "revenue", "Xiaomi EV business", period) or 0.0
        other = group - sum(parts) - ev
        assert -0.2e9 <= other <= 0.03 * group, (period, other)
        sxa = _value(refs, "revenue", "Xiaomi smartphone x AIoT segment", period)
        if sxa is not None:
            assert sum(parts) <= sxa + 0.15e9, period
        checked += 1
    assert checked >= 9


@pytest.mark.parametrize("metric, entity, tolerance", [
    ("revenue", "Xiaomi Group", 0.2e9),
    ("adjusted_net_profit", "Xiaomi Group", 0.1e9),
    ("revenue", "Xiaomi smartphones", 0.2e9),
    ("revenue", "Xiaomi IoT and consumer goods", 0.2e9),
    ("revenue", "Xiaomi internet services", 0.2e9),
    ("deliveries", "Xiaomi EV business", 100),
])
def test_quarters_sum_to_the_year(refs, metric: str, entity: str, tolerance: float) -> None:
    year = _value(refs, metric, entity, "2024")
    quarters = [_value(refs, metric, entity, f"2024-Q{q}") for q in (1, 2, 3, 4)]
    if metric == "deliveries":
        quarters[0] = 0.0  # first deliveries in April 2024
    assert year is not None and None not in quarters
    assert sum(quarters) == pytest.approx(year, abs=tolerance)


def test_delivery_gap_is_documented(refs) -> None:
    """The 2024 quarterly deliveries sum to 60 fewer than the annual total; the note says so."""
    year = _value(refs, "deliveries", "Xiaomi EV business", "2024")
    quarters = sum(_value(refs, "deliveries", "Xiaomi EV business", f"2024-Q{q}")
                   for q in (2, 3, 4))
    gap = year - quarters
    note = refs.loc[refs.ref_id == "xiaomi-ev-deliveries-2024", "note"].iloc[0]
    assert gap == 60 and "60" in note


def test_nine_months_equal_the_three_quarters(refs) -> None:
    for metric, tolerance in (("revenue", 0.1e9), ("gross_profit", 0.15e9),
                              ("adjusted_net_profit", 0.1e9)):
        nine = _value(refs, metric, "Xiaomi Group", "2025-9M")
        quarters = [_value(refs, metric, "Xiaomi Group", f"2025-Q{q}") for q in (1, 2, 3)]
        assert nine == pytest.approx(sum(quarters), abs=tolerance), metric


def test_shipment_disagreement_is_kept_and_explained(refs) -> None:
    both = refs[(refs.metric == "smartphone_shipments") & (refs.period == "2024")]
    assert sorted(both.value) == [168.5e6, 168.6e6]
    blog = both[both.ref_id.str.endswith("-blog")].iloc[0]
    assert "Disagrees" in blog.note and "168.5" in blog.note


def test_eu_duty_rates_and_xiaomi(refs) -> None:
    cvd = refs[refs.metric == "countervailing_duty_rate"].set_index("entity").value
    assert cvd.min() == 7.8 and cvd.max() == 35.3
    xiaomi = refs[(refs.metric == "countervailing_duty_rate")
                  & (refs.entity == "Xiaomi EV business")].iloc[0]
    assert xiaomi.value == cvd[cvd.index.str.startswith("All other")].iloc[0]
    assert "2024/2754" in xiaomi.document and "not individually examined" in xiaomi.note
    assert _value(refs, "import_duty_rate", "European Union", "2024") == 10.0
    share = _value(refs, "bev_market_share", "European Union", "2024")
    bev = _value(refs, "bev_registrations", "European Union", "2024")
    total = _value(refs, "new_car_registrations", "European Union", "2024")
    assert bev / total * 100 == pytest.approx(share, abs=0.05)
