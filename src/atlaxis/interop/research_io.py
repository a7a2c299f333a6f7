"""Writing a research export: one CSV or Parquet file per table, plus the codebook.

Rows arrive patient by patient; CSV rows are written at once and Parquet rows in row groups
of :data:`BATCH` rows, so memory stays bounded whatever the clinic's size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from atlaxis.interop.research_tables import SAFE_HARBOR, TABLES, Table

Format = Literal["csv", "parquet"]
BATCH = 20_000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


class _CsvTable:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(columns)
        self.columns = columns

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self._writer.writerows([_cell(r.get(c)) for c in self.columns] for r in rows)

    def close(self) -> None:
        self._file.close()


class _ParquetTable:
    def __init__(self, path: Path, table: Table, columns: list[str]) -> None:
        import pyarrow as pa

        types = {
            "string": pa.string(),
            "integer": pa.int64(),
            "number": pa.float64(),
            "boolean": pa.bool_(),
            "date": pa.date32(),
        }
        spec = {c.name: c.type for c in table.columns}
        self.kinds = spec
        self.schema = pa.schema([(c, types[spec[c]]) for c in columns])
        self.columns = columns
        self.path = path
        self._buffer: list[Mapping[str, Any]] = []
        self._writer: Any = None

    def _value(self, column: str, value: Any) -> Any:
        kind = self.kinds[column]
        if value in (None, ""):
            return None if kind != "string" else ("" if value == "" else None)
        if kind == "date":
            return date.fromisoformat(value)
        if kind == "number":
            return float(value)
        return value

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self._buffer.extend(rows)
        if len(self._buffer) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self.path), self.schema)
        data = {c: [self._value(c, r.get(c)) for r in self._buffer] for c in self.columns}
        self._writer.write_table(pa.table(data, schema=self.schema))
        self._buffer = []

    def close(self) -> None:
        if self._buffer or self._writer is None:
            self._flush()
        self._writer.close()


class ResearchWriter:
    """Opens one file per table in ``out_dir``; :meth:`close` writes the codebook."""

    def __init__(self, out_dir: Path, fmt: Format, include_notes: bool) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir, self.fmt, self.include_notes = out_dir, fmt, include_notes
        self.counts = {t.name: 0 for t in TABLES}
        self._tables: dict[str, _CsvTable | _ParquetTable] = {}
        for t in TABLES:
            cols = t.names(include_notes)
            path = out_dir / f"{t.name}.{fmt}"
            self._tables[t.name] = (
                _CsvTable(path, cols) if fmt == "csv" else _ParquetTable(path, t, cols)
            )

    def add(self, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        for name, table_rows in rows.items():
            self._tables[name].add(table_rows)
            self.counts[name] += len(table_rows)

    def close(self, summary: Mapping[str, Any]) -> list[Path]:
        for t in self._tables.values():
            t.close()
        (self.out_dir / "codebook.csv").write_text(codebook_csv(self.include_notes), "utf-8")
        (self.out_dir / "codebook.md").write_text(
            codebook_markdown(self.include_notes, self.counts, summary), "utf-8"
        )
        return sorted(self.out_dir.iterdir())


def codebook_csv(include_notes: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "column", "type", "description"])
    for t in TABLES:
        for c in t.columns:
            if include_notes or not c.notes_only:
                writer.writerow([t.name, c.name, c.type, c.description])
    return out.getvalue()


def codebook_markdown(
    include_notes: bool, counts: Mapping[str, int], summary: Mapping[str, Any]
) -> str:
    lines = [
        "# Codebook: atlaxis de-identified research export",
        "",
        "Method: HIPAA Privacy Rule Safe Harbor (45 CFR §164.514(b)(2)) with keyed "
        "pseudonyms (HMAC-SHA256, clinic secret) and per-patient date shifts that keep "
        "intervals. Free-text notes are "
        + (
            "included, scrubbed of obvious identifiers (review before sharing)."
            if include_notes
            else "not included."
        ),
        "",
        *(f"- {k}: {v}" for k, v in summary.items()),
        "",
        "Scores are change *measured during care*; this data alone cannot show that care "
        "caused a change.",
        "",
        "## Safe Harbor identifiers (45 CFR §164.514(b)(2)(i))",
        "",
        "| Identifier | In this export |",
        "|---|---|",
        *(f"| {name} | {what} |" for name, what in SAFE_HARBOR),
    ]
    for t in TABLES:
        lines += [
            "",
            f"## {t.name} ({counts.get(t.name, 0)} rows)",
            "",
            t.description,
            "",
            "| Column | Type | Description |",
            "|---|---|---|",
        ]
        lines += [
            f"| {c.name} | {c.type} | {c.description} |"
            for c in t.columns
            if include_notes or not c.notes_only
        ]
    return "\n".join(lines) + "\n"
