"""The cleaned reading text as non-overlapping edits (curated corrections and a few
automatic rules) over the never-edited original, with every character's span of it."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Edit", "CleanText", "automatic_edits"]


@dataclass(frozen=True)
class Edit:
    """Replace ``raw[start:end]`` by ``replacement`` in the reading text."""

    start: int
    end: int
    replacement: str
    kind: str = "auto"
    note: str = ""
    curated: bool = False  # from an annotation file (mapped finely), not an automatic rule


class CleanText:
    """The reading text built from ``raw`` by ``edits``, with an offset map."""

    def __init__(self, raw: str, edits: Iterable[Edit]) -> None:
        ordered = sorted(edits, key=lambda e: (e.start, e.end))
        pieces: list[str] = []
        starts: list[int] = []  # for each character of the text: the raw span it came from
        ends: list[int] = []

        def same(a: int, b: int) -> None:  # raw[a:b] is kept character by character
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))

        pos = 0
        for edit in ordered:
            if edit.start < pos:
                raise ValueError(f"overlapping edits at offset {edit.start}")
            pieces += [raw[pos:edit.start], edit.replacement]
            same(pos, edit.start)
            # A curated replacement maps the start and end it shares with the original
            # character by character, the changed middle to the changed span ("社群。第二组"
            # -> "社群。\n\n第二组" keeps 社群 exact); an automatic edit maps as a whole.
            head = tail = 0
            if edit.curated:
                old, new = raw[edit.start:edit.end], edit.replacement
                head = len(os.path.commonprefix([old, new]))
                tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
            mid_start, mid_end = edit.start + head, edit.end - tail
            same(edit.start, mid_start)
            starts.extend([mid_start] * (len(edit.replacement) - head - tail))
            ends.extend([mid_end] * (len(edit.replacement) - head - tail))
            same(mid_end, edit.end)
            pos = edit.end
        pieces.append(raw[pos:])
        same(pos, len(raw))
        self.raw, self.text, self.edits = raw, "".join(pieces), tuple(ordered)
        self._starts, self._ends = starts, ends

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the reading text to the span of the original it came from."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise IndexError(f"span ({start}, {end}) outside the text of length {n}")
        if start == end:
            at = self._starts[start] if start < n else len(self.raw)
            return at, at
        return self._starts[start], self._ends[end - 1]

    def text_span(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """Map a span of the original to the smallest covering span of the reading text."""
        lo = bisect.bisect_left(self._ends, raw_start + 1)
        hi = bisect.bisect_left(self._starts, raw_end)
        return lo, max(lo, hi)


_LATIN = re.compile(r"[A-Za-zÀ-ÿ]+")  # runs: their lengths add up to the letter count
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_LOWER = "a-zà-ÿ"


def _is_latin_line(line: str) -> bool:
    latin = sum(map(len, _LATIN.findall(line)))
    return latin > 0 and latin >= 4 * sum(map(len, _CJK.findall(line)))


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _free(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps none of the sorted, disjoint ``spans``."""
    i = max(bisect.bisect_right(spans, (start, float("inf"))) - 1, 0)
    return not any(s < end and start < e or s == e == start for s, e in spans[i:i + 2])


def automatic_edits(raw: str, protected: Iterable[tuple[int, int]] = ()) -> list[Edit]:
    """The automatic cleaning edits for ``raw`` outside the ``protected`` spans, generic and
    conservative: no leading BOM; at most two line breaks in a row; in Latin-script paragraphs
    a line break becomes a space and ``lower-\\nlower`` loses its hyphen (not beside a heading
    in capitals); LF line ends; no white space (U+00A0, U+3000 too) at the ends of a line;
    single spaces inside Latin text."""
    taken = sorted(protected)
    edits: list[Edit] = []

    def add(start: int, end: int, replacement: str, kind: str) -> None:
        if (start < end or replacement) and _free(taken, start, end):
            bisect.insort(taken, (start, end))
            edits.append(Edit(start, end, replacement, kind))

    if raw.startswith("\ufeff"):
        add(0, 1, "", "bom")
    for m in re.finditer(r"(?:[ \t\u3000\u00a0]*\r?\n){3,}", raw):
        # keep the first line break and one blank line
        first = raw.index("\n", m.start()) + 1
        last = raw.rindex("\n", m.start(), m.end())
        cut = raw.rfind("\n", first, last)
        if cut >= first:
            add(first, cut + 1, "", "blank-lines")
    lines = raw.split("\n")
    # whether a line may join its neighbour: judged once per line, not once as each line of a
    # pair (white space at its ends holds no letter, so it changes neither test)
    joinable = [bool(line.strip()) and _is_latin_line(line) and not _is_heading(line)
                for line in lines]
    offset = 0
    for i, (line, nxt) in enumerate(zip(lines, lines[1:])):
        end = offset + len(line)  # position of this line's "\n"
        if joinable[i] and joinable[i + 1]:
            body = line.rstrip(" \t\r\u00a0\u3000")
            lead = len(nxt) - len(nxt.lstrip(" \t\u00a0\u3000"))
            body_end = offset + len(body)
            if re.search(rf"[{_LOWER}]-$", body) and re.match(rf"[{_LOWER}]", nxt.lstrip()):
                add(body_end - 1, end + 1 + lead, "", "hyphenation")
            else:
                add(body_end, end + 1 + lead, " ", "line-join")
        offset = end + 1
    for pattern, replacement, kind in ((r"\r\n?", "\n", "line-end"),
                                       (r"[ \t\u3000\u00a0]+(?=\r?\n|$)", "", "whitespace"),
                                       (r"(?:(?<=\n)|^)[ \t\u3000\u00a0]+", "", "whitespace")):
        for m in re.finditer(pattern, raw):
            add(m.start(), m.end(), replacement, kind)
    for m in re.finditer(r"(?<=[^\s])[ \t]{2,}(?=[^\s])", raw):
        if _is_latin_line(raw[max(0, m.start() - 20):m.end() + 20]):
            add(m.start(), m.end(), " ", "whitespace")
    return edits
