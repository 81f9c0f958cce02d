"""Reading a peer's `.xlsx` without trusting it: bounded, and with no XML feature beyond plain data.

An `.xlsx` is a zip of XML parts, so a small file can stand for a great deal: a 47 KB file
whose one 1 MB shared string is used by 2,000 cells reads as 2 GB of text; an XML part can
declare entities that expand (or, with a parser that resolves them, fetch files: XXE). So:
- the zip's parts may unpack to at most `MAX_UNPACKED_RATIO` times the file (and `MAX_UNPACKED`);
- no part may declare a DOCTYPE (no spreadsheet writer emits one; entities need one);
- the text of the table's cells, counted as read, may be at most `MAX_TEXT_RATIO` times the
  file (and `MAX_TEXT`), and one cell at most `MAX_CELL_CHARS`.
Limits are generous for real predictions files (replies of a few thousand characters, text that
compresses 3-10 times); beyond them, or on any file the parser cannot read (a truncated zip, a
bad character reference), the read ends in one line that says what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from evals.errors import DataError

MAX_UNPACKED = 1_000_000_000  # bytes of XML the parts may unpack to, at most
MAX_UNPACKED_RATIO = 200
MAX_TEXT = 300_000_000  # characters of cell text in the whole table, at most
MAX_TEXT_RATIO = 100
MIN_TEXT_BUDGET = 20_000_000  # a small file may still hold this much text
MAX_CELL_CHARS = 1_000_000  # one cell: a reply is scored on at most this many characters anyway
_CHUNK = 1 << 20
_HINT = "save the table again from a spreadsheet program, or as .tsv"


def _check_parts(path: Path, size: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            limit = min(MAX_UNPACKED, max(MAX_UNPACKED_RATIO * size, MIN_TEXT_BUDGET))
            if unpacked > limit:
                raise DataError(
                    f"{path} unpacks to {unpacked:,} bytes, {unpacked / max(size, 1):,.0f} times its size (at most "
                    f"{limit:,}): not a plain predictions table; {_HINT}"
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _declares_doctype(archive, member):
                    raise DataError(
                        f"{path}: its part {member.filename[:80]} declares a DOCTYPE (entities, external "
                        f"references), which no spreadsheet writer does; refused; {_HINT}"
                    )
    except DataError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise DataError(f"{path} is not a readable .xlsx (a zip of XML parts): {str(exc)[:120]}; {_HINT}") from None


def _declares_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            if b"<!DOCTYPE" in (tail + chunk).upper() or b"<!ENTITY" in (tail + chunk).upper():
                return True
            tail = chunk[-16:]
    return False


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    """The first sheet's rows as {header: value}, empty cells as None; bounded as the module says."""
    import openpyxl

    size = path.stat().st_size
    _check_parts(path, size)
    budget = min(MAX_TEXT, max(MAX_TEXT_RATIO * size, MIN_TEXT_BUDGET))
    used = 0
    rows: list[dict[str, Any]] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            header: list[str] | None = None
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                for value in values:
                    if isinstance(value, str):
                        if len(value) > MAX_CELL_CHARS:
                            raise DataError(
                                f"{path} row {number}: a cell holds {len(value):,} characters (at most "
                                f"{MAX_CELL_CHARS:,}); not a predictions table"
                            )
                        used += len(value)
                if used > budget:
                    raise DataError(
                        f"{path}: its cells hold more than {budget:,} characters of text by row {number}, "
                        f"{used / max(size, 1):,.0f} times the file's size: refused (a shared-string bomb?); {_HINT}"
                    )
                if header is None:
                    header = ["" if value is None else str(value) for value in values]
                    continue
                if all(value is None or value == "" for value in values):
                    continue
                rows.append({name: _cell(value) for name, value in zip(header, values, strict=False) if name})
        finally:
            book.close()
    except DataError:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many types on hostile files
        raise DataError(f"cannot read {path} as .xlsx ({type(exc).__name__}: {str(exc)[:120]}); {_HINT}") from None
    return rows


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # as pandas reads a whole number: an `index` of 3 is "3", not "3.0"
    return value
