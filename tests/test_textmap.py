"""Tests of casestudy.textmap: the cleaned reading text and its offset map to the original."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casestudy.textmap import CleanText, Edit, automatic_edits


def clean(raw: str) -> CleanText:
    return CleanText(raw, automatic_edits(raw))


def kinds(raw: str) -> set[str]:
    return {e.kind for e in automatic_edits(raw)}


def assert_map_consistent(ct: CleanText) -> None:
    """Every character of the reading text comes from a span of the original that
    either holds exactly that character (unedited) or is the span of an edit."""
    edits = {(e.start, e.end): e for e in ct.edits}
    for i, ch in enumerate(ct.text):
        s, e = ct.raw_span(i, i + 1)
        assert 0 <= s <= e <= len(ct.raw)
        if (s, e) in edits and ch in edits[(s, e)].replacement:
            continue
        assert ct.raw[s:e] == ch, (i, ch, s, e)


# -- CleanText: offset mapping ---------------------------------------------------

def test_no_edits_is_identity() -> None:
    raw = "小米 Xiaomi 2025\nline two"
    ct = CleanText(raw, [])
    assert ct.text == raw
    for i in range(len(raw)):
        assert ct.raw_span(i, i + 1) == (i, i + 1)
    assert ct.raw_span(0, len(raw)) == (0, len(raw))
    assert ct.text_span(3, 9) == (3, 9)


def test_each_char_comes_from_its_raw_span() -> None:
    raw = "abcXYZdef"
    ct = CleanText(raw, [Edit(3, 6, "-")])
    assert ct.text == "abc-def"
    for i, ch in enumerate(ct.text):
        s, e = ct.raw_span(i, i + 1)
        if ch == "-":
            assert (s, e) == (3, 6)
        else:
            assert ct.raw[s:e] == ch
    assert_map_consistent(ct)


def test_replacement_maps_every_replaced_char_to_the_whole_span() -> None:
    raw = "0123456789"
    ct = CleanText(raw, [Edit(2, 5, "ABCD", kind="typo")])
    assert ct.text == "01ABCD56789"
    for i in range(2, 6):
        assert ct.raw_span(i, i + 1) == (2, 5)
    assert ct.raw_span(2, 6) == (2, 5)
    # a span running from before into the replacement covers the whole replaced span
    assert ct.raw_span(1, 3) == (1, 5)
    assert ct.raw_span(5, 7) == (2, 6)
    # characters after the edit are shifted back by the length change
    assert ct.raw_span(6, 7) == (5, 6)
    assert ct.raw[slice(*ct.raw_span(6, 11))] == "56789"


def test_deletion_and_insertion() -> None:
    raw = "abc---def"
    ct = CleanText(raw, [Edit(3, 6, ""), Edit(9, 9, "!")])
    assert ct.text == "abcdef!"
    assert ct.raw_span(2, 4) == (2, 7)  # "cd" spans the deleted "---"
    assert ct.raw_span(3, 4) == (6, 7)
    assert ct.raw_span(6, 7) == (9, 9)  # the inserted "!" comes from an empty span at the end
    assert ct.edits == (Edit(3, 6, ""), Edit(9, 9, "!"))


def test_edits_are_applied_in_order_whatever_the_input_order() -> None:
    raw = "one two three"
    ct = CleanText(raw, [Edit(8, 13, "3"), Edit(0, 3, "1")])
    assert ct.text == "1 two 3"
    assert [e.start for e in ct.edits] == [0, 8]


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        CleanText("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_round_trips() -> None:
    raw = "\ufeffHet bedrijf lan-\r\nceerde in 2011 een telefoon.\r\n\r\n\r\n\r\nTweede alinea."
    ct = clean(raw)
    assert ct.text == "Het bedrijf lanceerde in 2011 een telefoon.\n\nTweede alinea."
    # text -> raw -> text gives the same span for every word
    for word in ("Het", "bedrijf", "lanceerde", "2011", "telefoon", "Tweede", "alinea"):
        i = ct.text.index(word)
        rs, re_ = ct.raw_span(i, i + len(word))
        assert ct.text_span(rs, re_) == (i, i + len(word))
    # raw -> text -> raw for unedited spans
    i = raw.index("2011")
    ts, te = ct.text_span(i, i + 4)
    assert ct.text[ts:te] == "2011"
    assert ct.raw_span(ts, te) == (i, i + 4)
    # the joined word maps back to the hyphenated original
    i = ct.text.index("lanceerde")
    rs, re_ = ct.raw_span(i, i + len("lanceerde"))
    assert raw[rs:re_] == "lan-\r\nceerde"
    assert_map_consistent(ct)


def test_raw_span_bounds() -> None:
    ct = CleanText("abc", [])
    assert ct.raw_span(3, 3) == (3, 3)
    assert ct.raw_span(1, 1) == (1, 1)
    with pytest.raises(IndexError):
        ct.raw_span(2, 4)
    with pytest.raises(IndexError):
        ct.raw_span(2, 1)
    with pytest.raises(IndexError):
        ct.raw_span(-1, 1)


# -- automatic_edits ---------------------------------------------------------------

def test_crlf_becomes_lf() -> None:
    raw = "第一行。\r\n第二行。\r\n"
    ct = clean(raw)
    assert ct.text == "第一行。\n第二行。\n"
    assert "\r" not in ct.text
    assert "line-end" in kinds(raw)
    i = ct.text.index("\n")
    assert raw[slice(*ct.raw_span(i, i + 1))] == "\r\n"
    assert_map_consistent(ct)


def test_lone_cr_becomes_lf() -> None:
    ct = clean("一行。\r二行。")
    assert ct.text == "一行。\n二行。"


def test_bom_is_removed() -> None:
    raw = "\ufeff小米の話です。"
    ct = clean(raw)
    assert ct.text == "小米の話です。"
    assert [e.kind for e in ct.edits] == ["bom"]
    assert ct.raw_span(0, 1) == (1, 2)
    # a BOM that is not at the start is left alone (it is not a byte order mark there)
    assert clean("小米\ufeffです").text == "小米\ufeffです"


def test_nbsp_indentation_is_removed() -> None:
    raw = "\u00a0\u00a0第一段です。\n\u00a0\u3000第二段です。\n    第三段です。"
    ct = clean(raw)
    assert ct.text == "第一段です。\n第二段です。\n第三段です。"
    assert "whitespace" in kinds(raw)
    i = ct.text.index("第二段")
    assert raw[slice(*ct.raw_span(i, i + 3))] == "第二段"
    assert_map_consistent(ct)


def test_trailing_whitespace_is_removed() -> None:
    assert clean("小米です。\u00a0 \n次の行。").text == "小米です。\n次の行。"


def test_latin_hyphenation_is_joined() -> None:
    raw = "Het bedrijf, waarvan de naam zich laat vertalen, lan-\nceerde in 2011 een smartphone."
    ct = clean(raw)
    assert "lanceerde" in ct.text
    assert "lan-" not in ct.text
    assert "hyphenation" in kinds(raw)
    i = ct.text.index("lanceerde")
    assert raw[slice(*ct.raw_span(i, i + 9))] == "lan-\nceerde"
    assert_map_consistent(ct)


def test_latin_lines_of_a_paragraph_are_joined() -> None:
    raw = "Dat zijn indrukwekkende cijfers\nvoor een bedrijf dat er geen\ngeheim van maakt."
    assert clean(raw).text == ("Dat zijn indrukwekkende cijfers voor een bedrijf "
                               "dat er geen geheim van maakt.")


def test_hyphen_before_a_capital_is_kept() -> None:
    # "Steve Jobs-\nachtige" would be fine, but "Xiaomi-\nMobieltjes" keeps its hyphen
    ct = clean("de koopt de typische Xiaomi-\nMobieltjes massaal online")
    assert "Xiaomi-" in ct.text


def test_no_hyphenation_join_after_an_all_caps_heading() -> None:
    raw = "BEDRIJVEN DAT BEGON-\nnen is door bestaande succesvolle modellen"
    ct = clean(raw)
    assert "BEGON-\nnen" in ct.text
    assert "hyphenation" not in kinds(raw)
    # and a heading is not run into the paragraph below it
    raw2 = "INDRUKWEKKENDE CIJFERS\nDat zijn indrukwekkende cijfers voor een ge-\nheim bedrijf"
    ct2 = clean(raw2)
    assert ct2.text.startswith("INDRUKWEKKENDE CIJFERS\nDat zijn")
    assert "geheim" in ct2.text


def test_cjk_lines_are_not_joined() -> None:
    raw = "小米は人気EVを製造-\nしています。"
    assert clean(raw).text == raw


def test_blank_line_compaction() -> None:
    raw = "First paragraph here.\n\n\n\n\nSecond paragraph here."
    ct = clean(raw)
    assert ct.text == "First paragraph here.\n\nSecond paragraph here."
    assert "blank-lines" in kinds(raw)
    raw_cjk = "第一段\n \n\u3000\n\n第二段"
    assert clean(raw_cjk).text == "第一段\n\n第二段"
    # one blank line is kept as it is
    assert clean("第一段\n\n第二段").text == "第一段\n\n第二段"
    raw_crlf = "第一段\r\n\r\n\r\n\r\n第二段"
    assert clean(raw_crlf).text == "第一段\n\n第二段"


def test_protected_spans_are_not_edited() -> None:
    raw = "\ufeffHet bedrijf lan-\nceerde het"
    i = raw.index("lan-")
    edits = automatic_edits(raw, protected=[(i, i + len("lan-\nceerde"))])
    assert all(e.end <= i or e.start >= i + len("lan-\nceerde") for e in edits)
    assert "hyphenation" not in {e.kind for e in edits}
    assert "bom" in {e.kind for e in edits}


# -- property test -------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("abcXYZ 19-.,:%\t") + ["\r", "\n", "\r\n", "\ufeff", "\u00a0", "\u3000", "小", "米",
                                "億", "円", "の", "ア", "ë", "ÀB", "lan-\nceerde", "-\n",
                                "CAPS-\nlow", "\n\n\n"])
_RAW = st.one_of(st.text(max_size=80), st.lists(_ALPHABET, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RAW)
def test_clean_text_never_crashes_and_maps_in_order(raw: str) -> None:
    ct = CleanText(raw, automatic_edits(raw))
    n = len(ct.text)
    previous_start = 0
    for i in range(n):
        s, e = ct.raw_span(i, i + 1)
        assert 0 <= s <= e <= len(raw)
        assert s >= previous_start
        previous_start = s
    s, e = ct.raw_span(0, n)
    assert 0 <= s <= e <= len(raw)
    assert "\r" not in ct.text
    if raw.startswith("\ufeff") and ct.text:  # the byte order mark is not read
        assert ct.raw_span(0, 1)[0] >= 1
    assert_map_consistent(ct)


def test_curated_replacement_maps_unchanged_head_and_tail_exactly():
    """A curated correction inserting a line break keeps the words around it exact."""
    raw = "abc扩大社群。第二组xyz"
    ct = CleanText(raw, [Edit(3, 11, "扩大社群。\n\n第二组", "whitespace", curated=True)])
    i = ct.text.index("社群")
    assert raw[slice(*ct.raw_span(i, i + 2))] == "社群"
    j = ct.text.index("第二组")
    assert raw[slice(*ct.raw_span(j, j + 3))] == "第二组"
    # the same edit as an automatic rule maps as a whole
    auto = CleanText(raw, [Edit(3, 11, "扩大社群。\n\n第二组")])
    assert auto.raw_span(i, i + 2) == (3, 11)
