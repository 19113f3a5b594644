"""Bad input: every seed or annotation problem is a specific CasestudyError naming the file,
the field and what was expected, and loading never changes anything on disk.

All corpora here are built in tmp_path, never in the project's seeds/.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import casestudy
from casestudy import AnnotationError, CasestudyError, SeedError, load_corpus

EN_TEXT = ("Xiaomi reported strong results for the quarter.\n"
           "Revenue rose to 113.1 billion yuan in the third quarter, up 22.3% on a year earlier.\n")
JA_TEXT = ("小米(シャオミ)はスマートフォンで大きく成長した企業ですが、"
           "現在では電動自動車をつくっています。"
           "株価は2日間で8%下落しました。\n")
ZH_TEXT = "小米公司用五年时间成长为一家估值450亿美金的企业，真正打破了品牌不能速成的神话。\n"


# -- helpers ---------------------------------------------------------------------------

def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def annotation(metadata: dict[str, Any] | None = None, **sections: list[dict[str, Any]]) -> str:
    lines = ["schema = 1", "", "[metadata]"]
    for k, v in (metadata or {}).items():
        lines.append(f"{k} = {toml_value(v)}")
    for section, entries in sections.items():
        for entry in entries:
            lines += ["", f"[[{section}]]"]
            lines += [f"{k} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def fact(**kw: Any) -> dict[str, Any]:
    base = {"id": "rev", "metric": "revenue", "value": 113.1e9, "unit": "CNY", "period": "2025-Q3",
            "entity": "Xiaomi Group", "quote": "Revenue rose to 113.1 billion yuan"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every path under ``folder`` with its bytes and mtime (None for folders)."""
    out: dict[str, tuple[bytes, int] | None] = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        out[key] = (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else None
    return out


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, content: str | bytes) -> Path:
    p = folder / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_bytes(content.encode("utf-8"))
    return p


def load_unchanged(folder: Path, watch: Path | None = None) -> casestudy.Corpus:
    """load_corpus(folder), checking that nothing under ``watch`` changed."""
    watch = watch or folder.parent
    before = snapshot(watch)
    corpus = load_corpus(folder)
    assert snapshot(watch) == before
    return corpus


def load_error(folder: Path, exc_type: type[CasestudyError], *fragments: str,
               watch: Path | None = None) -> CasestudyError:
    """load_corpus(folder) raises exactly ``exc_type`` whose message holds every fragment,
    and nothing under ``watch`` (default: the folder's parent) changed."""
    watch = watch or folder.parent
    before = snapshot(watch)
    with pytest.raises(CasestudyError) as info:
        load_corpus(folder)
    assert type(info.value) is exc_type, repr(info.value)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert snapshot(watch) == before
    return info.value


# -- the seed files ----------------------------------------------------------------------

def test_a_good_seed_loads(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation({"language": "en"}, facts=[fact()]))
    corpus = load_unchanged(seeds)
    seed = corpus["x"]
    loc = seed.facts[0]
    assert seed.raw[loc.start:loc.end] == "Revenue rose to 113.1 billion yuan"
    assert seed.raw[loc.value_start:loc.value_end] == "113.1 billion yuan"


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t", "\ufeff\u3000\u00a0\n".encode("utf-8")])
def test_empty_seed(seeds: Path, content: bytes) -> None:
    write(seeds, "empty.txt", content)
    load_error(seeds, SeedError, "empty.txt", "expected the text of an article")


def test_nul_characters(seeds: Path) -> None:
    write(seeds, "nul.txt", b"Xiaomi\x00 results")
    load_error(seeds, SeedError, "nul.txt", "NUL", "expected plain text")


@pytest.mark.parametrize(("text", "encoding"), [(JA_TEXT, "shift_jis"), (ZH_TEXT, "gbk")])
def test_non_utf8_bytes(seeds: Path, text: str, encoding: str) -> None:
    write(seeds, "legacy.txt", text.encode(encoding))
    err = load_error(seeds, SeedError, "legacy.txt", "not valid utf-8", "metadata.encoding")
    assert isinstance(err, SeedError) and err.path.name == "legacy.txt"


@pytest.mark.parametrize(("text", "encoding", "quote", "language"),
                         [(JA_TEXT, "shift_jis", "2日間で8%下落", "ja"),
                          (ZH_TEXT, "gbk", "450亿美金", "zh")])
def test_declared_encoding_loads(seeds: Path, text: str, encoding: str, quote: str,
                                 language: str) -> None:
    write(seeds, "legacy.txt", text.encode(encoding))
    value = 8.0 if encoding == "shift_jis" else 4.5e10
    unit = "%" if encoding == "shift_jis" else "USD"
    write(seeds, "legacy.toml", annotation({"encoding": encoding},
                                           facts=[fact(quote=quote, value=value, unit=unit)]))
    seed = load_unchanged(seeds)["legacy"]
    assert seed.raw == text
    assert seed.language == language
    loc = seed.facts[0]
    assert seed.raw[loc.start:loc.end] == quote


@pytest.mark.parametrize("encoding", ["klingon", "", "rot13", "hex", "undefined"])
def test_unusable_declared_encoding(seeds: Path, encoding: str) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation({"encoding": encoding}))
    load_error(seeds, SeedError, "x.txt", "encoding")


def test_wrong_declared_encoding(seeds: Path) -> None:
    write(seeds, "x.txt", JA_TEXT.encode("utf-8"))
    write(seeds, "x.toml", annotation({"encoding": "ascii"}))
    load_error(seeds, SeedError, "x.txt", "not valid ascii")


def test_bom_and_crlf(seeds: Path) -> None:
    raw = ("\ufeffXiaomi reported strong results for the quarter.\r\n"
           "Revenue rose to 113.1 billion yuan\r\nin the third quarter of 2025.\r\n\r\n"
           "第一行です。\r\n第二行です。\r\n")
    write(seeds, "x.txt", raw)
    write(seeds, "x.toml", annotation(
        {"language": "en"},
        facts=[fact(quote="Revenue rose to 113.1 billion yuan\nin the third quarter")],
        claims=[{"id": "lines", "gloss": "two lines", "quote": "第一行です。\n第二行です。"}]))
    seed = load_unchanged(seeds)["x"]
    assert seed.raw == raw  # decoded exactly, BOM and CR included
    assert not seed.text.startswith("\ufeff") and "\r" not in seed.text
    f = seed.facts[0]
    assert seed.raw[f.start:f.end] == "Revenue rose to 113.1 billion yuan\r\nin the third quarter"
    assert "\r\n" in seed.raw[f.start:f.end]
    assert seed.raw[f.value_start:f.value_end] == "113.1 billion yuan"
    c = seed.claims[0]
    assert seed.raw[c.start:c.end] == "第一行です。\r\n第二行です。"
    # the reading text maps back to the original
    i = seed.text.index("Revenue")
    assert seed.raw_span(i, i + 7) == (raw.index("Revenue"), raw.index("Revenue") + 7)


def test_quote_in_cleaned_text_maps_to_the_original(seeds: Path) -> None:
    raw = "Het bedrijf, waarvan de naam zich laat vertalen, lan-\nceerde in 2011 een smartphone.\n"
    write(seeds, "nl.txt", raw)
    write(seeds, "nl.toml", annotation(
        {"language": "nl"},
        events=[{"id": "launch", "date": "2011", "date_precision": "year", "kind": "launch",
                 "summary": "first phone", "quote": "lanceerde in 2011"}]))
    seed = load_unchanged(seeds)["nl"]
    e = seed.events[0]
    assert seed.raw[e.start:e.end] == "lan-\nceerde in 2011"


# -- annotation problems -------------------------------------------------------------------

def test_quote_not_in_text(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(quote="Revenue fell to 113.1 billion yuan")]))
    load_error(seeds, AnnotationError, "x.toml", "facts 'rev'", "quote", "is not in x.txt",
               "expected a verbatim passage")


def test_claim_quote_not_in_text(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(claims=[{"id": "c1", "gloss": "g", "quote": "Huawei"}]))
    load_error(seeds, AnnotationError, "x.toml", "claims 'c1'", "'Huawei'", "expected a verbatim")


TWICE = "Xiaomi sold 8% more phones in spring.\nLater Xiaomi sold 8% more cars in autumn.\n"


def test_quote_twice_without_occurrence(seeds: Path) -> None:
    write(seeds, "x.txt", TWICE)
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more", value=8, unit="%")]))
    load_error(seeds, AnnotationError, "x.toml", "facts 'rev'", "occurs 2 times",
               "occurrence = N", "start = OFFSET")


def test_quote_twice_with_occurrence(seeds: Path) -> None:
    write(seeds, "x.txt", TWICE)
    write(seeds, "x.toml", annotation(facts=[
        fact(id="a", quote="sold 8% more", value=8, unit="%", occurrence=2),
        fact(id="b", quote="sold 8% more", value=8, unit="%", occurrence=1)]))
    seed = load_unchanged(seeds)["x"]
    second = TWICE.index("sold 8% more", TWICE.index("sold 8% more") + 1)
    assert (seed.facts[0].start, seed.facts[0].end) == (second, second + len("sold 8% more"))
    assert seed.facts[1].start == TWICE.index("sold 8% more")
    assert seed.raw[seed.facts[0].value_start:seed.facts[0].value_end] == "8%"
    assert seed.facts[0].value_start == second + len("sold ")


def test_quote_twice_with_start(seeds: Path) -> None:
    write(seeds, "x.txt", TWICE)
    second = TWICE.index("sold 8% more", TWICE.index("sold 8% more") + 1)
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more", value=8, unit="%",
                                                  start=second)]))
    seed = load_unchanged(seeds)["x"]
    assert (seed.facts[0].start, seed.facts[0].end) == (second, second + len("sold 8% more"))


def test_occurrence_and_start_that_do_not_exist(seeds: Path) -> None:
    write(seeds, "x.txt", TWICE)
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more", value=8, unit="%",
                                                  occurrence=3)]))
    load_error(seeds, AnnotationError, "x.toml", "occurrence", "occurs 2 time(s)")
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more", value=8, unit="%",
                                                  start=3)]))
    load_error(seeds, AnnotationError, "x.toml", ".start", "not at offset 3")
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more", value=8, unit="%",
                                                  occurrence=0)]))
    load_error(seeds, AnnotationError, "x.toml", "occurrence", "expected a positive integer")


def test_value_not_readable_from_quote(seeds: Path) -> None:
    write(seeds, "x.txt", TWICE)
    write(seeds, "x.toml", annotation(facts=[fact(quote="sold 8% more phones", value=7, unit="%")]))
    load_error(seeds, AnnotationError, "x.toml", "facts 'rev'.value", "value 7",
               "'8%'=8", "expected the number as written")


def test_value_without_scale_applied(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(value=113.1e6)]))
    load_error(seeds, AnnotationError, "x.toml", "facts 'rev'.value", "scale applied")


def test_reading_word(seeds: Path) -> None:
    raw = "In de eerste zes maanden van dit jaar verdubbelde dat aantal.\n"
    write(seeds, "nl.txt", raw)
    write(seeds, "nl.toml", annotation({"language": "nl"}, facts=[
        fact(quote="verdubbelde dat aantal", reading="verdubbelde", value=2, unit="x")]))
    seed = load_unchanged(seeds)["nl"]
    f = seed.facts[0]
    assert raw[f.value_start:f.value_end] == "verdubbelde"
    write(seeds, "nl.toml", annotation({"language": "nl"}, facts=[
        fact(quote="verdubbelde dat aantal", reading="verdubbelde", value=3, unit="x")]))
    load_error(seeds, AnnotationError, "nl.toml", ".value", "reading 'verdubbelde'")
    write(seeds, "nl.toml", annotation({"language": "nl"}, facts=[
        fact(quote="verdubbelde dat aantal", reading="halveerde", value=2, unit="x")]))
    load_error(seeds, AnnotationError, "nl.toml", ".reading", "is not in the quote")


def test_unknown_field(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(colour="red")]))
    load_error(seeds, AnnotationError, "x.toml", "facts[1] id='rev'", "unknown field 'colour'",
               "expected one of", "quote")


def test_unknown_metadata_field(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation({"titel": "typo"}))
    load_error(seeds, AnnotationError, "x.toml", "metadata", "unknown field 'titel'", "title")


def test_unknown_top_level_field(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation() + "\n[[fact]]\nquote = \"Revenue\"\n")
    load_error(seeds, AnnotationError, "x.toml", "unknown top-level field 'fact'", "facts")


def test_wrong_type(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(value="113.1")]))
    load_error(seeds, AnnotationError, "x.toml", "facts[1] id='rev'.value",
               "expected an integer or a number", "'113.1'")


def test_bool_is_not_a_number(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(value=True)]))
    load_error(seeds, AnnotationError, "x.toml", ".value", "expected an integer or a number")


def test_missing_required_field(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(period=None)]))
    load_error(seeds, AnnotationError, "x.toml", "facts[1] id='rev'",
               "missing required field 'period'")


def test_bad_choice_and_date(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation({"stance": "glowing"}))
    load_error(seeds, AnnotationError, "x.toml", "metadata.stance", "'glowing'", "expected one of")
    write(seeds, "x.toml", annotation({"date": "19 Nov 2025"}))
    load_error(seeds, AnnotationError, "x.toml", "metadata.date", "expected YYYY")


def test_duplicate_entry_id(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(facts=[fact(), fact()]))
    load_error(seeds, AnnotationError, "x.toml", "facts[2] id='rev'", "duplicate id 'rev'")


def test_annotation_not_toml(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", "[metadata\ntitle = 'x'\n")
    load_error(seeds, AnnotationError, "x.toml", "not valid TOML")
    write(seeds, "x.toml", "title = '小米'\n".encode("gbk"))
    load_error(seeds, AnnotationError, "x.toml", "not UTF-8")


def test_overlapping_corrections(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.toml", annotation(corrections=[
        {"kind": "typo", "quote": "Revenue rose", "replacement": "Sales rose"},
        {"kind": "typo", "quote": "rose to", "replacement": "climbed to"}]))
    load_error(seeds, AnnotationError, "x.toml", "corrections", "overlap")


# -- the seeds folder ------------------------------------------------------------------------

def test_two_seeds_with_the_same_id(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "x.TXT", EN_TEXT)
    assert {p.name for p in seeds.iterdir()} == {"x.txt", "x.TXT"}  # a case-sensitive file system
    load_error(seeds, SeedError, "x.TXT", "x.txt", "same id 'x'")


def test_seeds_folder_does_not_exist(tmp_path: Path) -> None:
    load_error(tmp_path / "nowhere", SeedError, "nowhere", "does not exist",
               "expected a folder of .txt files", watch=tmp_path)
    assert not (tmp_path / "nowhere").exists()


def test_seeds_folder_is_a_file(tmp_path: Path) -> None:
    write(tmp_path, "file.txt", EN_TEXT)
    load_error(tmp_path / "file.txt", SeedError, "file.txt", "not a folder", watch=tmp_path)


def test_seeds_folder_without_seeds(seeds: Path) -> None:
    write(seeds, "notes.md", "nothing here")
    load_error(seeds, SeedError, "seeds", "no seeds", "expected at least one .txt file")


def test_annotation_without_seed(seeds: Path) -> None:
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "y.toml", annotation())
    load_error(seeds, AnnotationError, "y.toml", "no seed y.txt", "expected the annotation")


def test_annotation_differing_in_case_is_not_silently_ignored(seeds: Path) -> None:
    """x.txt with X.toml: the loader looks for x.toml, so X.toml must be reported."""
    write(seeds, "x.txt", EN_TEXT)
    write(seeds, "X.toml", annotation({"title": "Annotated"}))
    load_error(seeds, AnnotationError, "X.toml", "no seed X.txt")


def test_seed_with_upper_case_suffix_gets_its_annotation(seeds: Path) -> None:
    write(seeds, "x.TXT", EN_TEXT)
    write(seeds, "x.toml", annotation({"title": "Annotated"}))
    assert load_unchanged(seeds)["x"].metadata.title == "Annotated"


# -- seeds without annotation; languages -----------------------------------------------------

LANG_TEXTS = {
    "nl": "Het bedrijf lanceerde in 2011 voor het eerst een smartphone en verkocht er een jaar "
          "later al ruim zeven miljoen van in China.\n",
    "de": "Lei Jun ist nicht mehr so sanftmütig, und es bleiben noch zwei harte Kämpfe zu "
          "bestehen. Xiaomi muss sich wandeln.\n",
    "en": "Recently, Lei Jun, the founder, chairman and CEO of Xiaomi, has left behind his "
          "usually mild image and shown his anger.\n",
    "zh": ZH_TEXT,
    "ja": JA_TEXT,
}


def test_seed_without_annotation(seeds: Path) -> None:
    for lang, text in LANG_TEXTS.items():
        write(seeds, f"{lang}.txt", text)
    corpus = load_unchanged(seeds)
    assert corpus.ids == ("de", "en", "ja", "nl", "zh")
    for lang in LANG_TEXTS:
        seed = corpus[lang]
        assert seed.language == lang, (lang, seed.language)
        assert seed.languages[0] == lang
        assert seed.annotation.path is None
        m = seed.metadata
        assert (m.title, m.outlet, m.author, m.stance) == ("unknown",) * 4
        assert m.date == ""
        assert seed.facts == () and seed.claims == ()
    table = corpus.seeds_table()
    assert list(table["annotated"]) == [False] * 5
    assert set(table["date"]) == {"undated"}
    assert list(table["language"]) == ["de", "en", "ja", "nl", "zh"]
    # numbers and entities are still found automatically
    assert any(n.text == "450亿美金" for n in corpus["zh"].numbers)
    assert "Lei Jun" in {e.entity for e in corpus["de"].entities}


def test_mixed_language_seed(seeds: Path) -> None:
    text = ("Lei Jun ist nicht mehr so sanftmütig, und es bleiben noch zwei harte Kämpfe zu "
            "bestehen.\n\n"
            "Xiaomi's automotive business is making profits, and its household appliances are "
            "opening up new overseas markets.\n\n"
            "Recently, Lei Jun, the founder, chairman, and CEO of Xiaomi, has left behind his "
            "usually mild image and unusually shown his anger.\n\n"
            "On November 16, Lei Jun published several consecutive microblogs to answer the doubts "
            "about the safety of Xiaomi cars.\n")
    write(seeds, "mixed.txt", text)
    seed = load_unchanged(seeds)["mixed"]
    assert "de" in seed.languages and "en" in seed.languages
    # English has by far the most letters: it is the primary language
    assert seed.language == "en"
    assert seed.languages[0] == "en"
    langs = [p.language for p in seed.paragraphs]
    assert langs == ["de", "en", "en", "en"]


def test_declared_languages_win(seeds: Path) -> None:
    write(seeds, "x.txt", LANG_TEXTS["en"])
    write(seeds, "x.toml", annotation({"language": "en", "languages": ["en", "zh"]}))
    seed = load_unchanged(seeds)["x"]
    assert seed.languages == ("en", "zh")


# -- property tests --------------------------------------------------------------------------

_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from(["\ufeff", "\r\n", "\n", "\r", "\x00", "小米", "Xiaomi ", "2000億元",
                              "lan-\nceerde ", " ", "\u00a0", "8%", "TITLE\n", "é"]),
             max_size=40).map(lambda xs: "".join(xs).encode("utf-8")),
    st.text(alphabet="小米株価円億下落", max_size=50).map(lambda s: s.encode("shift_jis")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BYTES)
@example(b"\xff\xfe\x00")
@example("\ufeff".encode("utf-8"))
def test_random_seed_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "s.txt").write_bytes(data)
        try:
            corpus = load_corpus(folder)
        except CasestudyError:
            assert (folder / "s.txt").read_bytes() == data
            return
        seed = corpus["s"]
        assert seed.raw.encode("utf-8") == data
        for n in seed.numbers:
            s, e = seed.raw_span(n.start, n.end)
            assert 0 <= s <= e <= len(seed.raw)
        corpus.annotations()
        corpus.coverage()


_SCALARS = st.one_of(st.text(max_size=12), st.integers(-5, 10**6), st.floats(allow_nan=True),
                     st.booleans(), st.lists(st.text(max_size=3), max_size=3))
_FIELDS = {
    "metadata": ["title", "date", "date_precision", "date_evidence", "language", "languages",
                 "stance", "encoding", "topics", "colour"],
    "facts": ["id", "metric", "value", "unit", "period", "entity", "quote", "reading", "approx",
              "occurrence", "start"],
    "corrections": ["kind", "quote", "pattern", "replacement", "occurrence", "start"],
    "ignore": ["quote", "reason", "occurrence", "start"],
}
_QUOTES = st.sampled_from(["Revenue", "113.1 billion yuan", "22.3%", "quarter", "\n", "Xiaomi", "",
                           "nowhere", "r", "(", "[a-z]+", "Revenue rose to 113.1 billion yuan"])


@st.composite
def _annotations(draw: st.DrawFn) -> str:
    meta = {k: draw(_SCALARS) for k in draw(st.lists(st.sampled_from(_FIELDS["metadata"]),
                                                      max_size=3, unique=True))}
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in ("facts", "corrections", "ignore"):
        entries = []
        for _ in range(draw(st.integers(0, 2))):
            names = draw(st.lists(st.sampled_from(_FIELDS[section]), max_size=8, unique=True))
            entry = {}
            for name in names:
                entry[name] = draw(_QUOTES if name in ("quote", "pattern", "reading")
                                   else _SCALARS)
            entries.append(entry)
        sections[section] = entries
    return annotation(meta, **sections)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_annotations())
@example(annotation({"encoding": "rot13"}))
@example(annotation(corrections=[{"kind": "typo", "pattern": "(", "replacement": ""}]))
@example(annotation(facts=[fact(value=float("inf"))]))
def test_random_annotations(toml_text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "x.txt").write_bytes(EN_TEXT.encode("utf-8"))
        (folder / "x.toml").write_bytes(toml_text.encode("utf-8"))
        try:
            load_corpus(folder)
        except CasestudyError:
            pass
