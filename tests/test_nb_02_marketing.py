"""02_marketing: the key derived figures of the stored notebook, its exercises and its data.

The notebook computes its exhibits in visible cells; these tests read the stored outputs
(what nbval compares against a fresh run) and recompute the figures that matter from the
seeds, so a change in the stored output or in the data fails here with a named reason.
"""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

import casestudy as cs
import casestudy.text as ct
from casestudy import paths
from casestudy.exercises import check, load_exercises
from casestudy.parameters import spec_for

NB = paths.notebooks_dir() / "02_marketing.ipynb"
DATA = Path(cs.__file__).parent / "data" / "marketing.toml"
S001, S003, S004 = "001_3e7bc61d01fec9b5", "003_bd8dcc4d91eb5557", "004_e1cfa5dcaaabac6e"


@pytest.fixture(scope="module")
def nb() -> dict:
    return json.loads(NB.read_text(encoding="utf-8"))


def _text(nb: dict, exhibit: str) -> str:
    """The stored text/plain of the output that starts with ``exhibit``."""
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            t = "".join(out.get("data", {}).get("text/plain", "")) or "".join(out.get("text", ""))
            if t.startswith(exhibit):
                return t
    raise AssertionError(f"no stored output starts with {exhibit!r}")


@pytest.fixture(scope="module")
def corpus():
    return cs.load_corpus()


def test_seed_001_is_not_counted_by_default(nb):
    table = _text(nb, "Exhibit 2.1.")
    row = next(line for line in table.splitlines() if line.strip().startswith("001"))
    assert row.split()[3:5] == ["False", "False"]          # names Xiaomi, counted
    assert "001" not in _text(nb, "Exhibit 2.3.").split("\n")[1]  # the heatmap's Source line
    assert not any(line.startswith("001") for line in _text(nb, "Exhibit 2.2.").splitlines())


def test_counts_and_rates_match_a_recount(nb, corpus):
    """Exhibit 2.2's trust and community counts equal a recount; the rates the audit cites."""
    table = _text(nb, "Exhibit 2.2.")
    rows = {line.split()[0]: line for line in table.splitlines()[1:] if re.match(r"^\d{3} ", line)}
    for sid in (S003, S004):
        m = ct.concept_matches(corpus[sid], concepts=["trust", "community"])
        tokens = len(ct.tokenize_seed(corpus[sid]))
        assert str(tokens) in rows[sid[:3]].split()
        assert (m["concept"] == "trust").sum() == {S003: 7, S004: 2}[sid]
    assert round(7 * 1000 / len(ct.tokenize_seed(corpus[S003])), 2) == 2.68
    assert round(2 * 1000 / len(ct.tokenize_seed(corpus[S004])), 2) == 0.99


def test_heatmap_colour_and_numbers_are_one_measure(nb):
    assert ("Colour and printed number: the same measure, per 1,000 tokens."
            in _text(nb, "Exhibit 2.3."))


def test_change_sentence_is_what_the_counts_say(nb):
    s = _text(nb, "Compared with the earlier seeds")
    assert "for the first time: safety, expectations." in s
    # trust is in 2015 and in 2025: no 'move to trust'
    assert "trust" in s.split("In both:")[1]
    assert "community" in s.split("Mentioned earlier but not in 2025:")[1].split(".")[0]


def test_trust_passages_are_listed_with_english(nb):
    t = _text(nb, "Exhibit 2.4.")
    assert t.count("[trust]") == 9 and "相互信任的核心团队" in t


def test_study_groups_and_exercise_answers(nb):
    assert ("Model answer: groups 2, 4, 6, 7 use a trust word; "
            "the analyst tagged trust in groups 2, 4, 7." in _text(nb, "Model answer: groups"))
    assert "33.3%" in _text(nb, "Model answer: 33.3%")
    shared = _text(nb, "Exhibit 2.6.")
    assert re.search(r"participation\s+4\s+2, 3, 6, 7", shared)


def test_quotes_read_as_cleaned_text(nb):
    fly = _text(nb, "Exhibit 2.9.")
    assert "uitgeeft" in fly and "uit- geeft" not in fly and "uit-\ngeeft" not in fly


def test_distribution_column_claims_nothing_seed_003_lacks(nb):
    t = _text(nb, "Exhibit 2.7.")
    assert "intermediaries" not in t and "Loyalty belongs to the channel" not in t
    assert t.count("Not described") >= 4


def test_traffic_to_value_separates_text_and_reading(nb):
    t = _text(nb, "Exhibit 2.12.")
    assert "fans followed a person" not in t
    reading = tomllib.loads(DATA.read_text(encoding="utf-8"))
    assert all(e["reading"].startswith("We read") for e in reading["traffic_to_value"])


def test_every_evidence_reference_resolves(corpus):
    reading = tomllib.loads(DATA.read_text(encoding="utf-8"))
    claims = {(r.seed_id[:3], r.claim_id) for r in corpus.claims().itertuples()}
    events = {(r.seed_id[:3], r.event_id) for r in corpus.events().itertuples()}
    for section in reading.values():
        for entry in section:
            for ref in entry["evidence"]:
                seed, kind, ident = ref.split(":")
                assert (seed, ident) in (claims if kind == "claim" else events), ref


def test_seed_annotation_fixes(corpus):
    s3 = corpus[S003]
    assert "社区构建之间的矛盾" in s3.text and "社区构建之前的矛盾" in s3.raw
    gloss = corpus.claims().set_index("claim_id").loc["connection-and-trust", "gloss"]
    assert "simplify the intermediate links" in gloss and "cut out" not in gloss
    assert "ウン百万円" in corpus[S001].text


def _sections(corpus) -> object:
    import pandas as pd
    text = corpus[S003].text
    heads = list(re.finditer(r"第([一二三四五六七])组", text))
    bounds = [h.start() for h in heads] + [text.index("注:")]
    return pd.DataFrame({"group": [str("一二三四五六七".index(h[1]) + 1) for h in heads],
                         "text": [text[a:b] for a, b in zip(bounds, bounds[1:])]})


def test_exercise_checks_say_not_yet_right_and_wrong(corpus):
    assert {"02-q1", "02-q2"} <= set(load_exercises())
    sections, terms = _sections(corpus), ["信任", "信赖", "信誉", "可信"]
    assert check("02-q1", ..., sections=sections, terms=terms).status == "not yet"
    assert check("02-q1", ["2", "4", "6", "7"], sections=sections, terms=terms).right
    assert check("02-q1", ["7"], sections=sections, terms=terms).status == "wrong"
    community = ct.concept_matches(corpus[S003], concepts=["community"])
    raw = corpus[S003].raw
    assert check("02-q2", ..., community=community, raw=raw).status == "not yet"
    assert check("02-q2", 100 * 12 / 36, community=community, raw=raw).right
    assert check("02-q2", 0.333 * 100 * 3, community=community, raw=raw).status == "wrong"


def test_parameters_of_substance():
    spec = {p.name: p for p in spec_for("02_marketing")}
    assert spec["normalisation"].choices == ("per_1000", "share")
    assert spec["xiaomi_only"].default is True
    assert "trust" in spec["concepts"].default and "community" in spec["concepts"].default


# -- the audit against the originals: speakers and the analyst's links ------------------


def test_flywheel_keeps_the_general_remark_caveat():
    flywheel = tomllib.loads(DATA.read_text(encoding="utf-8"))["flywheel"]
    steps = {e["step"]: e["text"] for e in flywheel}
    assert "general remark, not a Xiaomi figure" in steps["Free media"]
    assert "at almost zero cost" not in steps["Free media"]  # the old, unqualified wording


def test_seed_003_glosses_name_their_speaker(corpus):
    claims = corpus.claims()
    glosses = claims[claims["seed_id"] == S003].set_index("claim_id")["gloss"]
    assert glosses["community-power"].startswith("The editors' introduction")
    assert glosses["connection-and-trust"].startswith("Group 2, as a general maxim")
    assert glosses["near-zero-cost-channels"].startswith("Group 3, as a general remark")
    speakers = ("Group ", "The editors' introduction", "The foreword")
    assert all(g.startswith(speakers) for g in glosses), [g[:40] for g in glosses
                                                          if not g.startswith(speakers)]


def test_glossary_separates_the_source_from_the_analysts_link():
    terms = {t["term"]: t["explanation"] for t in tomllib.loads(
        (Path(cs.__file__).parent / "data" / "glossary.toml").read_text(encoding="utf-8"))["terms"]}
    assert "does not use the term" in terms["深度分销"] and "our reading" in terms["深度分销"]
    assert "names no product" in terms["爆品"]
    assert "credits Xiaomi's early rise" not in terms["爆品"]
    assert "does not define either term" in terms["traffic-driven vs value-driven"]
    assert "ours, not the article's" in terms["traffic-driven vs value-driven"]
    assert "the school's, not Xiaomi's" in terms["社区商务"]


def test_teaching_note_states_expectations_not_a_verdict(nb):
    note = "".join("".join(c["source"]) for c in nb["cells"]
                   if "teaching-note" in c["metadata"].get("tags", []))
    assert "verdict" not in note.lower() and "old version" not in note
    assert "One view, the author's" in note and "What would change it" in note
    assert "has not been taught yet" in note and "tend to" not in note
