"""Which numbers in prose need a source, and which are not prose at all."""

from __future__ import annotations

from grader.authoring import teaching


def test_percentages_and_decimals_are_found_integers_are_not():
    text = "It reads 98.4 % of 450 digits (about 98%); the loss fell to 0.21 in 28 × 28 pictures."
    assert teaching.numbers(text) == ["98.4 %", "98%", "0.21"]


def test_code_math_links_and_tags_are_not_prose():
    text = "Call `round(x, 2)` with $\\epsilon = 0.1$, see ![a](fig_0.5.png) and <img width='0.5'>."
    assert teaching.numbers(text) == []


def test_a_quote_covers_a_number_when_its_text_contains_it():
    quotes = [{"text": "98.4 %", "expr": "x"}, {"text": "ε = 0.25", "fixed": "a setting"}]
    assert teaching.uncovered("98.4 % at ε = 0.25, but 0.75 elsewhere", quotes) == ["0.75"]


def test_version_numbers_and_dates_are_not_split_into_decimals():
    assert teaching.numbers("PyTorch 2.14.1 on 2025-09-01") == []
