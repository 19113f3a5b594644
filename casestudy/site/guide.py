"""Exhibit references in prose ("Exhibit 4.6", "Exhibits 4.6 and 4.8", "Exhibits 3.2-3.4"):
found, expanded to exhibit numbers, and linked to the exhibit's anchor on its notebook page, so
that the instructor's guide points at exactly what the run produced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sources import esc

_NUM = r"\d+\.\d+[a-z]?\b"  # 4.6, 4.10a
_JOIN = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*(?:-|–|—|to)\s*)"
#: "Exhibit 4.6", "Exhibits 4.6, 4.7 and 4.9", "Exhibits 4.6-4.8" (also – and "to"), "Exhibit
#: 4.10a"; a bare "Exhibit 4" is matched too, as a reference no exhibit (N.M) can resolve.
REFERENCE = re.compile(rf"\bExhibits?\s+((?:{_NUM}|\d+\b(?!\.\d))(?:{_JOIN}{_NUM})*)")
#: Words that make a reference approximate: "around Exhibit 2.4" names the wrong exhibit politely.
HEDGED = re.compile(r"\b(?:around|near|about|roughly|approximately|somewhere in)\s+Exhibits?\b",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """One reference as written (``text``) and the exhibit numbers it names, ranges expanded."""
    text: str
    numbers: tuple[str, ...]


def _expand(first: str, last: str) -> list[str]:
    """``4.6``-``4.8`` as 4.6, 4.7, 4.8; a range across notebooks or backwards as its two ends."""
    (a, b), (c, d) = first.split("."), last.split(".")
    if a != c or not (b + d).isdigit() or int(d) < int(b):
        return [first, last]
    return [f"{a}.{n}" for n in range(int(b), int(d) + 1)]


def references(text: str) -> list[Reference]:
    """Every exhibit reference in ``text``, in order."""
    out = []
    for m in REFERENCE.finditer(text):
        parts = re.split(rf"({_JOIN})", m[1])
        numbers: list[str] = []
        for i in range(0, len(parts), 2):
            joiner = parts[i - 1].strip() if i else ""
            if joiner in ("-", "–", "—", "to") and numbers:
                numbers[-1:] = _expand(numbers[-1], parts[i])
            else:
                numbers.append(parts[i])
        out.append(Reference(m[0], tuple(dict.fromkeys(numbers))))
    return out


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_SKIP = {"a", "pre", "code", "h1", "h2", "h3", "h4", "script", "style"}  # never linked inside


def link_exhibits(html: str, targets: dict[str, str]) -> tuple[str, list[str]]:
    """``html`` with each exhibit number of every reference in its text linked to
    ``targets[number]`` (an ``href``); and the references naming a number not in ``targets``."""
    unresolved: list[str] = []
    number = re.compile(rf"{_NUM}|\d+\b")

    def one(m: re.Match[str]) -> str:
        ref = references(m[0])[0]
        if missing := [n for n in ref.numbers if n not in targets]:
            unresolved.append(f"{ref.text!r} (no exhibit {', '.join(missing)})")
        if len(ref.numbers) == 1 and not missing:  # "Exhibit 4.6" linked as a whole
            return f'<a class="exref" href="{esc(targets[ref.numbers[0]])}">{m[0]}</a>'
        return number.sub(lambda n: f'<a class="exref" href="{esc(targets[n[0]])}">{n[0]}</a>'
                          if n[0] in targets else n[0], m[0])

    out: list[str] = []
    open_tags: list[str] = []  # the skipped elements we are inside
    for piece in _TAG_OR_TEXT.split(html):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([A-Za-z0-9]+)", piece)
            if name and name[1].lower() in _SKIP:
                if piece.startswith("</"):
                    open_tags = open_tags[:-1] if open_tags else []
                elif not piece.endswith("/>"):
                    open_tags.append(name[1].lower())
            out.append(piece)
        else:
            out.append(piece if open_tags else REFERENCE.sub(one, piece))
    return "".join(out), unresolved
