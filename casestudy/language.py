"""Language of each paragraph, so a mixed document is seen as mixed.

Chinese and Japanese are told apart by script (kana is Japanese; Han characters
alone follow the document: a kana-free line in a Japanese text is Japanese).
Latin-script paragraphs go to ``lingua-language-detector`` (maintained, accurate
on short text, models inside the wheel so nothing is downloaded), restricted to
the European languages a seed of this case could plausibly be in.  It loads only
those languages' models, lazily: about 0.2 s for the whole corpus.  (py3langid
was tried first: its single 97-language model takes 1.6 s to decompress at
every start, more than the whole corpus may take to load.)  Short lines
(captions, headings) are too short to judge and take the document's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Paragraph", "detect_language", "split_paragraphs", "LATIN_LANGUAGES"]

LATIN_LANGUAGES = ("en", "de", "nl", "fr", "es")  # 0.25 s for the corpus; adding it, pt took 0.75 s
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
MIN_LATIN_LETTERS = 25


@dataclass(frozen=True)
class Paragraph:
    """A line of the reading text with its detected language (offsets into ``text``)."""

    start: int
    end: int
    language: str


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                 for code in LATIN_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _classify_latin(text: str) -> str | None:
    found = _detector().detect_language_of(text)
    return None if found is None else found.iso_code_639_1.name.lower()


def script_counts(text: str) -> dict[str, int]:
    """Letters per script: kana, han, latin, hangul."""
    return {"kana": len(_KANA.findall(text)), "han": len(_HAN.findall(text)),
            "latin": len(_LATIN.findall(text)), "hangul": len(_HANGUL.findall(text))}


def detect_language(text: str, default: str = "und") -> str:
    """The ISO 639-1 code of ``text``, or ``default`` when the text is too short to tell.

    A kana-free CJK line is Japanese when ``default`` (the document's language) is.
    """
    c = script_counts(text)
    cjk = c["kana"] + c["han"]
    if c["hangul"] > cjk and c["hangul"] > c["latin"]:
        return "ko"
    if cjk and cjk >= c["latin"] / 3:
        return "ja" if c["kana"] or default == "ja" else "zh"
    if c["latin"] >= MIN_LATIN_LETTERS:
        return _classify_latin(text) or default
    return default


def split_paragraphs(text: str, default: str = "und") -> list[Paragraph]:
    """Each non-empty line of ``text`` with its language.

    ``default`` is used for lines too short to judge; pass the document's language.
    """
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append(Paragraph(pos, end, detect_language(line, default)))
        pos = end + 1
    return out


def document_language(text: str) -> str:
    """The language with the most letters in ``text`` (``und`` if none)."""
    c = script_counts(text)
    if c["kana"] + c["han"] == 0 and c["latin"] == 0:
        return "und"
    if c["kana"] + c["han"] >= c["latin"] / 3 and c["kana"] + c["han"] > 0:
        return "ja" if c["kana"] >= 0.05 * (c["kana"] + c["han"]) else "zh"
    return _classify_latin(text) or "und"
