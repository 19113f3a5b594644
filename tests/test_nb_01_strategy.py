"""01_strategy: the audited curated reading, the stored outputs (what nbval compares
against), the self-checking exercises, and the notebook under other ``as_of`` views.

The slow tests read the notebook under as_of 2015 and the student edition (answers and
teaching notes removed) with the exercises unanswered; the extended tier adds as_of 2013
and 2020.
"""

from __future__ import annotations

import json
import re
import tomllib

import pandas as pd
import pytest

import casestudy as cs
from casestudy import paths
from casestudy.curated import DATA_DIR, resolve
from casestudy.exercises import check

NB = paths.notebooks_dir() / "01_strategy.ipynb"
EXHIBITS = ["1.1", "1.2", "1.3", "1.3b", "1.4", "1.5", "1.6", "1.7", "1.8"]
YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d])")


def _curated() -> dict:
    return tomllib.loads((DATA_DIR / "strategy.toml").read_text(encoding="utf-8"))


def _refs(entry: dict) -> list[str]:
    refs = [r for key in ("evidence", "xiaomi_evidence", "lesson_evidence")
            for r in entry.get(key, [])]
    return refs + ([entry["event"]] if "event" in entry else [])


def _output_texts(nb: dict) -> list[str]:
    """Everything a reader sees in the outputs: plain text, Markdown, HTML, streams, alt text."""
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/html"):
                if mime in data:
                    texts.append("".join(data[mime]))
            if "text" in out:
                texts.append("".join(out["text"]))
            alt = out.get("metadata", {}).get("image/png", {}).get("alt")
            if alt:
                texts.append(alt)
    return texts


def _student_markdown(nb: dict) -> str:
    """Untagged Markdown cells, code in backticks removed (`as_of=2015` names a parameter value)."""
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"
             and not {"teaching-note", "answer"} & set(c["metadata"].get("tags", []))]
    return re.sub(r"`[^`]*`", " ", "\n".join("".join(c["source"]) for c in cells))


# -- the curated reading -------------------------------------------------------------


def test_every_curated_reference_resolves():
    corpus = cs.load_corpus()
    missing = [r for section in _curated().values() for e in section for r in _refs(e)
               if resolve(corpus, r) is None]
    assert missing == []


def test_the_audited_readings_say_no_more_than_their_passages():
    data = _curated()
    text = " ".join(e.get("text", "") + " " + e.get("xiaomi", "") + " " + e.get("reading", "")
                    for section in data.values() for e in section).lower()
    for overstatement in ("price war", "subsidy cut", "fight on price", "within hours",
                          "fastest-lap", "expected to dip", "price competition"):
        assert overstatement not in text, overstatement
    profit_2015 = [e for e in data["business_model"] if e["era"] == "2015"
                   and e["dimension"] == "profit model"]
    assert profit_2015[0]["text"].startswith("Not described")
    allies = [e for e in data["hero_journey"] if e["stage"] == "仲間・師匠との出会い"]
    assert allies[0]["evidence"] == ["000:claim:new-executives"]
    assert "we read this as" in text  # the analyst's interpretation is marked as such


def test_seed_001_is_only_an_analogy():
    data = _curated()
    for section, entries in data.items():
        for e in entries:
            for key in ("evidence", "xiaomi_evidence", "event"):
                refs = e.get(key, []) if key != "event" else [e.get("event", "")]
                assert not any(r.startswith("001:") for r in refs), (section, e)
    for e in data["overseas"]:
        assert e["lesson"].startswith("Analogy:")
        assert all(r.startswith("001:") for r in e["lesson_evidence"])


def test_seed_000_annotates_the_new_executives_and_glosses_the_record_as_written():
    corpus = cs.load_corpus()
    claims = corpus.claims().set_index("claim_id")
    row = claims.loc["new-executives"]
    seed = corpus[row["seed_id"]]
    assert seed.raw[row["start"]:row["end"]] == "創業メンバーに加え、新たな幹部人材を招き"
    gloss = claims.loc["dramatic-results", "gloss"]
    assert "世界最速記録" in gloss and "lap" not in gloss


# -- the stored notebook (default parameters) ----------------------------------------


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads(NB.read_text(encoding="utf-8"))


def test_stored_notebook_shows_every_exhibit_without_errors(stored):
    outs = [o for c in stored["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outs if o["output_type"] == "error"]
    text = "\n".join(_output_texts(stored))
    for number in EXHIBITS:
        assert f"Exhibit {number}. " in text, number
    assert "is empty" not in text
    assert "**All the evidence.** 5 sources are in view" in text
    assert "✔ 01-q1: right." in text and "✔ 01-q2: right." in text


def test_stored_key_figures_follow_the_facts(stored):
    """The two-fronts takeaway and the era table are computed from the facts and the
    curated file; this fails if the stored output drifts from them."""
    facts = cs.load_corpus().facts().set_index("fact_id")["value"]
    text = "\n".join(_output_texts(stored))
    expected = (f"delivered {cs.fmt(facts['s004-q3-2025-deliveries'])} cars at a gross margin of "
                f"{cs.fmt(facts['s004-q3-2025-ev-gross-margin'], '%')}; "
                "IoT and consumer goods revenue "
                f"grew {cs.fmt(facts['s004-q3-2025-iot-revenue-growth'], '%')} year on year while "
                f"large-appliance revenue fell "
                f"{cs.fmt(facts['s004-q3-2025-large-appliances-revenue-decline'], '%')}")
    assert expected in text
    n = len(_curated()["business_model"])
    assert f"{n} of the {n} readings are in view, in the era(s): 2013, 2015, 2025." in text
    # Exhibit 1.7's bars are drawn from this table (the fall given its sign):
    moves = [t for t in _output_texts(stored) if "the two days after" in t and "change" in t]
    assert moves and "-8.0" in moves[0] and "2.4" in moves[0]
    assert not any("s000-share" in t for t in _output_texts(stored))  # no fact ids shown


# -- the exercises -------------------------------------------------------------------


def test_q1_single_source_quadrants():
    swot = pd.DataFrame({"quadrant": ["Strengths", "Strengths", "Threats", "Threats"],
                         "seed_id": ["002_x", "003_y", "004_z", "004_z"]})
    assert check("01-q1", ..., swot=swot).status == "not yet"
    assert check("01-q1", {"Threats"}, swot=swot).status == "right"
    wrong = check("01-q1", {"Strengths"}, swot=swot)
    assert wrong.status == "wrong" and "Threats" not in wrong.message
    assert check("01-q1", set(), swot=swot.iloc[:0]).status == "right"


def test_q2_events_after_the_latest_source():
    events = pd.DataFrame({"date": ["2013", "2025-11-18", "2026", "2027", "2030"]})
    seeds = pd.DataFrame({"date": ["2013", "undated", "2025-11-19"]})
    assert check("01-q2", ..., events=events, seeds=seeds).status == "not yet"
    assert check("01-q2", 3, events=events, seeds=seeds).status == "right"
    low = check("01-q2", 2, events=events, seeds=seeds)
    assert low.status == "wrong" and "low" not in low.message.lower() and "3" not in low.message
    assert check("01-q2", 0, events=events.iloc[:2], seeds=seeds).status == "right"


# -- other views, and the student edition ----------------------------------------------


def _executed(r) -> dict:
    assert r.ok, f"{r.name}: {r.error}"
    return json.loads(r.output.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(param_runs: dict, student_runs: dict) -> dict:
    """01 as of 2015, and its student edition: executed once per test session and shared with
    the other tests that read them (tests/conftest.py)."""
    return {2015: _executed(param_runs["strategy-2015"]),
            "student": _executed(student_runs["01_strategy"])}


@pytest.fixture(scope="module")
def more_runs(more_param_runs: dict) -> dict:
    """01 as of 2013 and 2020 (the extended tier, tests/conftest.py)."""
    return {year: _executed(more_param_runs[f"strategy-{year}"]) for year in (2013, 2020)}


def _check_view(nb: dict, year: int) -> None:
    assert not [o for c in nb["cells"] if c["cell_type"] == "code"
                for o in c.get("outputs", []) if o["output_type"] == "error"]
    texts = _output_texts(nb)
    later = sorted({y for t in texts + [_student_markdown(nb)] for y in YEAR.findall(t)
                    if int(y) > year})
    assert later == [], f"as_of={year}: outputs or student text mention {later}"
    joined = "\n".join(texts)
    assert f"**As of {year}.**" in joined
    for number in EXHIBITS:  # each exhibit is shown, or says why it is empty
        assert f"Exhibit {number}" in joined, number


@pytest.mark.slow
def test_nothing_later_than_2015_is_spoken_of_as_known(runs):
    _check_view(runs[2015], 2015)


@pytest.mark.slow
@pytest.mark.parametrize("year", [2013, 2020])
def test_nothing_later_than_as_of_is_spoken_of_as_known(more_runs, year):
    _check_view(more_runs[year], year)


@pytest.mark.slow
def test_views_keep_what_was_known(runs, more_runs):
    text13 = "\n".join(_output_texts(more_runs[2013]))
    assert "in the era(s): 2013." in text13 and "Exhibit 1.4 is empty under as_of = 2013" in text13
    text15 = "\n".join(_output_texts(runs[2015]))
    assert "in the era(s): 2013, 2015." in text15 and "Joyo.com" in text15
    assert "Exhibit 1.6 is empty under as_of = 2015" in text15


@pytest.mark.slow
def test_student_edition_runs_with_exercises_unanswered(runs):
    text = "\n".join(_output_texts(runs["student"]))
    assert "01-q1: not yet." in text and "01-q2: not yet." in text  # (text/plain and Markdown)
    assert ": right." not in text and ": wrong." not in text


# -- the audit against the originals -----------------------------------------------------


def test_swot_and_channels_name_their_speakers():
    data = _curated()
    strength = data["swot"][0]
    assert "editors of the 2015 training notes" in strength["text"]
    assert "003:claim:community-power" in strength["evidence"]
    channels = [e for e in data["business_model"]
                if e["era"] == "2015" and e["dimension"] == "channels"]
    assert "general maxim, not a description of Xiaomi" in channels[0]["text"]


def test_seed_annotations_as_strong_as_their_sources():
    corpus = cs.load_corpus()
    claims = corpus.claims().set_index("claim_id")["gloss"]
    jobs = claims["jobs-style-american"]
    assert "does not say where he said this" in jobs  # only the counterfactual is Forbes'
    assert jobs.index("volgens hem") < jobs.index("Forbes")
    assert "Pinecone" in claims["trial-doubts"] and "澎湃, Surge" in claims["trial-doubts"]
    facts = corpus.facts().set_index("fact_id")
    assert "first time in 2019" in facts.loc["s000-revenue-2020", "note"]
    flags = corpus.text_issues()
    monthly = flags[flags["original"].str.contains("monthly profit", regex=False)]
    assert len(monthly) == 3 and not monthly["note"].str.contains("mistranslat").any()
    refs = cs.load_references().set_index("ref_id")
    assert refs.loc["xiaomi-revenue-threshold-2019", "doc_id"] == "xiaomi-letter-2019-results"


def test_teaching_note_gives_every_option_its_case_and_no_history(stored):
    note = "".join("".join(c["source"]) for c in stored["cells"]
                   if "teaching-note" in c["metadata"].get("tags", []))
    for option in ("*Europe first.*", "*The appliance war at home.*", "*Trust first.*"):
        assert option in note, option
    assert "Our verdict" not in note and "re-audit" not in note and "tend to" not in note
    assert "One view, the author's" in note and "has not been taught yet" in note
