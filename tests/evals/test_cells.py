import pytest

from evals.cells import spreadsheet_safe


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_formula_like_text_is_kept_as_text(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["B", "red circle", 3, -2.5, None, ""])
def test_other_values_pass_unchanged(value):
    assert spreadsheet_safe(value) == value
