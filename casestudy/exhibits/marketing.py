"""Exhibits of ``02_marketing``: the concept heatmap across languages, the 2015 study
groups, community commerce against deep distribution, the flywheel, expectation
management, and the move from traffic-driven to value-driven.

Counts come from :mod:`casestudy.text` (tokenizers and the concept lexicon in
``casestudy/data/concepts.toml``); the analyst's reading from
``casestudy/data/marketing.toml``, whose entries cite annotated quotes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pandas as pd

from ..curated import DATA_DIR, load_table, resolve_all
from ..curated import shorten as _short
from ..report import Exhibit, cite
from .sources import short_id

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..corpus import Corpus

__all__ = ["by_date", "concept_table", "concept_heatmap", "concept_passages", "top_terms_table",
           "study_groups", "shared_themes", "community_vs_distribution", "flywheel",
           "expectation_lessons", "traffic_to_value"]

_SOURCE = DATA_DIR / "marketing.toml"


def _evidence(corpus: "Corpus", refs: list[str]) -> list:
    return resolve_all(corpus, refs, _SOURCE)


def by_date(corpus: "Corpus") -> list[str]:
    """Seed ids ordered by publication date (undated seeds last, then by id)."""
    return [s.id for s in sorted(corpus, key=lambda s: (not s.metadata.date, s.metadata.date, s.id))]


def _seed_label(corpus: "Corpus", sid: str) -> str:
    s = corpus[sid]
    return f"{short_id(sid)} {s.language} {s.metadata.date[:4] if s.metadata.date else 'undated'}"


def concept_table(corpus: "Corpus", concepts: Iterable[str] | None = None) -> Exhibit:
    """Exhibit: concept mentions per 1,000 tokens, seeds (by date) against concepts."""
    from ..text import concept_frequencies

    freq = concept_frequencies(corpus, concepts=concepts)
    wide = freq.pivot(index="seed_id", columns="concept", values="per_1000")
    order = [c for c in dict.fromkeys(freq["concept"])]
    wide = wide.loc[by_date(corpus), order].round(2)
    wide.insert(0, "seed", [_seed_label(corpus, i) for i in wide.index])
    tokens = freq.groupby("seed_id")["tokens"].first()
    wide.insert(1, "tokens", [int(tokens[i]) for i in wide.index])
    return Exhibit("2.1b", "Concept mentions per 1,000 tokens (the numbers behind the heatmap)",
                   wide.reset_index(drop=True), cite(corpus.ids, corpus),
                   note="Tokens: words found by each language's tokenizer (punctuation and "
                   "numbers excluded); every mention is a span listed by concept_passages().")


def concept_heatmap(corpus: "Corpus", concepts: Iterable[str] | None = None) -> "Figure":
    """Exhibit: how the marketing vocabulary around Xiaomi moved between the eras."""
    from matplotlib.figure import Figure

    from ..plotting import exhibit, use_house_style
    from ..text import concept_frequencies, load_lexicon

    use_house_style()
    freq = concept_frequencies(corpus, concepts=concepts)
    order = list(dict.fromkeys(freq["concept"]))
    seeds = by_date(corpus)
    wide = freq.pivot(index="seed_id", columns="concept", values="per_1000").loc[seeds, order]
    counts = freq.pivot(index="seed_id", columns="concept", values="count").loc[seeds, order]
    labels = {c.name: c.label for c in load_lexicon().select(order)}
    fig = Figure(figsize=(max(6.0, 0.55 * len(order) + 2.5), 0.5 * len(seeds) + 3.0))
    ax = fig.add_subplot()
    im = ax.imshow(wide.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    ax.set_xticks(range(len(order)))
    ax.set_xticklabels([labels[c] for c in order], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(seeds)))
    ax.set_yticklabels([_seed_label(corpus, s) for s in seeds], fontsize=8)
    ax.grid(False)
    top = float(wide.to_numpy(dtype=float).max()) if wide.size else 0.0
    for i, sid in enumerate(seeds):
        for j, c in enumerate(order):
            n = int(counts.loc[sid, c])
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                        color="white" if wide.loc[sid, c] > 0.6 * top else "#333333")
    fig.colorbar(im, ax=ax, label="mentions per 1,000 tokens", shrink=0.8)
    exhibit(ax, "Exhibit 2.1. The marketing vocabulary around Xiaomi, seeds by date",
            cite(seeds, corpus), note="Colour: mentions per 1,000 tokens; figure in a cell: the "
            "raw count. Terms per language in casestudy/data/concepts.toml.")
    return fig


def concept_passages(corpus: "Corpus", concept: str, n: int = 5) -> Exhibit:
    """Exhibit: the first ``n`` passages per seed that made a concept's count (traceability)."""
    from ..text import concept_matches

    m = concept_matches(corpus, concepts=[concept])
    rows = []
    for sid, grp in m.groupby("seed_id", sort=True):
        raw = corpus[sid].raw
        for r in grp.head(n).itertuples():
            rows.append({"seed": short_id(sid), "term": r.term, "offsets": f"{r.start}-{r.end}",
                         "in context": _short(raw[max(0, r.start - 25):r.end + 25], 70)})
    return Exhibit("2.1c", f"Where the concept '{concept}' was counted (first {n} per seed)",
                   pd.DataFrame(rows, columns=["seed", "term", "offsets", "in context"]),
                   cite(sorted(m["seed_id"].unique()) or corpus.ids, corpus))


def top_terms_table(corpus: "Corpus", n: int = 10) -> Exhibit:
    """Exhibit: each seed's most frequent content words, with English glosses where known."""
    from ..text import top_terms

    t = top_terms(corpus, n=n)
    rows = []
    for sid in by_date(corpus):
        sub = t[t["seed_id"] == sid]
        rows.append({"seed": _seed_label(corpus, sid),
                     "top terms (count, gloss)": "; ".join(
                         f"{r.term} ({r.count}{', ' + r.gloss if r.gloss else ''})"
                         for r in sub.itertuples())})
    return Exhibit("2.2", f"Top {n} terms per seed, stop words removed",
                   pd.DataFrame(rows), cite(corpus.ids, corpus))


def study_groups(corpus: "Corpus") -> Exhibit:
    """Exhibit: the 2015 training camp's seven study groups, each with its takeaway."""
    rows = []
    for e in load_table("marketing", "study_groups"):
        evs = _evidence(corpus, e["evidence"])
        if not evs:
            continue
        rows.append({"group": e["group"], "main takeaway (English gloss)": _short(evs[0].gloss, 170),
                     "quote (verbatim)": _short(evs[-1].quote, 70), "themes": ", ".join(e["themes"])})
    return Exhibit("2.3", "The 2015 training camp: seven study groups on Xiaomi", pd.DataFrame(
        rows, columns=["group", "main takeaway (English gloss)", "quote (verbatim)", "themes"]),
        cite(["003_bd8dcc4d91eb5557"], corpus) if rows else "Source: seed 003 is not in this view.",
        note="Themes are the analyst's tags (casestudy/data/marketing.toml).")


def shared_themes(corpus: "Corpus") -> Exhibit:
    """Exhibit: how many of the seven groups share each theme."""
    counts: dict[str, list[str]] = {}
    for e in load_table("marketing", "study_groups"):
        if not _evidence(corpus, e["evidence"]):
            continue
        for t in e["themes"]:
            counts.setdefault(t, []).append(e["group"])
    rows = sorted(({"theme": t, "groups": len(g), "which": ", ".join(g)} for t, g in counts.items()),
                  key=lambda r: (-r["groups"], r["theme"]))
    return Exhibit("2.3b", "Themes the study groups share", pd.DataFrame(
        rows, columns=["theme", "groups", "which"]), cite(["003_bd8dcc4d91eb5557"], corpus))


def community_vs_distribution(corpus: "Corpus") -> Exhibit:
    """Exhibit: community commerce against deep distribution, side by side."""
    rows = []
    for e in load_table("marketing", "community_vs_distribution"):
        evs = _evidence(corpus, e["evidence"])
        if not evs:
            continue
        rows.append({"aspect": e["aspect"], "community commerce (社区商务)": e["community"],
                     "deep distribution (深度分销)": e["distribution"],
                     "quote (verbatim)": _short(evs[0].quote, 70)})
    return Exhibit("2.4", "Community commerce against deep distribution, as the 2015 notes argue",
                   pd.DataFrame(rows, columns=["aspect", "community commerce (社区商务)",
                                               "deep distribution (深度分销)", "quote (verbatim)"]),
                   cite(["003_bd8dcc4d91eb5557"], corpus))


def flywheel(corpus: "Corpus") -> "Figure":
    """Exhibit: the marketing playbook as a flywheel, each step with its evidence."""
    import math

    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    steps = [e for e in load_table("marketing", "flywheel") if _evidence(corpus, e["evidence"])]
    fig = Figure(figsize=(8.0, 6.2))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.35, 1.35)
    n = max(len(steps), 1)
    pts = [(math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n))
           for i in range(n)]
    for i, e in enumerate(steps):
        x, y = pts[i]
        seeds = sorted({short_id(ev.seed_id) for ev in _evidence(corpus, e["evidence"])})
        ax.text(x, y, f"{e['step']}\n(seed {', '.join(seeds)})", ha="center", va="center",
                fontsize=9, bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                                  "edgecolor": COLOURS[i % len(COLOURS)]})
        nx, ny = pts[(i + 1) % n]
        ax.annotate("", xy=(0.78 * nx + 0.22 * x, 0.78 * ny + 0.22 * y),
                    xytext=(0.78 * x + 0.22 * nx, 0.78 * y + 0.22 * ny),
                    arrowprops={"arrowstyle": "->", "color": "#777777"})
    seeds = sorted({ev.seed_id for e in steps for ev in _evidence(corpus, e["evidence"])})
    exhibit(ax, "Exhibit 2.5. The playbook as a flywheel", cite(seeds or corpus.ids, corpus),
            note="Each step is evidenced by the quotes in Exhibit 2.5b.")
    return fig


def flywheel_evidence(corpus: "Corpus") -> Exhibit:
    """Exhibit: the quotes behind each step of the flywheel."""
    rows = []
    for e in load_table("marketing", "flywheel"):
        for ev in _evidence(corpus, e["evidence"]):
            rows.append({"step": e["step"], "what happens": e["text"], "seed": short_id(ev.seed_id),
                         "quote (verbatim)": _short(ev.quote, 80)})
    return Exhibit("2.5b", "The flywheel's evidence", pd.DataFrame(
        rows, columns=["step", "what happens", "seed", "quote (verbatim)"]),
        cite(sorted({r["seed"] for r in rows}) or corpus.ids, corpus))


def expectation_lessons(corpus: "Corpus") -> Exhibit:
    """Exhibit: the column's three lessons for sales people, with their quotes."""
    rows = []
    for e in load_table("marketing", "lessons"):
        evs = _evidence(corpus, e["evidence"])
        if evs:
            rows.append({"lesson": e["lesson"], "the article says": _short(evs[0].gloss, 160),
                         "quote (verbatim)": _short(evs[0].quote, 70)})
    return Exhibit("2.6", "Expectation management: three lessons the Japanese column draws",
                   pd.DataFrame(rows, columns=["lesson", "the article says", "quote (verbatim)"]),
                   cite(["000_88a04990141fc500"], corpus) if rows else
                   "Source: seed 000 is not in this view.")


def traffic_to_value(corpus: "Corpus") -> Exhibit:
    """Exhibit: what 2025's trust problems mean for the fan model."""
    rows = []
    for e in load_table("marketing", "traffic_to_value"):
        evs = _evidence(corpus, e["evidence"])
        if evs:
            rows.append({"2025 problem": e["problem"], "what it means for the fan model":
                         e["implication"], "quote (verbatim)": _short(evs[0].quote, 80)})
    return Exhibit("2.7", "From traffic-driven to value-driven", pd.DataFrame(
        rows, columns=["2025 problem", "what it means for the fan model", "quote (verbatim)"]),
        cite(["004_e1cfa5dcaaabac6e"], corpus) if rows else "Source: seed 004 is not in this view.",
        note="The implications are the analyst's reading (casestudy/data/marketing.toml).")
