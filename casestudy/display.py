"""How an exhibit appears in a notebook: a numbered title, the evidence, a Source line.

``cs.show(table_or_figure, "Exhibit 3.1. Title", facts=rows, refs=ref_rows)`` does the
plumbing every exhibit needs and no student needs to read: the "Source:" line built
from the evidence actually used (seeds with outlet and date; reference documents
with publisher, title and date), one number format, byte-stable output nbval can
compare (plain ``DataFrame.to_html``; PNG without dates), alt text for figures, and
``metadata["casestudy"]`` for the site (number, title, source, seeds, references,
the table as CSV).  Everything from a seeds folder is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from .errors import CasestudyError

if TYPE_CHECKING:
    from .corpus import Corpus
    from .seeds import Seed

__all__ = ["show", "source_line", "fmt", "md", "escape_md", "Exhibit", "FigureExhibit",
           "NoEvidence", "DisplayError"]

_TITLE = re.compile(r"^Exhibit\s+([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)\.?\s+(.+)$", re.S)
_MONEY = {"CNY", "USD", "HKD", "JPY", "EUR"}
#: The largest figure rendered (width, height in inches); a larger one is shrunk to it, since
#: a figure sized by a user's seeds folder could otherwise take minutes and gigabytes.
MAX_FIGURE_INCHES = (16.0, 24.0)


class DisplayError(CasestudyError, ValueError):
    """An exhibit was asked for without what it needs (a numbered title, its evidence)."""


# -- numbers -------------------------------------------------------------------------


def fmt(value: Any, unit: str = "", digits: int | None = None) -> str:
    """A number as the casebook prints it: money in bn/m with its currency, % and pp
    as written, counts with thousands separators; ``digits`` fixes the decimals."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if not isinstance(value, (int, float)):
        return str(value)
    v = float(value)

    def num(x: float) -> str:
        d = digits if digits is not None else _decimals(x)
        return f"{x:,.{d}f}"

    if unit in _MONEY:
        for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if abs(v) >= scale:
                return f"{num(v / scale)} {word} {unit}"
        return f"{num(v)} {unit}"
    if unit == "%":
        return f"{num(v)}%"
    if unit == "pp":
        return f"{num(v)} pp"
    return f"{num(v)} {unit}".rstrip()


def _decimals(x: float) -> int:
    for d in range(0, 3):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return 2 if abs(x) < 1000 else 1


# -- citations -----------------------------------------------------------------------


def _seed_label(seed_id: str, meta: tuple[str, str] | None) -> str:
    """"seed 004 (outlet, date)"; just "seed 004" when nothing passed says who published it."""
    head = seed_id.split("_", 1)[0]
    label = f"seed {head}" if head.isdigit() else f"seed {seed_id}"
    if meta is None:
        return label
    outlet, date = meta
    outlet = "" if outlet.startswith("unknown") else outlet
    outlet = outlet.split(" (", 1)[0].split(":", 1)[0].strip()
    if len(outlet) > 40:
        outlet = outlet[:39] + "…"
    bits = [b for b in (outlet, date or "undated") if b]
    return f"{label} ({', '.join(bits)})"


def _seed_metadata(facts: Any, seeds: Iterable[Any], corpus: Corpus | None
                   ) -> dict[str, tuple[str, str]]:
    """seed id -> (outlet, date), from what was passed: the rows' ``seed_outlet`` and
    ``seed_date`` columns (``corpus.facts()``, ``events()``, ``claims()`` carry them), the
    :class:`~casestudy.seeds.Seed` objects in ``seeds`` and, for plain ids, ``corpus``."""
    meta: dict[str, tuple[str, str]] = {}
    if corpus is not None:
        meta.update((s.id, (s.metadata.outlet, s.metadata.date)) for s in corpus)
    meta.update((s.id, (s.metadata.outlet, s.metadata.date)) for s in seeds if _is_seed(s))
    rows = facts.to_frame().T if isinstance(facts, pd.Series) else facts
    if isinstance(rows, pd.DataFrame) and {"seed_id", "seed_outlet", "seed_date"} <= set(rows):
        for sid, outlet, date in zip(rows["seed_id"], rows["seed_outlet"], rows["seed_date"]):
            meta[str(sid)] = (str(outlet), "" if pd.isna(date) else str(date))
    return meta


def _is_seed(obj: Any) -> bool:
    return hasattr(obj, "metadata") and hasattr(obj, "id")


def _seed_ids(seeds: Iterable[Any]) -> list[str]:
    """Ids of ``seeds``: Seed objects, or ids and file names (``seeds/004_x.txt``)."""
    return [s.id if _is_seed(s) else Path(str(s)).name.removesuffix(".txt").removesuffix(".toml")
            for s in seeds]


def _seeds_of(evidence: Any) -> list[str]:
    """Seed ids behind ``evidence``: rows of ``corpus.facts()``, ``events()`` or ``claims()``."""
    if evidence is None:
        return []
    if isinstance(evidence, pd.Series):
        evidence = evidence.to_frame().T
    if not isinstance(evidence, pd.DataFrame) or "seed_id" not in evidence.columns:
        raise DisplayError("facts= takes rows of corpus.facts(), events() or claims() (with their "
                           f"'seed_id' column), not {type(evidence).__name__}")
    return [str(s) for s in evidence["seed_id"]]


def _ref_docs(refs: Any) -> list[tuple[str, str]]:
    """(doc_id, citation) pairs of reference figures (rows of ``load_references()``), in order."""
    from .references import reference_citation

    if refs is None:
        return []
    if isinstance(refs, pd.Series):
        refs = refs.to_frame().T
    if not isinstance(refs, pd.DataFrame) or "doc_id" not in refs.columns:
        raise DisplayError(f"refs= takes rows of load_references(), not {type(refs).__name__}")
    out: dict[str, str] = {}
    for _, r in refs.iterrows():
        out.setdefault(str(r["doc_id"]), reference_citation(r))
    return list(out.items())


def source_line(facts: Any = None, *, seeds: Iterable[str | Seed] = (), refs: Any = None,
                derived: str = "", corpus: Corpus | None = None) -> str:
    """The one "Source: ..." builder: the seeds behind ``facts`` (rows of the corpus
    tables) and ``seeds`` (Seed objects, e.g. ``seeds=corpus``, or ids), then each reference
    document of ``refs`` ("publisher, title, date"), then how the figures were ``derived``.

    A seed is named with its outlet and date when what was passed carries them (the rows, a
    Seed, or ``corpus=`` for plain ids); the line depends on nothing else."""
    seeds = list(seeds)
    ids = list(dict.fromkeys(_seeds_of(facts) + _seed_ids(seeds)))
    docs = _ref_docs(refs)
    if not ids and not docs:
        raise DisplayError("an exhibit must cite its evidence: pass facts=, seeds= or refs=")
    meta = _seed_metadata(facts, seeds, corpus)
    parts = [_seed_label(s, meta.get(s)) for s in sorted(ids)] + [cite for _, cite in docs]
    line = "Source: " + "; ".join(parts) + "."
    if derived.strip():
        line += " Derived: " + " ".join(derived.split()).rstrip(".") + "."
    return line


# -- exhibits ------------------------------------------------------------------------


def _split_title(title: str) -> tuple[str, str]:
    m = _TITLE.match(title.strip())
    if not m:
        raise DisplayError(f"exhibit title {title!r}: expected 'Exhibit <number>. <title>', "
                           "e.g. 'Exhibit 3.1. The quarter at a glance'")
    return m.group(1), " ".join(m.group(2).split())


@dataclass
class Exhibit:
    """A numbered table exhibit; renders as plain HTML and text (byte-stable)."""

    number: str
    title: str
    table: pd.DataFrame
    source: str
    note: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def _body_text(self) -> str:
        with pd.option_context("display.max_colwidth", 60, "display.width", 160,
                               "display.max_columns", None, "display.max_rows", 500):
            return self.table.to_string(index=False, na_rep="—")

    def __repr__(self) -> str:
        note = f"\n{self.note}" if self.note else ""
        return f"Exhibit {self.number}. {self.title}\n{self._body_text()}\n{self.source}{note}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        table = self.table.to_html(index=False, escape=True, border=0, na_rep="—")
        note = (f'<p class="note" style="font-size:85%"><em>{html.escape(self.note)}</em></p>'
                if self.note else "")
        body = (f"<h4>Exhibit {html.escape(self.number)}. {html.escape(self.title)}</h4>\n{table}\n"
                f'<p class="source" style="font-size:85%">{html.escape(self.source)}</p>{note}')
        return {"text/html": body, "text/plain": repr(self)}, {"casestudy": self.meta}


@dataclass
class FigureExhibit:
    """A numbered figure exhibit: PNG with its title and Source line drawn in, and as text."""

    number: str
    title: str
    png: bytes
    source: str
    note: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def alt(self) -> str:
        parts = (f"Exhibit {self.number}. {self.title}.", self.source, self.note)
        return " ".join(p for p in parts if p)

    def __repr__(self) -> str:
        parts = (f"Exhibit {self.number}. {self.title}", self.source, self.note)
        return "\n".join(p for p in parts if p)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return ({"image/png": self.png, "text/plain": repr(self)},
                {"image/png": {"alt": self.alt}, "casestudy": self.meta})


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    """Floats shown with the casebook's decimals (a float column of whole numbers as integers)."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [fmt(v) for v in out[col]]
    return out


@dataclass
class NoEvidence:
    """An exhibit whose evidence is empty in the seeds and parameters of this run (a user's
    own unannotated articles, a language no seed has): one sentence instead of a table."""

    number: str
    title: str

    @property
    def sentence(self) -> str:
        return ("No evidence in the chosen seeds for this exhibit: the seeds folder and "
                "parameters of this run leave none of the annotated passages it is built from.")

    @property
    def meta(self) -> dict[str, Any]:
        return {"exhibit": self.number, "title": self.title, "source": self.sentence,
                "seeds": [], "refs": [], "empty": True}

    def __repr__(self) -> str:
        return f"Exhibit {self.number}. {self.title}\n{self.sentence}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        body = (f"<h4>Exhibit {html.escape(self.number)}. {html.escape(self.title)}</h4>\n"
                f'<p class="source" style="font-size:85%">{html.escape(self.sentence)}</p>')
        return {"text/html": body, "text/plain": repr(self)}, {"casestudy": self.meta}


def show(obj: Any, title: str, *, facts: Any = None, seeds: Iterable[str | Seed] | None = None,
         refs: Any = None, derived: str = "", note: str = "", corpus: Corpus | None = None
         ) -> Exhibit | FigureExhibit | NoEvidence:
    """Show ``obj`` (a DataFrame, a matplotlib Figure or Axes) as a numbered exhibit.

    ``title`` is "Exhibit N. Title"; ``facts`` (rows of ``corpus.facts()``, ``events()``
    or ``claims()``), ``seeds`` (Seed objects, e.g. ``seeds=corpus``, or ids with
    ``corpus=``) and ``refs`` (rows of ``load_references()``) are
    the evidence the Source line cites;
    ``derived`` says how figures were computed from them; ``note`` is a caveat.
    A figure is closed after it is rendered, so it is shown once.

    Evidence passed but empty (the run's seeds folder or parameters leave none: a user's
    unannotated article, a language no seed has) gives a :class:`NoEvidence` sentence
    instead of the exhibit; passing no evidence at all is a :class:`DisplayError`, since
    every exhibit must cite its sources.
    """
    number, text = _split_title(title)
    given = facts is not None or refs is not None or seeds is not None
    seeds = [] if seeds is None else list(seeds)
    if given and not (_seeds_of(facts) or seeds or _ref_docs(refs)):
        if not isinstance(obj, (pd.DataFrame, pd.Series)):  # a figure: not shown by the backend
            import matplotlib.pyplot as plt

            plt.close(getattr(obj, "figure", obj))
        return NoEvidence(number, text)
    source = source_line(facts, seeds=seeds, refs=refs, derived=derived, corpus=corpus)
    meta: dict[str, Any] = {
        "exhibit": number, "title": text, "source": source,
        "seeds": sorted(dict.fromkeys(_seeds_of(facts) + _seed_ids(seeds))),
        "refs": [{"doc_id": d, "cite": c} for d, c in _ref_docs(refs)],
    }
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if isinstance(obj, pd.DataFrame):
        table = obj.reset_index() if not isinstance(obj.index, pd.RangeIndex) else obj
        meta["csv"] = table.to_csv(index=False, lineterminator="\n")
        return Exhibit(number, text, _formatted(table), source, note, meta)
    return _figure_exhibit(obj, number, text, source, note, meta)


def _figure_exhibit(obj: Any, number: str, text: str, source: str, note: str,
                    meta: dict[str, Any]) -> FigureExhibit:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from . import plotting

    if isinstance(obj, Axes):
        fig = cast(Figure, obj.figure)
    elif isinstance(obj, Figure):
        fig = obj
    else:
        raise DisplayError("show() takes a DataFrame, a Figure or an Axes, "
                           f"not {type(obj).__name__}")
    width, height = fig.get_size_inches()  # sized by the data: 500 seeds asked for 300 inches
    if width > MAX_FIGURE_INCHES[0] or height > MAX_FIGURE_INCHES[1]:
        fig.set_size_inches(min(width, MAX_FIGURE_INCHES[0]), min(height, MAX_FIGURE_INCHES[1]))
    plotting.exhibit(fig, f"Exhibit {number}. {text}", source, note or None)
    png = plotting.figure_bytes(fig, "png")
    plt.close(fig)
    return FigureExhibit(number, text, png, source, note, meta)


# -- prose computed from data -----------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|$])")


def escape_md(text: Any) -> str:
    """``text`` safe to put into Markdown: no markup, no HTML, no LaTeX from a seeds folder."""
    text = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


@dataclass
class Markdown:
    """Markdown prose computed in a notebook (shown as Markdown, compared as text)."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def md(template: str, /, **values: Any) -> Markdown:
    """Markdown from ``template`` with ``{name}`` fields filled from ``values``; each
    value is escaped (numbers go through :func:`fmt` if they are floats)."""
    safe: Mapping[str, str] = {k: escape_md(fmt(v) if isinstance(v, float) else v)
                               for k, v in values.items()}
    return Markdown(template.format(**safe))
