"""Tests of the house plotting style and the bundled CJK font (casestudy.plotting)."""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from casestudy import load_corpus, plotting
from casestudy.display import source_line

REPO = Path(__file__).resolve().parents[1]
LABELS = ["小米", "雷军", "雷軍", "スマホ", "营销", "社区商务", "期待値"]
SEED_ID = "004_e1cfa5dcaaabac6e"


@pytest.fixture
def house():
    """The house style inside an rc_context, so other tests see matplotlib's defaults again."""
    with matplotlib.rc_context():
        plotting.use_house_style()
        yield


def _figure(**kwargs) -> Figure:
    """A Figure with an Agg canvas, outside pyplot's global state."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def _labelled_figure() -> Figure:
    fig = _figure()
    ax = fig.add_subplot()
    ax.bar(LABELS, np.arange(1, len(LABELS) + 1))
    ax.set_ylabel("件数 (mentions)")
    plotting.exhibit(ax, "小米 Xiaomi: 雷军 / 雷軍", f"Source: seed {SEED_ID}", note="营销 スマホ")
    return fig


def _single_char_image(char: str) -> np.ndarray:
    fig = _figure(figsize=(0.6, 0.6), dpi=100, layout=None)
    fig.text(0.5, 0.5, char, fontsize=30, ha="center", va="center")
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


# -- the font file and its license --------------------------------------------------

def test_font_file_license_and_readme_exist():
    path = plotting.cjk_font_path()
    assert path.is_file() and path.parent == plotting.FONT_DIR
    ofl = (plotting.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    assert "Adobe" in ofl  # the copyright notice travels with the license (OFL condition 2)
    readme = (plotting.FONT_DIR / "README.md").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in readme and "1:20220127+repack1-1" in readme


def test_font_is_small():
    size = plotting.cjk_font_path().stat().st_size
    assert size < 6 * 1024 * 1024, f"bundled font is {size:,} bytes"


def test_font_family_name_is_what_plotting_registers(house):
    path = plotting.cjk_font_path()
    with TTFont(path, lazy=True) as font:
        family, ps_name = font["name"].getDebugName(1), font["name"].getDebugName(6)
    assert family == plotting.CJK_FAMILY
    # a Modified Version must not pass for the original font
    assert "Noto" not in family and "Noto" not in ps_name
    entries = [e for e in font_manager.fontManager.ttflist if e.fname == str(path)]
    assert [e.name for e in entries] == [plotting.CJK_FAMILY]
    found = font_manager.findfont(font_manager.FontProperties(family=plotting.CJK_FAMILY),
                                  fallback_to_default=False)
    assert Path(found) == path
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", plotting.CJK_FAMILY]


def test_font_covers_the_planned_character_sets():
    spec = importlib.util.spec_from_file_location("make_cjk_font",
                                                  REPO / "tools" / "make_cjk_font.py")
    if spec is None or not (REPO / "tools" / "make_cjk_font.py").exists():
        pytest.skip("tools/make_cjk_font.py is not in this tree")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with TTFont(plotting.cjk_font_path(), lazy=True) as font:
        cmap = font.getBestCmap()
    planned = tool.gb2312_level1() | tool.jisx0208_level1() | tool.seed_chars(REPO)
    assert len(tool.gb2312_level1()) == 3755 and len(tool.jisx0208_level1()) == 2965
    # Latin letters with diacritics (pinyin readings: ǎ ǐ) come from DejaVu Sans
    absent = sorted(c for c in planned if ord(c) not in cmap and c in plotting.missing_glyphs(c))
    assert not absent, f"rebuild the font with tools/make_cjk_font.py; missing: {''.join(absent)}"
    kana = [chr(cp) for cp in range(0x3041, 0x3097)] + [chr(cp) for cp in range(0x30A1, 0x30FB)]
    assert all(ord(c) in cmap for c in kana)


# -- drawing CJK text -----------------------------------------------------------------

def test_cjk_labels_render_without_missing_glyph_warning(house):
    fig = _labelled_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = plotting.figure_bytes(fig, "png")
    assert png.startswith(b"\x89PNG")


def test_without_the_bundled_font_the_same_figure_warns(house):
    """Control: the warning test above can fail (DejaVu Sans alone has no CJK glyphs)."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    fig = _labelled_figure()
    with pytest.warns(UserWarning, match=r"Glyph \d+ .* missing from font"):
        plotting.figure_bytes(fig, "png")


def test_cjk_glyphs_are_real_not_boxes(house):
    small, rice = _single_char_image("小"), _single_char_image("米")
    blank = np.full_like(small, 255)
    assert (small != blank).any() and (rice != blank).any()
    # missing glyphs would all be the same .notdef box
    assert (small != rice).any()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (_single_char_image("小") == _single_char_image("米")).all()


# -- missing_glyphs ------------------------------------------------------------------------

def _seed_texts() -> dict[str, str]:
    files = (sorted((REPO / "seeds").glob("*.txt")) + sorted((REPO / "seeds").glob("*.toml"))
             + sorted((REPO / "casestudy" / "data").glob("*.toml")))
    # the number reader's vocabulary: never drawn
    files = [f for f in files if f.name != "numbers.toml"]
    return {f.relative_to(REPO).as_posix(): f.read_text(encoding="utf-8") for f in files}


def test_missing_glyphs_is_empty_for_every_seed_character():
    texts = _seed_texts()
    assert any(name.endswith(".txt") for name in texts), "no seeds found"
    missing = {name: "".join(sorted(plotting.missing_glyphs(text))) for name, text in texts.items()}
    assert not any(missing.values()), f"rebuild the font with tools/make_cjk_font.py: {missing}"


def test_missing_glyphs_reports_rare_characters():
    assert plotting.missing_glyphs("小米 雷军 雷軍 スマホ 营销 社区商务 期待値 Xiaomi ë") == set()
    assert plotting.missing_glyphs("小米𠮷龘") == {"𠮷", "龘"}
    assert plotting.missing_glyphs("a\nb") == set()
    assert plotting.missing_glyphs("a\tb") == {"\t"}  # matplotlib draws a tab as a missing glyph


def test_missing_glyphs_agrees_with_matplotlib(house):
    fig = _figure()
    fig.text(0.1, 0.5, "小米 龘")
    with pytest.warns(UserWarning, match="missing from font") as record:
        plotting.figure_bytes(fig, "png")
    warned = {chr(int(m.group(1))) for w in record
              if (m := re.search(r"Glyph (\d+) ", str(w.message)))}
    assert warned == plotting.missing_glyphs("小米 龘") == {"龘"}


# -- deterministic output --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_figure_gives_identical_bytes(house, fmt):
    first = plotting.figure_bytes(_labelled_figure(), fmt)
    second = plotting.figure_bytes(_labelled_figure(), fmt)
    assert first == second
    fig = _labelled_figure()
    assert plotting.figure_bytes(fig, fmt) == plotting.figure_bytes(fig, fmt)


def test_svg_and_pdf_carry_no_date(house):
    fig = _labelled_figure()
    svg = plotting.figure_bytes(fig, "svg").decode("utf-8")
    assert "<dc:date>" not in svg
    assert not re.search(r"(19|20)\d\d-\d\d-\d\d", svg)
    pdf = plotting.figure_bytes(fig, "pdf")
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    ps = plotting.figure_bytes(fig, "ps")
    assert b"%%CreationDate" not in ps


def test_plain_savefig_would_write_a_date(house, tmp_path):
    """Control: without figure_bytes' metadata matplotlib stamps SVGs with a date."""
    fig = _labelled_figure()
    fig.savefig(tmp_path / "plain.svg")
    assert "<dc:date>" in (tmp_path / "plain.svg").read_text(encoding="utf-8")


# -- exhibit and source_line ------------------------------------------------------------------

def test_exhibit_puts_title_source_and_note_on_the_figure(house):
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 2])
    ax.set_xlabel("year 年")
    source = source_line(seeds=[SEED_ID], derived="implied prior = current / (1 + growth)")
    texts = plotting.exhibit(ax, "雷军's two fronts", source, note="RMB bn")
    assert ax.get_title(loc="left") == "雷军's two fronts"
    contents = [t.get_text() for t in fig.texts]
    assert source in contents
    assert "Note: RMB bn" in contents
    assert [t.get_text() for t in texts] == [source, "Note: RMB bn"]

    # the footer sits under the axes, its tick labels and x label, inside the figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_tightbbox(renderer)
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.y1 <= axes_box.y0, "footer overlaps the axes"
        assert box.y0 >= 0 and box.x0 >= 0 and box.x1 <= fig.bbox.x1

    # calling it again replaces, not stacks
    plotting.exhibit(ax, "second title", source_line(seeds=["003_bd8dcc4d91eb5557"]))
    contents = [t.get_text() for t in fig.texts]
    assert contents == [source_line(seeds=["003_bd8dcc4d91eb5557"])]
    assert ax.get_title(loc="left") == "second title"


def test_exhibit_on_a_figure_uses_suptitle_and_prefixes_source(house):
    fig = _figure()
    fig.subplots(1, 2)
    plotting.exhibit(fig, "Two panels", "seed 000_88a04990141fc500")
    assert fig.get_suptitle() == "Two panels"
    assert "Source: seed 000_88a04990141fc500" in [t.get_text() for t in fig.texts]
    texts = plotting.exhibit(fig, "Two panels", "Sources: seed 000_88a04990141fc500",
                             note="Notebook 2 has more")
    assert [t.get_text() for t in texts] == ["Sources: seed 000_88a04990141fc500",
                                             "Note: Notebook 2 has more"]
    assert sorted(t.get_text() for t in fig.texts) == sorted(
        ["Two panels", "Sources: seed 000_88a04990141fc500", "Note: Notebook 2 has more"])


def test_exhibit_wraps_long_source_lines_inside_the_figure(house):
    fig = _figure()
    ax = fig.add_subplot()
    ids = [f"{i:03d}_{'0123456789abcdef'}" for i in range(12)]
    (text,) = plotting.exhibit(ax, "t", source_line(seeds=ids))
    assert "\n" in text.get_text()
    fig.canvas.draw()
    assert text.get_window_extent().x1 <= fig.bbox.x1


def test_exhibit_requires_title_and_source(house):
    fig = _figure()
    ax = fig.add_subplot()
    with pytest.raises(ValueError):
        plotting.exhibit(ax, "title", "  ")
    with pytest.raises(ValueError):
        plotting.exhibit(ax, "", "Source: seed x")
    with pytest.raises(TypeError):
        plotting.exhibit("not an axes", "t", "s")  # type: ignore[arg-type]


def test_source_line_formats():
    """One builder (casestudy.display.source_line) for tables and figures."""
    line = source_line(seeds=["seeds/004_e1cfa5dcaaabac6e", "003_bd8dcc4d91eb5557"],
                       derived="implied prior = current / (1 + growth)", corpus=load_corpus())
    assert line.startswith("Source: seed 003 (") and "; seed 004 (" in line
    assert line.endswith("Derived: implied prior = current / (1 + growth).")
    with pytest.raises(ValueError):
        source_line()


# -- the style itself ----------------------------------------------------------------------

def test_use_house_style_is_idempotent(house):
    snapshot = dict(matplotlib.rcParams)
    plotting.use_house_style()
    plotting.use_house_style()
    assert dict(matplotlib.rcParams) == snapshot
    path = str(plotting.cjk_font_path())
    assert sum(e.fname == path for e in font_manager.fontManager.ttflist) == 1


_NO_FILES_SCRIPT = """
import json, os, sys
from pathlib import Path
import matplotlib.font_manager  # builds the font cache in MPLCONFIGDIR first
root = Path(os.environ["MPLCONFIGDIR"])
def listing():
    return {str(p): p.stat().st_mtime_ns for p in sorted(root.rglob("*"))}
before = listing()
from casestudy import plotting
plotting.use_house_style()
plotting.use_house_style()
print(json.dumps([before, listing()]))
"""


def test_use_house_style_writes_no_config_or_cache_files(tmp_path):
    """Run in a child process with its own MPLCONFIGDIR, so parallel tests cannot interfere."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", _NO_FILES_SCRIPT], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=120, check=True)
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert before, "the font cache should exist before the call"
    assert after == before


def test_house_style_values(house):
    rc = matplotlib.rcParams
    assert rc["svg.hashsalt"] == plotting.house_rc()["svg.hashsalt"] is not None
    cycle = rc["axes.prop_cycle"].by_key()["color"]
    assert [c.lower() for c in cycle] == [c.lower() for c in plotting.COLOURS]
    assert tuple(rc["figure.figsize"]) == (7.0, 4.2)
