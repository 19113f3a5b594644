"""Exhibits of ``00_sources``: what the five articles are, and how far the annotations reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..dates import decimal_year, label
from ..report import Exhibit, cite

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..corpus import Corpus
    from ..seeds import Seed

__all__ = ["corpus_table", "publication_timeline", "seed_opening", "seed_claims",
           "seed_text_issues", "coverage_table", "short_id"]


def short_id(seed_id: str) -> str:
    """The seed's number (``004``) where it has one, else its id."""
    head = seed_id.split("_", 1)[0]
    return head if head.isdigit() else seed_id


def corpus_table(corpus: "Corpus") -> Exhibit:
    """Exhibit: one row per seed, from the annotations (unknown where a seed has none)."""
    t = corpus.seeds_table()
    table = pd.DataFrame({
        "seed": [short_id(s) for s in t["seed_id"]],
        "title (original)": t["title"],
        "title (English)": t["title_en"],
        "outlet": t["outlet"],
        "author": t["author"],
        "date": [f"{label(d) if d != 'undated' else 'undated'} ({p})"
                 for d, p in zip(t["date"], t["date_precision"])],
        "languages": t["languages"],
        "genre": t["genre"],
        "stance": t["stance"],
        "characters": t["chars"],
    })
    return Exhibit("0.1", "The evidence: the source articles", table,
                   cite(corpus.ids, corpus, "Metadata from the annotation file beside each seed; "
                        "'unknown' where a seed has none."))


def publication_timeline(corpus: "Corpus") -> "Figure":
    """Exhibit: when each article appeared (large mark) against the events it reports (dots)."""
    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    seeds = list(corpus)
    fig = Figure(figsize=(9.0, 0.55 * len(seeds) + 1.9))
    ax = fig.add_subplot()
    events = corpus.events()
    undated = []
    xs: list[float] = []
    for row, seed in enumerate(seeds):
        ev = events[events["seed_id"] == seed.id]
        ex = [decimal_year(d) for d in ev["date"]]
        xs += ex
        ax.scatter(ex, [row] * len(ex), s=14, color=COLOURS[0], alpha=0.8, zorder=2,
                   label="event reported" if row == 0 else None)
        if seed.metadata.date:
            x = decimal_year(seed.metadata.date)
            xs.append(x)
            inferred = seed.metadata.date_precision in ("inferred", "year")
            ax.scatter([x], [row], s=90, marker="D", zorder=3,
                       facecolor="white" if inferred else COLOURS[3], edgecolor=COLOURS[3],
                       label=None)
        else:
            undated.append(row)
    lo, hi = (min(xs), max(xs)) if xs else (2000.0, 2030.0)
    for row in undated:
        ax.text(hi, row, "  undated", va="center", ha="left", fontsize=8, color="#555555")
    ax.scatter([], [], s=90, marker="D", color=COLOURS[3], label="published (exact or month)")
    ax.scatter([], [], s=90, marker="D", facecolor="white", edgecolor=COLOURS[3],
               label="published (inferred or year only)")
    ax.set_yticks(range(len(seeds)))
    ax.set_yticklabels([f"{short_id(s.id)} {s.language}" for s in seeds])
    ax.invert_yaxis()
    ax.set_xlim(lo - 1, hi + 3)
    ax.set_xlabel("year")
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=3, bbox_to_anchor=(0, 1.08))
    exhibit(ax, "Exhibit 0.2. Publication dates against the events the articles report",
            cite(corpus.ids, corpus), note="Events are placed at the start of their period "
            "(a year at 1 January); an undated article has no publication mark.")
    return fig


def seed_opening(seed: "Seed", n_chars: int) -> Exhibit:
    """The opening of the original (cleaned reading text) beside its English gloss."""
    opening = seed.text[:n_chars].rstrip() + ("…" if len(seed.text) > n_chars else "")
    meta = seed.metadata
    gloss = meta.opening_en or meta.summary or "(no English gloss: the seed has no annotation)"
    table = pd.DataFrame({"original (" + seed.language + ")": [opening], "English gloss": [gloss]})
    return Exhibit(f"{short_id(seed.id)}.a", f"Opening of seed {short_id(seed.id)}", table,
                   cite([seed.id]), note=f"Summary: {meta.summary}" if meta.summary and
                   meta.opening_en else "")


def seed_claims(seed: "Seed") -> Exhibit:
    """The article's key claims: English gloss and the verbatim quote it rests on."""
    rows = [{"claim": loc.entry.gloss, "quote (verbatim)": seed.raw[loc.start:loc.end],
             "offsets": f"{loc.start}-{loc.end}"} for loc in seed.claims]
    table = pd.DataFrame(rows, columns=["claim", "quote (verbatim)", "offsets"])
    return Exhibit(f"{short_id(seed.id)}.b", f"Key claims of seed {short_id(seed.id)}", table,
                   cite([seed.id]), note="" if rows else "No claims annotated for this seed.")


def seed_text_issues(seed: "Seed") -> Exhibit:
    """What is wrong with the text and how the cleaning handles it."""
    from ..corpus import Corpus

    issues = Corpus([seed]).text_issues()
    rows: list[dict[str, object]] = []
    for (kind, action, note), grp in issues.groupby(["kind", "action", "note"], sort=False):
        # one row per problem: a pattern correction fixing 40 places is one row
        examples = [_in_context(seed.raw, int(a), int(b)) for a, b in zip(grp["start"], grp["end"])]
        readings = [r.replace("\n", "⏎") or "—" for r in grp["reading"]]
        more = f" (and {len(grp) - 3} more)" if len(grp) > 3 else ""
        rows.append({"problem": kind, "handled by": action, "places": len(grp),
                     "original": " | ".join(examples[:3]) + more,
                     "reads as": " | ".join(readings[:3]) + more if action == "corrected" else "—",
                     "note": note})
    table = pd.DataFrame(rows, columns=["problem", "handled by", "places", "original", "reads as",
                                        "note"])
    auto = [e for e in seed.edits if not e.curated]
    counts = pd.Series([e.kind for e in auto]).value_counts().sort_index()
    note = ("Automatic cleaning also made " + ", ".join(f"{n} {k}" for k, n in counts.items())
            + " edit(s)." if len(counts) else "No automatic cleaning was needed.")
    return Exhibit(f"{short_id(seed.id)}.c", f"Text problems of seed {short_id(seed.id)} and "
                   "their handling", table, cite([seed.id]), note=note)


def _in_context(raw: str, start: int, end: int) -> str:
    """The original span, with a few characters around it when it is too short to read alone."""
    span = raw[start:end]
    if len(span.strip()) < 4:
        span = "…" + raw[max(0, start - 8):end + 8] + "…"
    return span.replace("\n", "⏎")


def coverage_table(corpus: "Corpus") -> Exhibit:
    """Exhibit: per seed, numbers found automatically and how the annotations explain them."""
    s = corpus.coverage_summary().copy()
    s.insert(0, "seed", [short_id(i) for i in s.pop("seed_id")])
    cov = corpus.coverage()
    ign = cov[cov["status"] == "ignored"]
    reasons = ign.groupby("seed_id")["detail"].agg(lambda d: "; ".join(sorted(set(d)))[:300])
    s["why numbers were left out"] = [reasons.get(i, "—") for i in corpus.ids]
    return Exhibit("0.3", "Annotation coverage: every number in the texts, and what explains it", s,
                   cite(corpus.ids, corpus), note="A number is explained by a curated fact (read "
                   "from its quote), an event's date, the article's own date, or an ignore entry "
                   "with a reason; 'uncovered' numbers are left for an annotator.")
