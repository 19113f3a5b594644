"""Exhibits of ``01_strategy``: the timeline, the business model by era, the two fronts,
SWOT, the speech as a hero's journey, and going overseas.

The analyst's reading lives in ``casestudy/data/strategy.toml``; these functions
resolve its references to the annotated quotes and lay them out.  ``as_of``
views (``corpus.as_of(year)``) drop later seeds and events, and the exhibits
say what was left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..curated import DATA_DIR, load_table, resolve_all
from ..curated import shorten as _short
from ..dates import decimal_year, label
from ..report import Exhibit, Note, cite, fmt_value
from .sources import short_id

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..corpus import Corpus

__all__ = ["timeline", "timeline_figure", "business_model", "two_fronts", "swot",
           "hero_journey", "market_reaction", "overseas", "as_of_note", "ERAS"]

_SOURCE = DATA_DIR / "strategy.toml"
ERAS = ("2013", "2015", "2025")
_DIMENSIONS = ("channels", "pricing", "marketing spend", "product scope", "profit model")


def _evidence(corpus: "Corpus", refs: list[str]) -> list:
    return resolve_all(corpus, refs, _SOURCE)


def as_of_note(full: "Corpus", view: "Corpus") -> Note:
    """What an ``as_of`` view leaves out, in words."""
    if view.as_of_year is None:
        return Note("The case is shown with all the evidence (the latest source is dated "
                    f"{max((s.metadata.date for s in full if s.metadata.date), default='?')}).")
    dropped = [s for s in full if s.id not in view.ids]
    n_events = len(full.events()) - len(view.events())
    lines = [f"**As of {view.as_of_year}.** The case is shown as an analyst could have seen it "
             f"then: {len(dropped)} source(s) published later or undated and {n_events} event(s) "
             f"dated after {view.as_of_year} are left out."]
    for s in dropped:
        lines.append(f"- left out: seed {short_id(s.id)} ({s.metadata.date or 'undated'}, "
                     f"{s.metadata.title_en})")
    return Note("\n".join(lines))


def timeline(corpus: "Corpus", lang: str = "en") -> Exhibit:
    """Exhibit: every dated event across the seeds, oldest first, with source and quote."""
    ev = corpus.events()
    table = pd.DataFrame({
        "date": [label(d) for d in ev["date"]],
        "precision": ev["precision"],
        "kind": ev["kind"],
        "event": ev["quote"].map(_short) if lang == "original" else ev["summary"],
        "seed": [short_id(s) for s in ev["seed_id"]],
        "quote (verbatim)" if lang == "en" else "English gloss":
            ev["quote"].map(_short) if lang == "en" else ev["summary"].map(_short),
    })
    return Exhibit("1.1", "Xiaomi's strategic moves and results, as the sources report them", table,
                   cite(ev["seed_id"], corpus), note="Dates of precision 'inferred' were worked out "
                   "by the annotators; their reasoning is in the event notes (corpus.events()).")


def timeline_figure(corpus: "Corpus") -> "Figure":
    """Exhibit: the events on a time axis, one row per kind of event."""
    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    ev = corpus.events()
    kinds = sorted(ev["kind"].unique())
    fig = Figure(figsize=(9.0, 0.45 * max(len(kinds), 1) + 2.0))
    ax = fig.add_subplot()
    seeds = sorted(ev["seed_id"].unique())
    for i, sid in enumerate(seeds):
        sub = ev[ev["seed_id"] == sid]
        ax.scatter([decimal_year(d) for d in sub["date"]], [kinds.index(k) for k in sub["kind"]],
                   s=28, color=COLOURS[i % len(COLOURS)], label=f"seed {short_id(sid)}", alpha=0.85)
    ax.set_yticks(range(len(kinds)))
    ax.set_yticklabels(kinds)
    ax.invert_yaxis()
    ax.set_xlabel("year")
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=max(len(seeds), 1),
              bbox_to_anchor=(0, 1.08))
    exhibit(ax, "Exhibit 1.2. The strategy timeline by kind of event", cite(seeds, corpus),
            note="Each dot is an annotated event placed at the start of its period.")
    return fig


def business_model(corpus: "Corpus") -> tuple[Exhibit, Exhibit]:
    """Exhibit: the business model by era (cells cite [n]); and the numbered citations."""
    entries = load_table("strategy", "business_model")
    cites: list[dict[str, str]] = []
    cells: dict[tuple[str, str], str] = {}
    for e in entries:
        evs = _evidence(corpus, e["evidence"])
        if not evs:
            cells[(e["dimension"], e["era"])] = (f"not yet known as of {corpus.as_of_year}"
                                                 if corpus.as_of_year else "no source in this view")
            continue
        marks = []
        for ev in evs:
            cites.append({"#": str(len(cites) + 1), "seed": short_id(ev.seed_id), "kind": ev.kind,
                          "id": ev.id, "quote (verbatim)": _short(ev.quote, 120)})
            marks.append(f"[{len(cites)}]")
        cells[(e["dimension"], e["era"])] = f"{e['text']} {''.join(marks)}"
    table = pd.DataFrame([{"dimension": d, **{era: cells.get((d, era), "—") for era in ERAS}}
                          for d in _DIMENSIONS])
    seeds = sorted({short for short in corpus.ids})
    main = Exhibit("1.3", "How the business model changed across the three eras of the sources",
                   table, cite(seeds, corpus), note="Each cell is the analyst's reading "
                   "(casestudy/data/strategy.toml); [n] points to the quote below that backs it.")
    refs = Exhibit("1.3b", "Citations for Exhibit 1.3", pd.DataFrame(
        cites, columns=["#", "seed", "kind", "id", "quote (verbatim)"]), cite(seeds, corpus))
    return main, refs


def two_fronts(corpus: "Corpus") -> Exhibit:
    """Exhibit: the key figures of each 2025 front side by side, with what threatens each."""
    rows = []
    for e in load_table("strategy", "fronts"):
        evs = _evidence(corpus, e["evidence"])
        if e["role"] == "figure":
            for ev in evs:
                loc = next(loc for loc in corpus[ev.seed_id].facts if loc.entry.id == ev.id)
                f = loc.entry
                value = fmt_value(f.value, f.unit)
                if f.qualifier:
                    value = f"{f.qualifier} {value}"
                rows.append({"front": e["front"], "row": "figure",
                             "what": f"{f.metric.replace('_', ' ')} ({f.period}, {f.entity})",
                             "value or quote": value, "seed": short_id(ev.seed_id)})
        elif evs:
            rows.append({"front": e["front"], "row": "threat", "what": e["text"],
                         "value or quote": _short(evs[0].quote, 110),
                         "seed": ", ".join(sorted({short_id(ev.seed_id) for ev in evs}))})
    table = pd.DataFrame(rows, columns=["front", "row", "what", "value or quote", "seed"])
    note = "" if rows else f"No evidence on the 2025 fronts as of {corpus.as_of_year}."
    return Exhibit("1.4", "The two-front battle of 2025: cars, and IoT and appliances", table,
                   cite(sorted({r["seed"] for r in rows}) or corpus.ids, corpus), note=note)


def swot(corpus: "Corpus") -> Exhibit:
    """Exhibit: a SWOT whose every entry shows the quote that supports it."""
    rows = []
    for e in load_table("strategy", "swot"):
        evs = _evidence(corpus, e["evidence"])
        if not evs:
            continue
        rows.append({"quadrant": e["quadrant"], "entry": e["text"],
                     "supporting quote (verbatim)": " / ".join(_short(ev.quote, 90) for ev in evs),
                     "seed": ", ".join(sorted({short_id(ev.seed_id) for ev in evs}))})
    table = pd.DataFrame(rows, columns=["quadrant", "entry", "supporting quote (verbatim)", "seed"])
    return Exhibit("1.5", "SWOT, each entry with its evidence", table,
                   cite(sorted({r["seed"] for r in rows}) or corpus.ids, corpus),
                   note="" if rows else "No SWOT evidence in this view.")


def hero_journey(corpus: "Corpus", lang: str = "en") -> Exhibit:
    """Exhibit: the stages of the 25 September 2025 speech as seed 000 names them."""
    rows = []
    for e in load_table("strategy", "hero_journey"):
        evs = _evidence(corpus, e["evidence"])
        if not evs:
            continue
        rows.append({"stage": e["stage"] if lang == "original" else e["stage_en"],
                     "what the article maps to it": " / ".join(_short(ev.gloss, 80) for ev in evs),
                     "quote (verbatim)": _short(evs[0].quote, 80)})
    table = pd.DataFrame(rows, columns=["stage", "what the article maps to it", "quote (verbatim)"])
    return Exhibit("1.6", "The speech as a hero's journey, against the market's reaction", table,
                   cite(["000_88a04990141fc500"] if rows else corpus.ids, corpus),
                   note="" if rows else "The speech (September 2025) is not in this view.")


def market_reaction(corpus: "Corpus") -> "Figure | Note":
    """Exhibit: the speech-day intraday rise and the two-day fall, from seed 000's facts."""
    rise = [ev for ev in _evidence(corpus, ["000:fact:s000-share-intraday-rise"])]
    fall = [ev for ev in _evidence(corpus, ["000:fact:s000-share-two-day-fall"])]
    if not rise or not fall:
        return Note("*The market's reaction to the September 2025 speech is not in this view.*")
    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    facts = {loc.entry.id: loc.entry for loc in corpus[rise[0].seed_id].facts}
    up = facts["s000-share-intraday-rise"].value
    down = -facts["s000-share-two-day-fall"].value  # the fact records the size of a decline
    fig = Figure(figsize=(6.5, 3.4))
    ax = fig.add_subplot()
    labels = ["speech day\n(intraday, at most)", "the next two days"]
    bars = ax.bar(labels, [up, down], color=[COLOURS[2], COLOURS[3]], width=0.55)
    for b, v in zip(bars, [up, down]):
        ax.annotate(f"{v:+.1f}%", (b.get_x() + b.get_width() / 2, v), ha="center",
                    va="bottom" if v > 0 else "top", fontsize=9)
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_ylabel("share price change, %")
    ax.set_ylim(down * 1.4, up * 2.5)
    exhibit(ax, "Exhibit 1.7. Expectation management: the rise before the story, the fall after",
            cite([rise[0].seed_id], corpus), note="The two changes have different bases (an "
            "intraday high; two trading days from the day after) and do not add up.")
    return fig


def overseas(corpus: "Corpus") -> Exhibit:
    """Exhibit: Europe 2027 against the lessons of a Japanese post on cross-border e-commerce."""
    rows = []
    for e in load_table("strategy", "overseas"):
        xe = _evidence(corpus, e["xiaomi_evidence"])
        le = _evidence(corpus, e["lesson_evidence"])
        rows.append({
            "question": e["dimension"],
            "Xiaomi, Europe 2027": (e["xiaomi"] + " — " + _short(xe[0].quote, 80)) if xe else
            "not in this view",
            "cross-border e-commerce lesson (seed 001)": (e["lesson"] + " — " +
                                                          _short(le[0].quote, 60)) if le else
            "not in this view",
        })
    seeds = sorted({ev.seed_id for e in load_table("strategy", "overseas")
                    for ev in _evidence(corpus, e["xiaomi_evidence"] + e["lesson_evidence"])})
    return Exhibit("1.8", "Going overseas: Europe 2027 read through why cross-border projects stall",
                   pd.DataFrame(rows), cite(seeds or corpus.ids, corpus),
                   note="Seed 001 never mentions Xiaomi; the comparison is the analyst's.")
