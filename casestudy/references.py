"""Reference figures from public documents: the layer beside the seeds.

Exhibits that need more than the seeds give (revenue by year, the segment mix, the
car's ramp, the EU's duties) cite *reference figures*: one entry each in
``references/*.toml``, tied to a document (title, publisher, date, address) and the
place in it (format: ``docs/references.md``).  :func:`load_references` validates every
file like the annotation loader does, raising :class:`ReferenceDataError` that names
the file, the entry, the field, the value and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .annotations import check_fields
from .errors import ReferenceDataError
from .paths import references_dir

__all__ = ["load_references", "reference_citation", "references_dir", "COLUMNS"]

#: Columns of :func:`load_references`, in order.
COLUMNS = ["ref_id", "metric", "value", "unit", "period", "entity", "location", "note",
           "doc_id", "document", "publisher", "published", "url", "kind", "file",
           "checked", "copy_url"]

# (section, field) -> (pattern the value must match, what is expected); "id" in both sections
_FORMATS: dict[tuple[str, str], tuple[re.Pattern[str], str]] = {
    ("*", "id"): (re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                  "lower-case letters, digits and single hyphens ([a-z0-9-])"),
    ("documents", "published"): (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "an ISO date YYYY-MM-DD"),
    ("documents", "url"): (_URL := re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$"),
                           "a web address http://... or https://..."),
    ("documents", "copy_url"): (_URL, "a web address http://... or https://..."),
    ("figures", "metric"): (re.compile(r"^[a-z][a-z0-9_]*$"), "a snake_case name like 'revenue'"),
    # periods as the seed facts write them, plus "YYYY-9M" (first nine months)
    ("figures", "period"): (re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12]|-9M)?$"),
                            "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn or YYYY-9M"),
}
_STR, _NUM = (str,), (int, float)
# field -> (accepted types, required)
_SPECS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "documents": {"id": (_STR, True), "title": (_STR, True), "publisher": (_STR, True),
                  "published": (_STR, True), "url": (_STR, True), "kind": (_STR, True),
                  "checked": (_STR, True), "copy_url": (_STR, False)},
    "figures": {"id": (_STR, True), "document": (_STR, True), "metric": (_STR, True),
                "value": (_NUM, True), "unit": (_STR, True), "period": (_STR, True),
                "entity": (_STR, True), "location": (_STR, True), "note": (_STR, False)},
}
_TOP = ("schema", "documents", "figures")


def _entry(path: Path, section: str, index: int, table: Any) -> dict[str, Any]:
    """One [[documents]] or [[figures]] entry, checked: fields and types (the annotation
    loader's check), no empty strings but ``note``, formats, calendar dates."""
    ident = table.get("id") if isinstance(table, dict) else None
    where = f"{section}[{index}] {ident!r}" if isinstance(ident, str) else f"{section}[{index}]"
    entry = check_fields(path, where, table, _SPECS[section], ReferenceDataError)
    for name, value in entry.items():
        if isinstance(value, str) and name != "note" and not value.strip():
            raise ReferenceDataError(path, f"{where}.{name}", "expected a non-empty string, got ''")
        pattern, expected = (_FORMATS.get((section, name)) or _FORMATS.get(("*", name))
                             or (None, ""))
        if pattern is not None and not pattern.match(value):
            raise ReferenceDataError(path, f"{where}.{name}",
                                     f"{value!r} is not valid; expected {expected}")
    if section == "documents":
        try:
            date.fromisoformat(entry["published"])
        except ValueError:
            raise ReferenceDataError(path, f"{where}.published", f"{entry['published']!r} is not "
                                     "a calendar date; expected YYYY-MM-DD") from None
    else:
        entry["value"] = float(entry["value"])
    return {**entry, "_where": where, "file": path.name}


def _read_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Validate one file; its documents and figures."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
                                 ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(path, "", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ReferenceDataError(path, "", f"cannot be read: {exc.strerror}") from None
    for key in data:
        if key not in _TOP:
            raise ReferenceDataError(path, "", f"unknown top-level field {key!r}; expected one "
                                     f"of {', '.join(_TOP)}")
    if data.get("schema") != 1 or isinstance(data.get("schema"), bool):
        raise ReferenceDataError(path, "schema", f"unsupported schema {data.get('schema')!r}; "
                                 "expected schema = 1")
    out = {}
    for section in ("documents", "figures"):
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise ReferenceDataError(path, section, f"expected an array of tables ([[{section}]]), "
                                     f"got {entries!r}")
        out[section] = [_entry(path, section, i, t) for i, t in enumerate(entries)]
    return out


def load_references(folder: str | Path | None = None) -> pd.DataFrame:
    """Every reference figure under ``folder`` (default: the bundled ``references/``).

    One row per figure with the columns :data:`COLUMNS` (the figure, then its
    document), sorted by metric, entity, period and id so the order never
    depends on the file system.  Raises :class:`ReferenceDataError` on any
    problem, naming the file, the entry and the field.
    """
    root = Path(folder) if folder is not None else references_dir()
    if not root.is_dir():
        raise ReferenceDataError(root, "", "not a folder of reference files; expected a folder "
                                 "holding references/*.toml")
    paths = sorted(root.glob("*.toml"))
    if not paths:
        raise ReferenceDataError(root, "", "no *.toml reference files in this folder")
    docs: dict[str, dict[str, Any]] = {}
    figs: list[dict[str, Any]] = []
    fig_files: dict[str, str] = {}
    for path in paths:
        entries = _read_file(path)
        for doc in entries["documents"]:
            if doc["id"] in docs:
                raise ReferenceDataError(path, f"{doc['_where']}.id",
                                         f"duplicate document id {doc['id']!r}; "
                                         f"already used in {docs[doc['id']]['file']}")
            docs[doc["id"]] = doc
        for fig in entries["figures"]:
            if fig["id"] in fig_files:
                raise ReferenceDataError(path, f"{fig['_where']}.id", f"duplicate figure id "
                                         f"{fig['id']!r}; already used in {fig_files[fig['id']]}")
            fig_files[fig["id"]] = path.name
            fig["_path"] = path
            figs.append(fig)
    rows = []
    for fig in figs:
        if fig["document"] not in docs:
            raise ReferenceDataError(fig["_path"], f"{fig['_where']}.document",
                                     f"unknown document {fig['document']!r}; expected the id "
                                     "of a [[documents]] entry in any references/*.toml file")
        doc = docs[fig["document"]]
        rows.append({
            "ref_id": fig["id"], "metric": fig["metric"], "value": fig["value"],
            "unit": fig["unit"], "period": fig["period"], "entity": fig["entity"],
            "location": fig["location"], "note": fig.get("note", ""),
            "doc_id": doc["id"], "document": doc["title"], "publisher": doc["publisher"],
            "published": doc["published"], "url": doc["url"], "kind": doc["kind"],
            "file": fig["file"], "checked": doc["checked"], "copy_url": doc.get("copy_url", ""),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    table = table.sort_values(["metric", "entity", "period", "ref_id"], kind="mergesort")
    return table.reset_index(drop=True)


def reference_citation(row_or_doc: Mapping[str, Any] | pd.Series) -> str:
    """The exhibits' "Source:" text for a reference: publisher, document title, date.

    Accepts a row of :func:`load_references` (keys ``publisher``, ``document``,
    ``published``) or a document table as in the TOML file (``publisher``,
    ``title``, ``published``).
    """
    title = row_or_doc["title"] if "title" in row_or_doc else row_or_doc["document"]
    return f"{row_or_doc['publisher']}, {title}, {row_or_doc['published']}"
