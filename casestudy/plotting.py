"""The casebook's house style for figures: one look, CJK labels, byte-stable files.

matplotlib ships only DejaVu Sans, which has no CJK glyphs, so labels such as 小米
or スマホ would come out as boxes.  The package bundles a subset of Noto Sans CJK JP
renamed "Casebook CJK Sans" (``casestudy/fonts/``, SIL OFL 1.1, built by
``tools/make_cjk_font.py``); :func:`use_house_style` registers it in memory as the
fallback after DejaVu Sans (no system font, config file, cache or download).
:func:`exhibit` draws an exhibit's title and Source line, :func:`missing_glyphs`
finds characters no house font can draw, :func:`figure_bytes` renders without dates.
matplotlib is imported only when a function here is first called.
"""

from __future__ import annotations

import functools
import io
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = [
    "CJK_FAMILY", "COLOURS", "FONT_DIR", "FONT_FAMILIES", "LATIN_FAMILY",
    "cjk_font_path", "exhibit", "figure_bytes", "house_rc", "missing_glyphs",
    "use_house_style",
]

#: Family name of the bundled CJK subset (name ID 1 of the font file).
CJK_FAMILY = "Casebook CJK Sans"
#: matplotlib's bundled Latin font, used first so Latin text keeps its usual look.
LATIN_FAMILY = "DejaVu Sans"
#: ``font.family`` of the house style: Latin first, CJK as per-glyph fallback.
FONT_FAMILIES: tuple[str, ...] = (LATIN_FAMILY, CJK_FAMILY)
#: Folder of the bundled font, its license (OFL.txt) and README.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
_FONT_STEM = "CasebookCJKSans-Regular"
#: The house look as a matplotlib style file.
STYLE_FILE = Path(__file__).resolve().parent / "data" / "casebook.mplstyle"

#: Colour cycle: the Okabe-Ito palette (blue, orange, bluish green, vermillion, reddish
#: purple, sky blue, black), distinguishable under the common forms of colour-vision
#: deficiency (its yellow left out: too faint on white).
COLOURS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                            "#000000")

_FOOTER_SIZE = 8.0  # points
_FOOTER_COLOUR = "#555555"
_FOOTER_LABELS = ("casestudy-exhibit-source", "casestudy-exhibit-note")
_FOOTER_PAD = 0.06  # inches between the figure's bottom edge / the axes and the footer


def cjk_font_path() -> Path:
    """Path of the bundled CJK font (FileNotFoundError naming the folder if it is missing)."""
    for suffix in (".otf", ".ttf"):
        path = FONT_DIR / f"{_FONT_STEM}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"bundled CJK font {_FONT_STEM}.otf/.ttf not found in {FONT_DIR}; "
        "reinstall the package or rebuild it with tools/make_cjk_font.py")


def house_rc() -> dict[str, Any]:
    """The rcParams the house style sets (a fresh dict; nothing is applied): the look from
    ``casestudy/data/casebook.mplstyle``, the fonts and the colour cycle from here."""
    from cycler import cycler
    from matplotlib import rc_params_from_file

    rc: dict[str, Any] = dict(cast(Any, rc_params_from_file(STYLE_FILE,
                                                            use_default_template=False)))
    rc.update({"font.family": list(FONT_FAMILIES), "axes.prop_cycle": cycler(color=list(COLOURS))})
    return rc


def _register_font(path: Path) -> None:
    """Add *path* to matplotlib's in-memory font list unless it is there (no cache written)."""
    from matplotlib import font_manager

    fname = os.fsdecode(path)
    if any(entry.fname == fname for entry in font_manager.fontManager.ttflist):
        return
    font_manager.fontManager.addfont(fname)


def use_house_style() -> None:
    """Register the bundled CJK font and apply the house style (idempotent; only the
    in-memory rcParams and font list change)."""
    import matplotlib as mpl

    _register_font(cjk_font_path())
    mpl.rcParams.update(cast("dict[Any, Any]", house_rc()))


def _figure_and_axes(ax_or_fig: Axes | Figure) -> tuple[Figure, Axes | None]:
    """The top-level Figure of *ax_or_fig*, and the Axes if one was given."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(ax_or_fig, Axes):
        parent: Any = ax_or_fig.figure
        while not isinstance(parent, Figure) and parent is not None:  # a SubFigure
            parent = parent.figure if parent.figure is not parent else None
        if parent is None:
            raise ValueError("exhibit() needs an Axes that belongs to a figure")
        return parent, ax_or_fig
    if isinstance(ax_or_fig, Figure):
        return ax_or_fig, None
    raise TypeError(f"exhibit() takes a matplotlib Axes or Figure, not {type(ax_or_fig).__name__}")


def _text_width_pt(text: str, size: float) -> float:
    """Width of *text* in points at font *size* (TextToPath: no renderer, deterministic)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=size),
                                                                 ismath=False)
    return float(width)


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def _wrap(text: str, max_width_pt: float, size: float) -> list[str]:
    """Greedy wrap of *text* to *max_width_pt*, breaking at spaces and between CJK characters."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if line and not token.isspace() and _text_width_pt(line + token, size) > max_width_pt:
            lines.append(line.rstrip())
            line = token
        elif line or not token.isspace():
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def exhibit(ax_or_fig: Axes | Figure, title: str, source: str,
            note: str | None = None) -> list[Text]:
    """Title an exhibit (axes title, or ``suptitle`` for a Figure) and put its Source line
    and optional note under it in small grey type, wrapped, with room reserved so they
    do not overlap tick labels.  Calling it again replaces them.  Returns the footer
    Text artists; ValueError for an empty title or source: every exhibit cites its evidence.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

    if not title or not title.strip():
        raise ValueError("exhibit needs a title")
    if not source or not source.strip():
        raise ValueError("exhibit needs a source line: every exhibit cites its evidence")
    fig, ax = _figure_and_axes(ax_or_fig)

    source = " ".join(source.split())
    if not re.match(r"sources?\s*:", source, re.IGNORECASE):
        source = "Source: " + source
    if ax is not None:
        ax.set_title(title, loc="left")
    else:
        fig.suptitle(title, x=0.02, ha="left", fontsize="large")

    for text in [t for t in fig.texts if t.get_label() in _FOOTER_LABELS]:
        text.remove()

    width_in, height_in = fig.get_size_inches()
    max_width_pt = width_in * 72.0 * 0.95
    blocks = [(_FOOTER_LABELS[0], _wrap(source, max_width_pt, _FOOTER_SIZE))]
    if note is not None and note.strip():
        note = " ".join(note.split())
        if not re.match(r"notes?\s*:", note, re.IGNORECASE):
            note = "Note: " + note
        blocks.append((_FOOTER_LABELS[1], _wrap(note, max_width_pt, _FOOTER_SIZE)))

    line_in = _FOOTER_SIZE * 1.25 / 72.0
    n_lines = sum(len(lines) for _, lines in blocks)
    footer_in = n_lines * line_in + 2 * _FOOTER_PAD
    # draw from the bottom up: the last block sits on the bottom edge
    texts: list[Text] = []
    y_in = _FOOTER_PAD
    for label, lines in reversed(blocks):
        texts.append(fig.text(0.02, y_in / height_in, "\n".join(lines),
                              ha="left", va="bottom", fontsize=_FOOTER_SIZE, color=_FOOTER_COLOUR,
                              linespacing=1.25, label=label))
        y_in += len(lines) * line_in
    texts.reverse()

    frac = min(footer_in / height_in, 0.5)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, frac, 1.0, 1.0 - frac))
    elif isinstance(engine, TightLayoutEngine):
        engine.set(rect=(0.0, frac, 1.0, 1.0))
    elif engine is None:
        previous = getattr(fig, "_casestudy_footer_frac", 0.0)
        fig.subplots_adjust(bottom=min(fig.subplotpars.bottom - previous + frac, 0.9))
    fig._casestudy_footer_frac = frac  # type: ignore[attr-defined]
    return texts


@functools.lru_cache(maxsize=1)
def _drawable() -> frozenset[int]:
    """Code points that DejaVu Sans or the bundled CJK font has a glyph for (via FreeType)."""
    import matplotlib as mpl
    from matplotlib import ft2font

    dejavu = Path(mpl.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    codepoints: set[int] = set()
    for path in (dejavu, cjk_font_path()):
        codepoints.update(ft2font.FT2Font(os.fsdecode(path)).get_charmap())
    return frozenset(codepoints)


def missing_glyphs(text: str) -> set[str]:
    """The characters of *text* that neither DejaVu Sans nor the bundled CJK font can
    draw (those matplotlib would warn about and draw as boxes); newlines excepted."""
    drawable = _drawable()
    return {c for c in set(text) if c != "\n" and ord(c) not in drawable}


_NO_DATE_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None},
}


def figure_bytes(fig: Figure, fmt: str = "png", **savefig_kwargs: Any) -> bytes:
    """Render *fig* as *fmt* ("png", "svg", "pdf", "ps", "eps") without dates in the file,
    so the same figure always gives the same bytes."""
    fmt = fmt.lower().lstrip(".")
    metadata = dict(_NO_DATE_METADATA.get(fmt, {}))
    metadata.update(savefig_kwargs.pop("metadata", None) or {})
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=metadata or None, **savefig_kwargs)
    data = buf.getvalue()
    if fmt in ("ps", "eps"):
        data = re.sub(rb"^%%CreationDate:[^\n]*\n", b"", data, count=1, flags=re.MULTILINE)
    return data
