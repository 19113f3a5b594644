"""Language of a document and of each line, so a mixed document is seen as mixed.

CJK is told apart by script (kana: Japanese; a kana-free line follows the
document).  Latin-script lines go to ``lingua-language-detector`` (accurate on
short text, models in the wheel), limited to :data:`LATIN_LANGUAGES` and loaded
lazily (py3langid's model took 1.6 s to decompress at every start).  Lines too
short to judge take the document's language.  Each line is classified once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Paragraph", "detect_languages", "LATIN_LANGUAGES"]

LATIN_LANGUAGES = ("en", "de", "nl", "fr", "es")  # 0.25 s for the corpus; adding it, pt took 0.75 s
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_HANGUL = re.compile(r"[\uac00-\ud7af]+")
MIN_LATIN_LETTERS = 25
#: Characters of a line lingua reads: its time grows faster than the length (a 100,000-letter
#: line took 25 s); the longest bundled line has 612.
MAX_DETECT_CHARS = 2_000
_HAN_ONLY = "han"  # a kana-free CJK line: Japanese in a Japanese document, else Chinese


@dataclass(frozen=True)
class Paragraph:
    """A line of the reading text with its detected language (offsets into ``text``)."""

    start: int
    end: int
    language: str


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                 for code in LATIN_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _classify_latin(text: str) -> str | None:
    found = _detector().detect_language_of(text[:MAX_DETECT_CHARS])
    return None if found is None else found.iso_code_639_1.name.lower()


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` are in ``pattern``'s class (matched as runs: a 1 MB
    line is a few matches, not a list of a million one-letter strings)."""
    return sum(map(len, pattern.findall(text)))


def _scripts(text: str) -> tuple[int, int, int, int]:
    """Letters per script: kana, han, latin, hangul."""
    return (_count(_KANA, text), _count(_HAN, text), _count(_LATIN, text),
            _count(_HANGUL, text))


def _line_language(line: str) -> tuple[str | None, int]:
    """The language of one line (``None``: too short to tell) and its Latin letter count."""
    kana, han, latin, hangul = _scripts(line)
    if hangul > kana + han and hangul > latin:
        return "ko", 0
    if kana + han and kana + han >= latin / 3:
        return ("ja" if kana else _HAN_ONLY), 0
    if latin >= MIN_LATIN_LETTERS:
        return _classify_latin(line), latin
    return None, 0


def _document_language(text: str, latin_votes: dict[str, int]) -> str:
    """The language with the most letters: CJK by script, Latin by the lines' detections."""
    kana, han, latin, hangul = _scripts(text)
    if hangul > kana + han and hangul > latin:
        return "ko"
    if kana + han == 0 and latin == 0:
        return "und"
    if kana + han and kana + han >= latin / 3:
        return "ja" if kana >= 0.05 * (kana + han) else "zh"
    if latin_votes:
        return min(latin_votes, key=lambda k: (-latin_votes[k], k))
    return _classify_latin(text) or "und"


def detect_languages(text: str, declared: str = "") -> tuple[str, list[Paragraph]]:
    """The document's language (``declared`` if given) and each non-empty line with its language."""
    lines: list[tuple[int, int, str | None]] = []
    votes: dict[str, int] = {}
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            lang, letters = _line_language(line)
            lines.append((pos, end, lang))
            if letters and lang:
                votes[lang] = votes.get(lang, 0) + letters
        pos = end + 1
    language = declared or _document_language(text, votes)
    han = "ja" if language == "ja" else "zh"
    return language, [Paragraph(s, e, han if lang == _HAN_ONLY else lang or language)
                      for s, e, lang in lines]
