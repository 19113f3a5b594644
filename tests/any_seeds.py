"""Seeds folders the README invites a user to bring (issue 21, point 4), built in a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from casestudy import paths

ARTICLE_EN = ("Xiaomi opened a new flagship store in Lisbon on 3 March 2025.\n\n"
              "The company said the shop will sell phones, scooters and home appliances, and that "
              "it expects 200,000 visitors in its first year. Local retailers were cautious.\n")
ARTICLE_KO = ("샤오미는 2025년 3월 서울에 새 매장을 열었다.\n\n"
              "회사는 첫해에 방문객 20만 명을 기대한다고 밝혔다.\n")
SMALL_TEXT = "Xiaomi said its revenue was {n} billion yuan in 2025, in report number {n}.\n"
SMALL_TOML = """schema = 1
[metadata]
title = "Report {n}"
title_en = "Report {n}"
outlet = "Generated outlet {n}"
date = "2025-11-{day:02d}"
date_precision = "exact"
genre = "news"
language = "en"
stance = "neutral"
summary = "A generated one-sentence article."
[[claims]]
id = "c{n}"
gloss = "Revenue was reported."
quote = "revenue was {n} billion yuan"
[[facts]]
id = "f{n}-revenue"
metric = "revenue"
value = {n}000000000.0
unit = "CNY"
period = "2025"
entity = "Xiaomi Group"
quote = "revenue was {n} billion yuan"
"""


def bundled_plus_unannotated(folder: Path) -> Path:
    """The bundled seeds and one article of the user's own, without an annotation."""
    shutil.copytree(paths.seeds_dir(), folder, ignore=shutil.ignore_patterns("SHA256SUMS", "*.md"))
    (folder / "900_mine.txt").write_text(ARTICLE_EN, encoding="utf-8")
    return folder


def only_unannotated(folder: Path) -> Path:
    """Two articles of the user's own, neither annotated."""
    folder.mkdir(parents=True)
    (folder / "mine.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (folder / "korean.txt").write_text(ARTICLE_KO, encoding="utf-8")
    return folder


def many_annotated(folder: Path, n: int = 500) -> Path:
    """``n`` small annotated articles, each with a claim and a fact."""
    folder.mkdir(parents=True)
    for i in range(1, n + 1):
        (folder / f"{i:04d}_gen.txt").write_text(SMALL_TEXT.format(n=i), encoding="utf-8")
        (folder / f"{i:04d}_gen.toml").write_text(SMALL_TOML.format(n=i, day=1 + i % 28),
                                                  encoding="utf-8")
    return folder
