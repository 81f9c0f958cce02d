"""Spreadsheet cells that stay text: a cell starting with = + - @ (or tab / CR) is a live formula in Excel,
LibreOffice and Google Sheets (CSV injection, OWASP). Model replies and dataset fields are untrusted, so every
spreadsheet and CSV the project writes passes its text cells through `spreadsheet_safe`."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The value as it should be written to a cell: text that a spreadsheet would evaluate gets a leading
    apostrophe (shown as text, not computed); numbers and other types pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
