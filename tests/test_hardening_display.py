"""The display layer on a user's seeds (issue 21, point 4): evidence passed but empty gives a
sentence, not an error; no evidence argument at all is still an error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import casestudy as cs  # noqa: E402
from casestudy.display import DisplayError, NoEvidence  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> cs.Corpus:
    return cs.load_corpus()


def test_empty_evidence_is_one_sentence(corpus: cs.Corpus) -> None:
    facts = corpus.facts().iloc[0:0]
    got = cs.show(pd.DataFrame({"a": []}), "Exhibit 9.1. Nothing here", facts=facts)
    assert isinstance(got, NoEvidence)
    text = repr(got)
    assert text.startswith("Exhibit 9.1. Nothing here\nNo evidence in the chosen seeds")
    bundle, meta = got._repr_mimebundle_()
    assert "<table" not in bundle["text/html"] and "No evidence" in bundle["text/html"]
    assert meta["casestudy"]["exhibit"] == "9.1" and meta["casestudy"]["empty"] is True


@pytest.mark.parametrize("kwargs", [{"seeds": []}, {"refs": cs.load_references().iloc[0:0]},
                                    {"facts": pd.DataFrame(columns=["seed_id"])}])
def test_every_kind_of_empty_evidence(corpus: cs.Corpus, kwargs: dict) -> None:
    assert isinstance(cs.show(pd.DataFrame(), "Exhibit 9.2. Empty", **kwargs), NoEvidence)


def test_an_empty_figure_is_closed(corpus: cs.Corpus) -> None:
    fig, ax = plt.subplots()
    got = cs.show(ax, "Exhibit 9.3. Figure", facts=corpus.claims().iloc[0:0])
    assert isinstance(got, NoEvidence) and not plt.fignum_exists(fig.number)


def test_no_evidence_argument_is_still_an_error() -> None:
    with pytest.raises(DisplayError, match="must cite its evidence"):
        cs.show(pd.DataFrame({"a": [1]}), "Exhibit 9.4. Uncited")


def test_corpus_tables_keep_their_columns_when_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mine.txt").write_text("Xiaomi opened a shop in 2025.\n", encoding="utf-8")
    empty = cs.load_corpus(tmp_path)
    full = cs.load_corpus()
    for table in ("facts", "events", "claims", "text_issues"):
        got = getattr(empty, table)()
        assert got.empty and list(got.columns) == list(getattr(full, table)().columns), table
    none = full.select(["ko"])
    assert len(none) == 0 and list(none.seeds_table().columns) == list(full.seeds_table().columns)


def test_a_figure_sized_by_the_data_is_capped(corpus: cs.Corpus) -> None:
    """02's heatmap is 0.6 inch a seed: 500 seeds asked for a 300-inch figure."""
    from casestudy.display import MAX_FIGURE_INCHES

    fig, ax = plt.subplots(figsize=(40, 300))
    ax.plot([0, 1], [0, 1])
    got = cs.show(fig, "Exhibit 9.5. Tall", seeds=list(corpus.ids))
    assert tuple(fig.get_size_inches()) == MAX_FIGURE_INCHES
    assert len(got.png) < 5_000_000  # type: ignore[union-attr]


def test_seeds_may_be_an_empty_series(corpus: cs.Corpus) -> None:
    """06 passes ``seeds=unsure["seed_id"]``: a Series, empty under languages=[ko]."""
    table = corpus.seeds_table()
    got = cs.show(table.iloc[0:0], "Exhibit 9.6. None", seeds=table["seed_id"].iloc[0:0])
    assert isinstance(got, NoEvidence)
    assert "seed 000" in cs.show(table, "Exhibit 9.7. All", seeds=table["seed_id"]).source
