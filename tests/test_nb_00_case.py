"""The case notebook (00_case) as stored: its citations resolve, it is long enough to be a
case, it keeps the decision open, its figures are the facts' and references' own, and its
glossary data file is complete.  Reads the stored notebook (nbval re-runs it separately)."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

import casestudy as cs
from casestudy import paths
from casestudy.site import seed_anchor, span_anchor

NB_PATH = paths.notebooks_dir() / "00_case.ipynb"
GLOSSARY = paths.PACKAGE_DIR / "data" / "glossary.toml"
LINK = re.compile(r"\[([^\]\n]+)\]\(sources\.html#([^)\s]+)\)")
VERDICTS = ("What this evidence means for the decision", "argues for", "the right choice",
            "should choose", "the answer is", "we recommend", "the best option", "the obvious choice")


@pytest.fixture(scope="module")
def nb() -> dict:
    return json.loads(NB_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def anchors() -> set[str]:
    """Every anchor the sources page gives an annotated passage, a seed or a reference."""
    corpus = cs.load_corpus()
    out = {seed_anchor(s) for s in corpus.ids}
    for kind, table, col in (("fact", corpus.facts(), "fact_id"), ("event", corpus.events(), "event_id"),
                             ("claim", corpus.claims(), "claim_id")):
        out |= {span_anchor(s, kind, i) for s, i in zip(table["seed_id"], table[col])}
    refs = cs.load_references()
    out |= {"ref-" + d for d in refs["doc_id"]} | {"ref-" + r for r in refs["ref_id"]}
    return out


def _tags(cell: dict) -> set[str]:
    return set(cell["metadata"].get("tags", []))


def _src(cell: dict) -> str:
    return "".join(cell["source"])


def _markdown_outputs(cell: dict) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        text = o.get("data", {}).get("text/markdown")
        if text:
            out.append("".join(text) if isinstance(text, list) else text)
    return out


def _all_text(nb: dict) -> list[str]:
    """Markdown cells and the Markdown the code cells render (cs.md prose)."""
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            texts.append(_src(cell))
        else:
            texts += _markdown_outputs(cell)
    return texts


def _words(text: str) -> int:
    return len(re.findall(r"\w+", LINK.sub(" ", text)))


def unresolved(texts: list[str], known: set[str]) -> list[str]:
    return [a for t in texts for _, a in LINK.findall(t) if a not in known]


def test_every_citation_resolves(nb, anchors):
    texts = _all_text(nb)
    links = [a for t in texts for _, a in LINK.findall(t)]
    assert len(links) >= 150, f"only {len(links)} citations"
    assert unresolved(texts, anchors) == []


def test_a_broken_citation_is_caught(anchors):
    text = "A sentence. [004](sources.html#s004-fact-no-such-fact)"
    assert unresolved([text], anchors) == ["s004-fact-no-such-fact"]


def test_citation_link_texts_are_short(nb):
    for t in _all_text(nb):
        for label, _ in LINK.findall(t):
            assert re.fullmatch(r"\d{3}|[A-Za-z][A-Za-z .-]{0,20}", label), label


def test_every_seed_and_the_references_are_cited(nb):
    links = [a for t in _all_text(nb) for _, a in LINK.findall(t)]
    for seed in ("s000-", "s002-", "s003-", "s004-"):
        assert any(a.startswith(seed) for a in links), seed
    assert any(a.startswith("ref-") for a in links)


def test_the_narrative_is_case_length(nb):
    narrative = [_src(c) for c in nb["cells"] if c["cell_type"] == "markdown" and not _tags(c)]
    words = _words("\n".join(narrative))
    assert 3000 <= words <= 6000, words


def test_the_instructors_guide_core(nb):
    guide = "\n".join(_src(c) for c in nb["cells"] if "teaching-note" in _tags(c))
    assert _words(guide) >= 2000
    for head in ("### Synopsis", "### Learning objectives", "### Assignment questions", "### Class plan",
                 "### Board plan", "### Analysis of the assignment questions", "### How students tend to split",
                 "### Wrap-up"):
        assert head in guide, head
    assert guide.count("minutes") >= 6, "a timed class plan"


def test_no_untagged_cell_carries_a_verdict(nb):
    for cell in nb["cells"]:
        if _tags(cell) & {"teaching-note", "answer"}:
            continue
        text = "\n".join([_src(cell)] + _markdown_outputs(cell)).lower()
        for verdict in VERDICTS:
            assert verdict.lower() not in text, verdict


def test_the_three_options_are_laid_out_alike(nb):
    md = "\n".join(_src(c) for c in nb["cells"] if c["cell_type"] == "markdown" and not _tags(c))
    for option in ("### Option A", "### Option B", "### Option C"):
        block = md.split(option, 1)[1].split("###", 1)[0]
        for part in ("**The case for it.**", "**What it would take.**", "**What would have to be true.**"):
            assert part in block, (option, part)


def _output_text(nb: dict, marker: str) -> str:
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if text.startswith(marker):
                return text
    raise AssertionError(f"no stored output starting {marker!r}")


def test_the_quarter_at_a_glance_derives_the_year_earlier_base(nb):
    facts = cs.load_corpus().facts().set_index("fact_id")["value"]
    text = _output_text(nb, "Exhibit 0.2.")
    for fid, gid in (("s004-q3-2025-revenue", "s004-q3-2025-revenue-growth"),
                     ("s004-q3-2025-iot-revenue", "s004-q3-2025-iot-revenue-growth")):
        prior = cs.formulas.implied_prior(facts[fid], facts[gid])
        assert cs.fmt(prior, "CNY") in text
        assert cs.fmt(facts[fid], "CNY") in text


def test_the_financial_history_is_the_references(nb):
    refs = cs.load_references().set_index("ref_id")["value"]
    text = _output_text(nb, "Exhibit 0.3.")
    for year in range(2017, 2025):
        assert cs.fmt(refs[f"xiaomi-revenue-{year}"], "CNY") in text
    margin = cs.formulas.margin(refs["xiaomi-gross-profit-2024"], refs["xiaomi-revenue-2024"])
    assert cs.fmt(margin, "%", digits=1) in text


def test_the_prose_figures_are_the_facts(nb):
    prose = "\n".join(t for c in nb["cells"] for t in _markdown_outputs(c))
    facts = cs.load_corpus().facts().set_index("fact_id")
    for fid in ("s004-q3-2025-revenue", "s004-q3-2025-adjusted-net-profit", "s004-q3-2025-ev-gross-margin",
                "s000-share-two-day-fall", "s002-joyo-sale-price", "s003-valuation-2015"):
        row = facts.loc[fid]
        assert cs.fmt(row["value"], row["unit"]) in prose, fid


# -- the glossary data file ---------------------------------------------------------------

@pytest.fixture(scope="module")
def terms() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["terms"]


def test_glossary_entries_are_complete(terms):
    assert len(terms) >= 20
    for t in terms:
        assert {"term", "reading", "language", "english", "explanation"} <= set(t), t.get("term")
        assert set(t) <= {"term", "reading", "language", "english", "explanation", "cite"}, t["term"]
        assert t["term"].strip() and t["english"].strip() and len(t["explanation"]) > 40, t["term"]
        if t["language"] in ("zh", "ja"):
            assert t["reading"], f"{t['term']}: a Chinese or Japanese term needs its reading"
    assert len({t["term"] for t in terms}) == len(terms), "duplicate terms"


def test_glossary_holds_the_sources_own_terms(terms):
    names = {t["term"] for t in terms}
    for term in ("深度分销", "参与感", "爆品", "米粉", "BBA", "雷军", "小米", "改変", "adjusted net profit",
                 "purchase tax", "percentage points vs per cent", "countervailing duty"):
        assert term in names, term
    assert {"zh", "ja", "nl", "en"} <= {t["language"] for t in terms}


def test_glossary_citations_resolve(terms, anchors):
    cites = [t["cite"] for t in terms if "cite" in t]
    assert len(cites) >= 20
    assert [c for c in cites if c not in anchors] == []


def test_the_notebook_shows_every_glossary_term(nb, terms):
    text = _output_text(nb, "Exhibit 0.5.")
    for t in terms:
        assert t["term"] in text, t["term"]
