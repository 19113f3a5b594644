"""The annotation files follow one set of conventions across all seeds (docs/annotations.md)."""

from __future__ import annotations

import re

import pytest

import casestudy as cs

CORPUS = cs.load_corpus()
EVENTS = CORPUS.events()
SEED_DATE = {s.id: (s.metadata.date, s.metadata.date_precision) for s in CORPUS}


@pytest.mark.parametrize("row", EVENTS.to_dict("records"), ids=lambda r: r["event_id"])
def test_inferred_dates_carry_the_inferred_label(row):
    """A date worked out from context is labelled `inferred`; a stated one is not."""
    note = row["note"].lower()
    worked_out = re.search(r"\binferred\b|comes from outside knowledge|relative to|\bthis week\b",
                           note) and "year 2025 is taken from the article's date" not in note
    if worked_out:
        assert row["precision"] == "inferred", (row["event_id"], row["precision"], row["note"])
    if row["precision"] != "inferred" and "article's date" in note:
        date, precision = SEED_DATE[row["seed_id"]]
        assert precision == "exact", (f"{row['event_id']}: year taken from an article date "
                                      f"that is itself {precision}; label it inferred")


def test_seed_dates_use_one_vocabulary():
    allowed = {"exact", "month", "year", "inferred", "unknown"}
    assert {p for _, p in SEED_DATE.values()} <= allowed


def test_glosses_do_not_strengthen_hedges():
    """A hedge in the quote ("may", "perhaps") is not turned into a certainty in the gloss."""
    claims = CORPUS.claims().set_index("claim_id")
    assert "perhaps Samsung" in claims.loc["threat-to-apple", "gloss"]
    hedged = claims[claims["quote"].str.contains(r"\bmay\b", regex=True)]
    for cid, row in hedged.iterrows():
        assert re.search(r"\bmay\b|\bmight\b|\bcould\b", row["gloss"]), (cid, row["gloss"])
