"""The display layer (cs.show, cs.md, cs.fmt) and the exercise checker."""

from __future__ import annotations

import pandas as pd
import pytest

import casestudy as cs
from casestudy.display import DisplayError, escape_md
from casestudy.exercises import ExerciseError, load_exercises

CORPUS = cs.load_corpus()
FACTS = CORPUS.facts().set_index("fact_id", drop=False)
SEED_004 = "004_e1cfa5dcaaabac6e"


def test_show_table_cites_the_seeds_of_the_facts_used():
    used = FACTS.loc[["s004-q3-2025-revenue"]]
    ex = cs.show(pd.DataFrame({"x": [1.5]}), "Exhibit 9.1. A title", facts=used, corpus=CORPUS)
    data, meta = ex._repr_mimebundle_()
    assert data["text/html"].startswith("<h4>Exhibit 9.1. A title</h4>")
    assert "Source: seed 004 (" in data["text/html"] and "Source: seed 004 (" in data["text/plain"]
    assert meta["casestudy"]["exhibit"] == "9.1" and meta["casestudy"]["seeds"] == [SEED_004]
    assert meta["casestudy"]["csv"] == "x\n1.5\n"


def test_show_cites_reference_documents():
    refs = cs.load_references()
    row = refs[refs["metric"] == "revenue"].head(1)
    ex = cs.show(pd.DataFrame({"x": [1]}), "Exhibit 9.2. Refs", refs=row)
    assert cs.reference_citation(row.iloc[0]) in ex.source
    assert ex.meta["refs"] == [{"doc_id": row.iloc[0]["doc_id"],
                                "cite": cs.reference_citation(row.iloc[0])}]


def test_show_escapes_what_comes_from_a_seeds_folder():
    hostile = '<script>alert(1)</script>"'
    ex = cs.show(pd.DataFrame({"title": [hostile]}), "Exhibit 9.3. <b>x</b>", seeds=[SEED_004])
    html = ex._repr_mimebundle_()[0]["text/html"]
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_show_refuses_an_unnumbered_title_or_no_evidence():
    with pytest.raises(DisplayError, match="Exhibit <number>"):
        cs.show(pd.DataFrame(), "A table", seeds=[SEED_004])
    with pytest.raises(DisplayError, match="cite its evidence"):
        cs.show(pd.DataFrame(), "Exhibit 1.1. t")


def test_show_figure_stores_alt_text_and_closes_the_figure():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cs.plotting.use_house_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ex = cs.show(fig, "Exhibit 9.4. A line", seeds=[SEED_004], corpus=CORPUS)
    data, meta = ex._repr_mimebundle_()
    assert data["image/png"].startswith(b"\x89PNG")
    assert meta["image/png"]["alt"].startswith("Exhibit 9.4. A line. Source: seed 004")
    assert not plt.get_fignums()


def test_md_escapes_markup_in_values():
    out = repr(cs.md("Title: {t}", t="<img src=x>*bold*"))
    assert "<img" not in out and "\\*bold\\*" in out
    assert escape_md("a_b") == "a\\_b"


@pytest.mark.parametrize("value,unit,text", [(113.1e9, "CNY", "113.1 bn CNY"), (22.3, "%", "22.3%"),
                                             (2.3, "pp", "2.3 pp"),
                                             (108796, "vehicles", "108,796 vehicles"),
                                             (None, "", "—")])
def test_fmt(value, unit, text):
    assert cs.fmt(value, unit) == text


def test_every_exercise_has_a_notebook_and_an_expression():
    exercises = load_exercises()
    assert {q.split("-")[0] for q in exercises} >= {"01", "02", "03", "04"}
    assert all(ex["notebook"].startswith(q[:2]) for q, ex in exercises.items())


def test_check_answers_not_yet_wrong_and_refuses_unknown_ids():
    assert cs.check("03-q1", ...).status == "not yet"
    wrong = cs.check("03-q1", -1.0)
    assert wrong.status == "wrong" and "low" not in wrong.message.lower()  # no bisection hint
    with pytest.raises(ExerciseError, match="unknown exercise"):
        cs.check("99-q9", 1)


def test_a_malformed_exercise_file_names_the_entry(tmp_path):
    (tmp_path / "x.toml").write_text('["x-q1"]\nnotebook = "x"\nexpected = "1"\nanswr = 2\n')
    with pytest.raises(ExerciseError, match=r"\[x-q1\] unknown field"):
        load_exercises(tmp_path, answers=None)
