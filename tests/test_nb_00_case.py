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
            "should choose", "the answer is", "we recommend", "the best option",
            "the obvious choice")


@pytest.fixture(scope="module")
def nb() -> dict:
    return json.loads(NB_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def anchors() -> set[str]:
    """Every anchor the sources page gives an annotated passage, a seed or a reference."""
    corpus = cs.load_corpus()
    out = {seed_anchor(s) for s in corpus.ids}
    for kind, table, col in (("fact", corpus.facts(), "fact_id"),
                             ("event", corpus.events(), "event_id"),
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


NOTE_MARK = re.compile(r"<sup>\[(\d+)\]\(#note-(\d+)\)</sup>")
NOTE_LINE = re.compile(r'(?m)^(\d+)\. <a id="note-(\d+)"></a>(.*)$')


def _narrative(nb: dict) -> list[str]:
    """What a student reads as the case: untagged markdown and the prose of hidden-input cells,
    without the exhibits, the Notes list and the instructor's cells."""
    out = []
    for cell in nb["cells"]:
        tags = _tags(cell)
        if tags & {"teaching-note", "answer"}:
            continue
        if cell["cell_type"] == "markdown":
            out.append(_src(cell))
        elif "remove-input" in tags:
            out += [t for t in _markdown_outputs(cell) if not NOTE_LINE.search(t)]
    return out


def _notes(nb: dict) -> str:
    return "\n".join(t for c in nb["cells"] for t in _markdown_outputs(c) if NOTE_LINE.search(t))


def test_every_citation_resolves(nb, anchors):
    texts = _all_text(nb)
    links = [a for t in texts for _, a in LINK.findall(t)]
    assert len(links) >= 150, f"only {len(links)} citations"
    assert unresolved(texts, anchors) == []
    assert "not in these sources" not in _notes(nb)


def test_a_broken_citation_is_caught(anchors):
    text = "A sentence. [004](sources.html#s004-fact-no-such-fact)"
    assert unresolved([text], anchors) == ["s004-fact-no-such-fact"]


def test_citation_link_texts_are_short(nb):
    for t in _all_text(nb):
        for label, _ in LINK.findall(t):
            assert re.fullmatch(r"\d{3}|[A-Za-z][A-Za-z .-]{0,20}", label), label


def test_paragraphs_carry_one_numbered_note_each_and_the_notes_match(nb):
    prose = [t for t in _narrative(nb) if NOTE_MARK.search(t)]
    assert len(prose) >= 40
    marks = [int(m.group(1)) for t in prose for m in NOTE_MARK.finditer(t)]
    assert all(len(NOTE_MARK.findall(t)) == 1 for t in prose), "one note per paragraph"
    assert marks == list(range(1, len(marks) + 1))
    lines = NOTE_LINE.findall(_notes(nb))
    assert [int(n) for n, a, _ in lines] == marks and all(n == a for n, a, _ in lines)
    assert all(LINK.search(text) for _, _, text in lines), "every note links to its passages"
    # the narrative itself carries no bare link markers after every sentence
    assert all(not LINK.search(t) for t in _narrative(nb))


def test_every_seed_and_the_references_are_cited(nb):
    links = [a for t in _all_text(nb) for _, a in LINK.findall(t)]
    for seed in ("s000-", "s002-", "s003-", "s004-"):
        assert any(a.startswith(seed) for a in links), seed
    assert any(a.startswith("ref-") for a in links)


def test_the_narrative_is_case_length(nb):
    """The case's text, up to its assignment questions, is case length (exhibits come after)."""
    text = _narrative(nb)
    end = next(i for i, t in enumerate(text) if t.startswith("### Assignment questions"))
    words = _words("\n".join(text[:end]))
    assert 3000 <= words <= 6000, words


def test_the_printed_case_shows_no_machinery(nb):
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "title-page" in _tags(first)
    assert re.match(r"# .+\n\n## .+\n\n\*.+\*$", _src(first), re.DOTALL), "title, subtitle, byline"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            tags = _tags(cell)
            assert tags & {"remove-input", "remove-cell", "exercise", "answer"}, _src(cell)[:80]
            if "parameters" in tags:
                assert "remove-cell" in tags
    student = "\n".join(_narrative(nb))
    for machinery in ("cs.fmt", "`rv`", "`v`", "Parameters of this run", "helper"):
        assert machinery not in student, machinery


def test_student_exhibits_show_no_machine_ids(nb):
    for marker in ("Exhibit 0.1.", "Exhibit 0.2.", "Exhibit 0.3.", "Exhibit 0.6."):
        text = _output_text(nb, marker)
        header = text.splitlines()[1]
        assert "event_id" not in header and not re.search(r"\bfact\b", header), marker
        assert not re.search(r"\bs00\d-", text), marker


def test_the_first_page_sizes_the_decision_and_names_its_framing(nb):
    refs = cs.load_references().set_index("ref_id")
    first = "\n".join(_narrative(nb)[:5])
    for rid in ("xiaomi-cash-resources-2025-09-30", "xiaomi-rd-expense-2025-q3",
                "xiaomi-capex-2025-9m"):
        assert cs.fmt(refs.loc[rid, "value"], refs.loc[rid, "unit"]) in first, rid
    assert "Lei Jun" in first and "2027" in first and "framing is the case's own" in first


def test_the_magazines_peer_claim_carries_the_filings(nb):
    refs = cs.load_references().set_index("ref_id")
    text = "\n".join(_narrative(nb))
    para = next(t for t in _narrative(nb) if "Li Auto" in t)
    for rid in ("li-auto-net-income-2020-q4", "xpeng-net-loss-2025-q3"):
        assert cs.fmt(refs.loc[rid, "value"], refs.loc[rid, "unit"]) in para, rid
    notes = _notes(nb)
    assert "ref-li-auto-q4-2020" in notes and "ref-xpeng-q3-2025" in notes
    for overstated in ("the trust issue was not optional", "lap record", "for a fortnight",
                       "still the main battlefield", "gave Xiaomi's model a name"):
        assert overstated not in text, overstated


def test_the_instructors_guide_core(nb):
    guide = "\n".join(_src(c) for c in nb["cells"] if "teaching-note" in _tags(c))
    assert _words(guide) >= 2000
    for head in ("### Synopsis", "### Learning objectives", "### Assignment questions",
                 "### Class plan for the case session", "### Plan for a lab session",
                 "### Board plan", "### Analysis of the assignment questions",
                 "### Each option's strongest case", "### One view, and what would change it",
                 "### How students may split", "### Wrap-up"):
        assert head in guide, head
    assert guide.count("minutes") >= 10, "timed plans"


def test_the_guide_is_exact_and_claims_no_experience(nb):
    text = "\n".join(_src(c) for c in nb["cells"]) + "\n".join(_all_text(nb))
    for banned in ("around Exhibit", "re-audit", "earlier version", "old version", "usually shifts",
                   "tend to pick", "in our experience", "classes usually"):
        assert banned.lower() not in text.lower(), banned
    shown = set()
    for path in paths.notebooks_dir().glob("*.ipynb"):
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for o in c.get("outputs", []):
                text = o.get("data", {}).get("text/plain", "")
                shown |= set(re.findall(r"^Exhibit (\d+\.\d+[a-z]?)\.", "".join(text)))
    guide = "\n".join(_src(c) for c in nb["cells"] if _tags(c) & {"teaching-note", "answer"})
    cited = set(re.findall(r"Exhibit (\d+\.\d+[a-z]?)\b", guide))
    assert {"0.2", "0.3", "4.11"} <= cited <= shown, cited - shown


def test_students_see_the_questions_the_guide_analyses(nb):
    student = next(_src(c) for c in nb["cells"] if _src(c).startswith("### Assignment questions")
                   and not _tags(c))
    questions = re.findall(r"(?m)^\d+\. (.+)$", student)
    assert 3 <= len(questions) <= 6
    guide = "\n".join(_src(c) for c in nb["cells"] if "teaching-note" in _tags(c))
    for i, q in enumerate(questions, 1):
        assert f"**Question {i}.** *{q}*" in guide, i


def test_the_exercise_is_checked(nb):
    checks = [c for c in nb["cells"] if "cs.check(\"00-q1\"" in _src(c)]
    assert len(checks) == 1 and "exercise" in _tags(checks[0])
    assert "right" in "".join(_markdown_outputs(checks[0]))
    assert any("answer" in _tags(c) for c in nb["cells"])


def test_no_untagged_cell_carries_a_verdict(nb):
    for cell in nb["cells"]:
        if _tags(cell) & {"teaching-note", "answer"}:
            continue
        text = "\n".join([_src(cell)] + _markdown_outputs(cell)).lower()
        for verdict in VERDICTS:
            assert verdict.lower() not in text, verdict


def test_the_three_options_are_laid_out_alike(nb):
    md = "\n".join(_narrative(nb))
    for option in ("### Option A", "### Option B", "### Option C"):
        block = md.split(option, 1)[1].split("###", 1)[0]
        for part in ("**The case for it.**", "**What it would take.**", "**What it would give.**",
                     "**Who favours it.**", "**What would have to be true.**",
                     "**Where the evidence is.**"):
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


def test_what_is_on_the_table_is_the_references(nb):
    refs = cs.load_references().set_index("ref_id")
    text = _output_text(nb, "Exhibit 0.3.")
    for rid in ("xiaomi-cash-resources-2025-09-30", "xiaomi-rd-expense-2025-9m"):
        assert cs.fmt(refs.loc[rid, "value"], refs.loc[rid, "unit"]) in text, rid


def test_the_financial_history_is_the_references(nb):
    refs = cs.load_references().set_index("ref_id")["value"]
    text = _output_text(nb, "Exhibit 0.4.")
    for year in range(2017, 2025):
        assert cs.fmt(refs[f"xiaomi-revenue-{year}"], "CNY") in text
    margin = cs.formulas.margin(refs["xiaomi-gross-profit-2024"], refs["xiaomi-revenue-2024"])
    assert cs.fmt(margin, "%", digits=1) in text


def test_the_prose_figures_are_the_facts(nb):
    prose = "\n".join(t for c in nb["cells"] for t in _markdown_outputs(c))
    facts = cs.load_corpus().facts().set_index("fact_id")
    for fid in ("s004-q3-2025-revenue", "s004-q3-2025-adjusted-net-profit",
                "s004-q3-2025-ev-gross-margin",
                "s000-share-two-day-fall", "s002-joyo-sale-price", "s003-valuation-2015"):
        row = facts.loc[fid]
        assert cs.fmt(row["value"], row["unit"]) in prose, fid


def test_notes_number_group_and_flag_missing_passages():
    from casestudy.notes import Notes
    notes = Notes(cs.load_corpus(), cs.load_references())
    first = notes.para("A {x} sentence.", "s004-q3-2025-revenue s004-trust-chain xiaomi-q3-2025",
                       x="short")
    second = notes.para("Another.", "no-such-passage")
    assert first.text == "A short sentence. <sup>[1](#note-1)</sup>"
    assert second.text.endswith("<sup>[2](#note-2)</sup>")
    lines = notes.render().text.splitlines()
    assert lines[0].startswith('1. <a id="note-1"></a>Seed 004: [fact](sources.html#s004-fact-'
                               's004-q3-2025-revenue) '
                               '“Xiaomi achieved a revenue of 113.1 billion yuan”')
    assert "[claim](sources.html#s004-claim-s004-trust-chain) “Xiaomi must" in lines[0]
    assert "”; Xiaomi Corporation" in lines[0]
    assert lines[0].endswith("[document](sources.html#ref-xiaomi-q3-2025).")
    assert lines[1] == '2. <a id="note-2"></a>No-such-passage (not in these sources).'


# -- the glossary data file ---------------------------------------------------------------

@pytest.fixture(scope="module")
def terms() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["terms"]


def test_glossary_entries_are_complete(terms):
    assert len(terms) >= 20
    for t in terms:
        assert {"term", "reading", "language", "english", "explanation"} <= set(t), t.get("term")
        fields = {"term", "reading", "language", "english", "explanation", "cite"}
        assert set(t) <= fields, t["term"]
        assert t["term"].strip() and t["english"].strip() and len(t["explanation"]) > 40, t["term"]
        if t["language"] in ("zh", "ja"):
            assert t["reading"], f"{t['term']}: a Chinese or Japanese term needs its reading"
    assert len({t["term"] for t in terms}) == len(terms), "duplicate terms"


def test_glossary_holds_the_sources_own_terms(terms):
    names = {t["term"] for t in terms}
    for term in ("深度分销", "参与感", "爆品", "米粉", "BBA", "雷军", "小米", "改変",
                 "adjusted net profit", "purchase tax", "percentage points vs per cent",
                 "countervailing duty"):
        assert term in names, term
    assert {"zh", "ja", "nl", "en"} <= {t["language"] for t in terms}


def test_glossary_citations_resolve(terms, anchors):
    cites = [t["cite"] for t in terms if "cite" in t]
    assert len(cites) >= 20
    assert [c for c in cites if c not in anchors] == []


def test_the_notebook_shows_every_glossary_term(nb, terms):
    text = _output_text(nb, "Exhibit 0.6.")
    for t in terms:
        assert t["term"] in text, t["term"]
