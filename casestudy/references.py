"""Reference figures from public documents: the layer beside the seeds.

The five seed articles give one quarter of financial picture; the exhibits that
need a longer history (revenue by year, the segment mix, the car's quarterly
ramp, the EU's duties on cars made in China) draw on *reference figures* instead.
Each is one entry in a TOML file under ``references/``, tied to a public
document (title, publisher, date, address) and to the place in it where the
figure stands.  The format is documented in ``docs/references.md``.

``load_references()`` reads every ``*.toml`` file of the folder, checks its
shape (known fields, types, required fields, ISO dates, http(s) addresses,
unique ids across files, figures pointing at a known document) and returns one
row per figure.  Any problem raises :class:`ReferenceDataError` naming the file,
the entry and the field, the value and what was expected.
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
from .paths import PACKAGE_DIR

__all__ = ["load_references", "reference_citation", "references_dir", "COLUMNS"]

#: Columns of :func:`load_references`, in order.
COLUMNS = ["ref_id", "metric", "value", "unit", "period", "entity", "location", "note",
           "doc_id", "document", "publisher", "published", "url", "kind", "file",
           "checked", "copy_url"]

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_METRIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Periods as the seed facts write them, plus "YYYY-9M" (first nine months).
_PERIOD_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12]|-9M)?$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$")

# field -> (accepted types, required)
_DOC_SPEC: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": ((str,), True),
    "title": ((str,), True),
    "publisher": ((str,), True),
    "published": ((str,), True),
    "url": ((str,), True),
    "kind": ((str,), True),
    "checked": ((str,), True),
    "copy_url": ((str,), False),
}
_FIG_SPEC: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": ((str,), True),
    "document": ((str,), True),
    "metric": ((str,), True),
    "value": ((int, float), True),
    "unit": ((str,), True),
    "period": ((str,), True),
    "entity": ((str,), True),
    "location": ((str,), True),
    "note": ((str,), False),
}
_TOP = ("schema", "documents", "figures")


def references_dir() -> Path:
    """The bundled ``references/`` folder (checkout first, then the wheel's copy)."""
    checkout = PACKAGE_DIR.parent / "references"
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "_bundled" / "references"


def _check_table(path: Path, where: str, table: Any,
                 spec: dict[str, tuple[tuple[type, ...], bool]]) -> dict[str, Any]:
    """The annotation loader's field check, plus: no empty strings but in ``note``."""
    entry = check_fields(path, where, table, spec, ReferenceDataError)
    for name, value in entry.items():
        if isinstance(value, str) and name != "note" and not value.strip():
            raise ReferenceDataError(path, f"{where}.{name}", "expected a non-empty string, got ''")
    return entry


def _entry_name(kind: str, index: int, table: Any) -> str:
    ident = table.get("id") if isinstance(table, dict) else None
    return f"{kind}[{index}] {ident!r}" if isinstance(ident, str) else f"{kind}[{index}]"


def _check_id(path: Path, where: str, value: str) -> None:
    if not _ID_RE.match(value):
        raise ReferenceDataError(path, f"{where}.id", f"{value!r} is not a valid id; expected "
                                 "lower-case letters, digits and single hyphens ([a-z0-9-])")


def _check_url(path: Path, where: str, value: str) -> None:
    if not _URL_RE.match(value):
        raise ReferenceDataError(path, where, f"{value!r} is not a web address; expected "
                                 "http://... or https://...")


def _read_file(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate one file's shape; return its documents and figures (with ``file``)."""
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
    if "schema" not in data:
        raise ReferenceDataError(path, "schema", "missing required field 'schema'; expected 1")
    if data["schema"] != 1 or isinstance(data["schema"], bool):
        raise ReferenceDataError(path, "schema", f"unsupported schema {data['schema']!r}; "
                                 "expected 1")
    docs, figs = [], []
    for key, spec, out in (("documents", _DOC_SPEC, docs), ("figures", _FIG_SPEC, figs)):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise ReferenceDataError(path, key, f"expected an array of tables ([[{key}]]), "
                                     f"got {entries!r}")
        for i, table in enumerate(entries):
            where = _entry_name(key, i, table)
            entry = _check_table(path, where, table, spec)
            _check_id(path, where, entry["id"])
            entry["_where"] = where
            entry["file"] = path.name
            out.append(entry)
    for doc in docs:
        where = doc["_where"]
        if not _ISO_DATE_RE.match(doc["published"]):
            raise ReferenceDataError(path, f"{where}.published", f"{doc['published']!r} is not "
                                     "an ISO date; expected YYYY-MM-DD")
        try:
            date.fromisoformat(doc["published"])
        except ValueError:
            raise ReferenceDataError(path, f"{where}.published", f"{doc['published']!r} is not "
                                     "a calendar date; expected YYYY-MM-DD") from None
        _check_url(path, f"{where}.url", doc["url"])
        if "copy_url" in doc:
            _check_url(path, f"{where}.copy_url", doc["copy_url"])
    for fig in figs:
        where = fig["_where"]
        if not _METRIC_RE.match(fig["metric"]):
            raise ReferenceDataError(path, f"{where}.metric", f"{fig['metric']!r} is not a "
                                     "metric name; expected snake_case like 'revenue'")
        if not _PERIOD_RE.match(fig["period"]):
            raise ReferenceDataError(path, f"{where}.period", f"{fig['period']!r} is not a "
                                     "period; expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, "
                                     "YYYY-Hn or YYYY-9M")
        fig["value"] = float(fig["value"])
    return docs, figs


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
        file_docs, file_figs = _read_file(path)
        for doc in file_docs:
            if doc["id"] in docs:
                raise ReferenceDataError(path, f"{doc['_where']}.id", f"duplicate document id "
                                         f"{doc['id']!r}; already used in {docs[doc['id']]['file']}")
            docs[doc["id"]] = doc
        for fig in file_figs:
            if fig["id"] in fig_files:
                raise ReferenceDataError(path, f"{fig['_where']}.id", f"duplicate figure id "
                                         f"{fig['id']!r}; already used in {fig_files[fig['id']]}")
            fig_files[fig["id"]] = path.name
            fig["_path"] = path
            figs.append(fig)
    rows = []
    for fig in figs:
        doc = docs.get(fig["document"])
        if doc is None:
            raise ReferenceDataError(fig["_path"], f"{fig['_where']}.document",
                                     f"unknown document {fig['document']!r}; expected the id "
                                     "of a [[documents]] entry in any references/*.toml file")
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
