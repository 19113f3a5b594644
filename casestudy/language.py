"""Language of each paragraph, so a mixed document is seen as mixed.

Chinese and Japanese are told apart by script (kana is Japanese; Han characters
alone follow the document: a kana-free line in a Japanese text is Japanese).
Latin-script paragraphs go to ``py3langid`` (a maintained fork of langid.py whose
model ships inside the wheel, so nothing is downloaded), restricted to the
European languages a seed of this case could plausibly be in.  Short lines
(captions, headings) are too short to judge and take the document's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Paragraph", "detect_language", "split_paragraphs", "LATIN_LANGUAGES"]

LATIN_LANGUAGES = ("en", "de", "nl", "fr", "es", "it", "pt")
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
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LATIN_LANGUAGES))
    return ident


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
        lang, _ = _identifier().classify(text)
        return str(lang)
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
    lang, _ = _identifier().classify(text)
    return str(lang)
