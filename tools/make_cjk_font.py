#!/usr/bin/env python3
"""Build the casebook's bundled CJK font subset, ``casestudy/fonts/CasebookCJKSans-Regular``.

What
    A subset of the Japanese face ("Noto Sans CJK JP", Regular) of the Noto Sans CJK
    collection, renamed "Casebook CJK Sans" and written as OTF (CFF outlines) or TTF
    (quadratic outlines), whichever file is smaller.

Why
    The casebook's exhibits carry Chinese and Japanese labels (小米, 雷军, 雷軍, スマホ, 营销).
    matplotlib ships only DejaVu Sans, which has no CJK glyphs, so on a fresh machine
    set up by ``pip install -e .`` those labels would be drawn as empty boxes.  The full
    collection is ~19 MB per weight; a subset covering the characters the casebook needs
    is a few MB and can live inside the package.

Source
    Debian package ``fonts-noto-cjk``, version ``1:20220127+repack1-1`` (upstream Noto
    Sans CJK 2.004), file ``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``.
    Get it without installing it system-wide::

        apt-get download fonts-noto-cjk=1:20220127+repack1-1
        dpkg-deb -x fonts-noto-cjk_*.deb /tmp/fontdeb

    The license (SIL Open Font License 1.1) is in the package's
    ``/usr/share/doc/fonts-noto-cjk/copyright``; ``casestudy/fonts/OFL.txt`` is a copy.

License handling
    The OFL forbids a Modified Version (a subset is one) from using a *Reserved Font
    Name*.  Neither the OFL text shipped by Debian nor the font's own copyright string
    (name ID 0: "© 2014-2021 Adobe (http://www.adobe.com/).") declares a Reserved Font
    Name.  We rename the family anyway ("Casebook CJK Sans"): "Noto" is a Google
    trademark (name ID 7), and a subset must not be mistaken for the full font.  The
    copyright notice (name ID 0), designer credits and license fields (name IDs 13/14)
    are kept, as OFL condition 2 requires.

Character set (all must exist in the source face; the script fails otherwise,
except for characters of the broad Unicode blocks, which are kept where present)
    * every character in ``seeds/*.txt`` and ``seeds/*.toml`` (the seed annotations)
    * every character in ``casestudy/data/*.toml`` if such files exist
    * ASCII and Latin-1 (U+0020-007E, U+00A0-00FF), General Punctuation (U+2000-206F)
    * CJK Symbols and Punctuation (U+3000-303F), Hiragana (U+3040-309F),
      Katakana (U+30A0-30FF), Halfwidth and Fullwidth Forms (U+FF00-FFEF)
    * GB 2312 level-1 hanzi (EUC-CN rows 0xB0-0xD7, 3755 characters)
    * JIS X 0208 level-1 kanji (EUC-JP rows 0xB0-0xCF, 2965 characters)

Reproducibility
    Running the script twice on the same inputs gives byte-identical output: the head
    table's timestamps are copied from the source font instead of being set to "now".

Usage::

    .venv/bin/python tools/make_cjk_font.py [--source PATH/NotoSansCJK-Regular.ttc]
                                            [--out-dir casestudy/fonts] [--format auto|otf|ttf]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE_PACKAGE = "fonts-noto-cjk"
SOURCE_VERSION = "1:20220127+repack1-1"
SOURCE_FACE = "Noto Sans CJK JP"
DEFAULT_SOURCE = Path("/tmp/fontdeb/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_COPYRIGHT = Path("/tmp/fontdeb/usr/share/doc/fonts-noto-cjk/copyright")

FAMILY = "Casebook CJK Sans"
STYLE = "Regular"
PS_NAME = "CasebookCJKSans-Regular"
FILE_STEM = PS_NAME

REPO = Path(__file__).resolve().parents[1]

# (first, last) inclusive code point ranges kept where the source face has them.
BLOCKS: dict[str, tuple[int, int]] = {
    "ASCII": (0x0020, 0x007E),
    "Latin-1 Supplement": (0x00A0, 0x00FF),
    "General Punctuation": (0x2000, 0x206F),
    "CJK Symbols and Punctuation": (0x3000, 0x303F),
    "Hiragana": (0x3040, 0x309F),
    "Katakana": (0x30A0, 0x30FF),
    "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),
}

# Layout tables are dropped: matplotlib's default text (no language set) only needs the
# cmap, Latin text is drawn by DejaVu Sans, and keeping GSUB 'locl'/'vert' closures would
# pull in thousands of alternate glyphs.  Vertical metrics are unused by matplotlib.
DROP_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH"]


def _decode_rows(codec: str, rows: range) -> set[str]:
    """Every character of the two-byte EUC rows *rows* (cells 0xA1-0xFE) in *codec*."""
    out: set[str] = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                out.add(bytes((row, cell)).decode(codec))
            except UnicodeDecodeError:  # unassigned cells at the end of the last row
                pass
    return out


def gb2312_level1() -> set[str]:
    """GB 2312 level-1 hanzi: the 3755 most common simplified Chinese characters."""
    return _decode_rows("gb2312", range(0xB0, 0xD8))


def jisx0208_level1() -> set[str]:
    """JIS X 0208 level-1 kanji: the 2965 most common Japanese kanji."""
    return _decode_rows("euc_jp", range(0xB0, 0xD0))


def block_chars() -> set[str]:
    """Characters of the broad Unicode blocks in :data:`BLOCKS`."""
    return {chr(cp) for lo, hi in BLOCKS.values() for cp in range(lo, hi + 1)}


def text_file_chars(paths: Iterable[Path]) -> set[str]:
    """Every drawable character of the UTF-8 text files *paths* (control characters dropped)."""
    out: set[str] = set()
    for path in paths:
        out |= set(path.read_text(encoding="utf-8"))
    return {c for c in out if unicodedata.category(c) != "Cc"}


def seed_files(repo: Path = REPO) -> list[Path]:
    """The text files whose characters the font must cover.

    The seed articles (``seeds/*.txt``), their annotations (``seeds/*.toml``: titles,
    outlets, quotes that exhibits may show) and the package's data tables
    (``casestudy/data/*.toml``, e.g. the entity gazetteer with CJK aliases).
    """
    # numbers.toml is the number reader's vocabulary (traditional forms such as 萬 兩 included);
    # it is matched in texts, never drawn, so the font need not cover it.
    data = [p for p in sorted((repo / "casestudy" / "data").glob("*.toml"))
            if p.name != "numbers.toml"]
    return sorted((repo / "seeds").glob("*.txt")) + sorted((repo / "seeds").glob("*.toml")) + data


def seed_chars(repo: Path = REPO) -> set[str]:
    """Characters of :func:`seed_files`."""
    return text_file_chars(seed_files(repo))


def required_chars(repo: Path = REPO) -> set[str]:
    """Characters that the subset must contain (the build fails if the source lacks one)."""
    return gb2312_level1() | jisx0208_level1() | seed_chars(repo)


def wanted_chars(repo: Path = REPO) -> set[str]:
    """All characters asked for: :func:`required_chars` plus the broad blocks."""
    return required_chars(repo) | block_chars()


def find_face(collection: Path, family: str = SOURCE_FACE) -> int:
    """Index of the face whose family name (name ID 1) is *family* in a .ttc collection."""
    ttc = TTCollection(str(collection), lazy=True)
    try:
        for index, font in enumerate(ttc.fonts):
            if font["name"].getDebugName(1) == family:
                return index
    finally:
        ttc.close()
    raise SystemExit(f"no face named {family!r} in {collection}")


def _rename(font: TTFont) -> None:
    """Give the subset its own family name and record where it came from."""
    name = font["name"]
    src_version = name.getDebugName(5) or "?"
    keep = {0, 8, 9, 11, 12, 13, 14}  # copyright, manufacturer, designers, URLs, license
    name.names = [r for r in name.names
                  if r.nameID in keep and r.platformID == 3 and r.langID == 0x409]
    new = {
        1: FAMILY,
        2: STYLE,
        3: f"{PS_NAME};subset of Noto Sans CJK JP {src_version.split(';')[0]}",
        4: FAMILY,
        5: f"{src_version.split(';')[0]}; subset for the casestudy casebook",
        6: PS_NAME,
        10: (
            f"Subset of Noto Sans CJK JP Regular from Debian {SOURCE_PACKAGE} {SOURCE_VERSION}, "
            "renamed; made by tools/make_cjk_font.py of the casestudy project. "
            "Covers ASCII, Latin-1, general and CJK punctuation, kana, full-width forms, "
            "GB 2312 level-1 hanzi, JIS X 0208 level-1 kanji and the casebook's seed texts."
        ),
    }
    for name_id, text in new.items():
        name.setName(text, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        old_ps = cff.fontNames[0]
        cff.fontNames = [PS_NAME]
        top = cff.topDictIndex[0]
        for attr, value in (("FullName", FAMILY), ("FamilyName", FAMILY)):
            if hasattr(top, attr):
                setattr(top, attr, value)
        for fd in getattr(top, "FDArray", []) or []:
            if getattr(fd, "FontName", None):
                fd.FontName = fd.FontName.replace(old_ps, PS_NAME)
    font["OS/2"].achVendID = "NONE"


def _to_truetype(font: TTFont, max_err: float = 1.0) -> TTFont:
    """Convert a CFF-flavoured *font* in place to TrueType outlines.

    Cubic curves become quadratic ones within *max_err* font units (of 1000 per em),
    following fontTools' ``Snippets/otf2ttf.py``.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for gname in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[gname].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[gname] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for gname, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[gname] = (hmtx[gname][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(len(g.components if hasattr(g, "components") else [])
                                    for g in glyphs.values())
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smallest, and CID names mean nothing anyway
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def _save(font: TTFont) -> bytes:
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def build(source: Path, chars: set[str], required: set[str],
          fmt: str = "auto") -> tuple[bytes, str, TTFont]:
    """Subset *source* to *chars*; return (file bytes, suffix, font)."""
    index = find_face(source)
    font = TTFont(str(source), fontNumber=index, recalcTimestamp=False, lazy=False)
    cmap = font.getBestCmap()
    absent = sorted(c for c in required if ord(c) not in cmap)
    if absent:
        raise SystemExit(f"source face lacks required characters: {''.join(absent)!r}")
    unicodes = sorted(ord(c) for c in chars if ord(c) in cmap)

    options = subset.Options()
    options.layout_features = []
    options.drop_tables = sorted(set(options.drop_tables) | set(DROP_TABLES))
    options.hinting = False  # matplotlib draws with its own autohinting / no hinting
    options.desubroutinize = False  # keep CFF subroutines: smaller file
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.recalc_timestamp = False
    options.prune_unicode_ranges = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    _rename(font)

    otf = _save(font)
    if fmt == "otf":
        return otf, ".otf", TTFont(io.BytesIO(otf))
    ttf_font = _to_truetype(TTFont(io.BytesIO(otf), recalcTimestamp=False))
    ttf = _save(ttf_font)
    print(f"OTF (CFF) {len(otf):,} bytes, TTF (glyf) {len(ttf):,} bytes", file=sys.stderr)
    if fmt == "ttf" or (fmt == "auto" and len(ttf) < len(otf)):
        return ttf, ".ttf", TTFont(io.BytesIO(ttf))
    return otf, ".otf", TTFont(io.BytesIO(otf))


def ofl_text(debian_copyright: Path, font_copyright: str) -> str:
    """The OFL 1.1 text from Debian's machine-readable copyright file, as a plain OFL.txt.

    The copyright notices come first (OFL condition 2: each copy must contain the
    copyright notice and the license).  Fails if the license declares a Reserved Font
    Name that the subset would still be using.
    """
    lines = debian_copyright.read_text(encoding="utf-8").splitlines()
    # the stanza, not the Files: field
    start = lines.index("License: SIL-1.1", lines.index("License: SIL-1.1") + 1)
    body: list[str] = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    license_text = "\n".join(body).strip("\n")
    if "SIL OPEN FONT LICENSE Version 1.1" not in license_text:
        raise SystemExit(f"no OFL 1.1 text found in {debian_copyright}")
    reserved = [ln for ln in lines if "with Reserved Font Name" in ln] + (
        [font_copyright] if "Reserved Font Name" in font_copyright else [])
    if any(word in ln for ln in reserved for word in ("Noto", "Casebook")):
        raise SystemExit(f"Reserved Font Name clause affects the subset: {reserved}")
    header = (
        f"{font_copyright}\n"
        "(Debian's copyright file for the same package records: "
        "Copyright 2010-2012, Google Corporation.)\n"
        "No Reserved Font Name is declared for this Font Software.\n"
        "\n"
        f"{FAMILY} is a Modified Version (a subset) of Noto Sans CJK JP, made from\n"
        f"Debian {SOURCE_PACKAGE} {SOURCE_VERSION} by tools/make_cjk_font.py.\n"
        "It is distributed under the same license, reproduced below.\n"
    )
    return header + "\n" + license_text + "\n"


def readme_text(font_file: Path, size: int, font: TTFont, chars: set[str]) -> str:
    """Markdown README describing the font file next to it."""
    cmap = font.getBestCmap()
    have = {chr(cp) for cp in cmap}
    gb, jis = gb2312_level1(), jisx0208_level1()
    blocks = "\n".join(
        f"| {name} | U+{lo:04X}-U+{hi:04X} | {sum(1 for cp in range(lo, hi + 1) if cp in cmap)} |"
        for name, (lo, hi) in BLOCKS.items()
    )
    seeds = seed_chars()
    # Named here so the README's long lines stay the same without long lines in this file.
    style_call = "`casestudy.plotting.use_house_style()`"
    seed_files = "`seeds/*.txt`, `seeds/*.toml` and `casestudy/data/*.toml`"
    return f"""# Bundled CJK font: {FAMILY}

`{font_file.name}` ({size:,} bytes, {len(font.getGlyphOrder()):,} glyphs, {len(cmap):,} characters)
lets the casebook's figures draw Chinese and Japanese labels (小米, 雷军, 雷軍, スマホ, 营销)
with real glyphs on a machine that has no CJK fonts installed.  {style_call}
registers it with matplotlib as the fallback family after DejaVu Sans: Latin text is drawn
with DejaVu Sans, CJK characters with this font.

## Where it comes from

A subset of the **Noto Sans CJK JP Regular** face (Noto Sans CJK 2.004, © 2014-2021 Adobe),
taken from the Debian package **`{SOURCE_PACKAGE}` version `{SOURCE_VERSION}`**,
file `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc` (face number found by its name,
"{SOURCE_FACE}").  Layout tables (GSUB, GPOS, GDEF, BASE), vertical metrics and hints are dropped;
outlines are the original CFF outlines, unchanged.

## License

SIL Open Font License 1.1: see `OFL.txt` (copied from the package's
`/usr/share/doc/fonts-noto-cjk/copyright`).  The license lets us bundle and subset the font
with this software as long as the license travels with it and a Modified Version does not use
a Reserved Font Name.  No Reserved Font Name is declared, but the family is renamed to
"{FAMILY}" anyway ("Noto" is a Google trademark, and a subset must not pass for the full font).
The copyright notice, designer credits and license fields are kept in the font's name table.

## Character coverage

| set | characters kept |
| --- | --- |
| GB 2312 level-1 hanzi (EUC-CN rows 0xB0-0xD7) | {len(gb & have)} of {len(gb)} |
| JIS X 0208 level-1 kanji (EUC-JP rows 0xB0-0xCF) | {len(jis & have)} of {len(jis)} |
| the two above together | {len((gb | jis) & have)} |
| characters of {seed_files} when built | {len(seeds & have)} of {len(seeds)} |

| Unicode block | range | characters kept |
| --- | --- | --- |
{blocks}

Anything else (rare hanzi such as 龘 or 𠮷, Korean hangul, emoji) is **not** in the font:
`casestudy.plotting.missing_glyphs(text)` lists such characters before they are drawn as boxes.

## How to rebuild

```sh
apt-get download {SOURCE_PACKAGE}={SOURCE_VERSION}
dpkg-deb -x {SOURCE_PACKAGE}_*.deb /tmp/fontdeb
.venv/bin/python tools/make_cjk_font.py   # --source PATH.ttc --copyright PATH --out-dir DIR
```

The script is deterministic (same inputs, byte-identical font).  Rebuild it when a seed or a
`casestudy/data/*.toml` file brings characters that `missing_glyphs` reports; it writes the
font, `OFL.txt` and this README.  It builds both an OTF (CFF) and a TTF (quadratic) version and
keeps the smaller one (here: OTF; the TTF is about a third larger).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="NotoSansCJK-Regular.ttc")
    parser.add_argument("--copyright", type=Path, default=DEFAULT_COPYRIGHT,
                        help="the package's /usr/share/doc/fonts-noto-cjk/copyright "
                             "(holds the OFL)")
    parser.add_argument("--out-dir", type=Path, default=REPO / "casestudy" / "fonts")
    parser.add_argument("--format", choices=("auto", "otf", "ttf"), default="auto")
    args = parser.parse_args(argv)

    if not args.source.exists() or not args.copyright.exists():
        raise SystemExit(
            f"{args.source} not found: extract {SOURCE_PACKAGE} {SOURCE_VERSION} "
            "(apt-get download; dpkg-deb -x) and pass --source"
        )
    required = required_chars()
    chars = wanted_chars()
    data, suffix, font = build(args.source, chars, required, args.format)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for stale in args.out_dir.glob(f"{FILE_STEM}.*"):
        if stale.suffix in (".otf", ".ttf") and stale.suffix != suffix:
            stale.unlink()
    out = args.out_dir / f"{FILE_STEM}{suffix}"
    out.write_bytes(data)
    ofl = ofl_text(args.copyright, font["name"].getDebugName(0) or "")
    (args.out_dir / "OFL.txt").write_text(ofl, encoding="utf-8")
    readme = readme_text(out, len(data), font, chars)
    (args.out_dir / "README.md").write_text(readme, encoding="utf-8")
    cmap = font.getBestCmap()
    print(f"wrote {out} ({len(data):,} bytes, {len(font.getGlyphOrder())} glyphs, "
          f"{len(cmap)} characters, sha256 {hashlib.sha256(data).hexdigest()[:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
