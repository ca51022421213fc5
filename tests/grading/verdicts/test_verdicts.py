"""The grader's text for a test cell reuses check's lines (grader.verdicts)."""

import pytest

from grader.grading.verdicts import Question, judge, outputs

QUESTION = Question(
    "q1",
    (
        ({"expr": "pixel(a, 1, 2)", "equals": 13.0, "hint": "row first"}, False),
        ({"expr": "pixel(b, 0, 0)", "equals": 0.0}, False),
        ({"expr": "pixel(c, 6, 1)", "equals": 49.0}, True),
    ),
)
STUB = ("error", "NotImplementedError: ")
STUB_OUTPUT = {"output_type": "error", "ename": "NotImplementedError", "evalue": "", "traceback": []}


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "en")


def test_an_unanswered_question_gets_one_plain_line_and_no_hidden_values():
    passed, lines = judge(QUESTION, [STUB, STUB, STUB])
    assert not passed and len(lines) == 1
    assert lines[0].startswith("❌ q1 is not answered yet") and "raise NotImplementedError()" in lines[0]
    assert "49" not in lines[0] and "hidden check" not in lines[0]


def test_a_stub_stopping_the_answer_cell_means_unanswered_whatever_name_is_missing():
    missing = ("error", "NameError: name 'model' is not defined")
    passed, lines = judge(QUESTION, [missing] * 3, answer_outputs=[STUB_OUTPUT])
    assert (passed, len(lines)) == (False, 1) and "not answered yet" in lines[0]
    real_error = {**STUB_OUTPUT, "evalue": "Module [Net] is missing the required forward function"}
    _, lines = judge(QUESTION, [missing] * 3, answer_outputs=[real_error])
    assert "NameError" in lines[0]


def test_passing_text_counts_checks_in_good_english():
    one = Question("q2", (({"expr": "x", "equals": 1}, False),))
    assert outputs(one, True, [])[0]["text"] == "✅ q2: the check passed. Well done!\n"
    passed, lines = judge(QUESTION, [("value", 13.0), ("value", 0.0), ("value", 49.0)])
    assert passed and outputs(QUESTION, passed, lines)[0]["text"].startswith("✅ q1: all 3 checks passed")


def test_other_failures_are_unchanged():
    passed, lines = judge(QUESTION, [("value", 12.0), ("value", 0.0), ("value", 48.0)])
    assert not passed and "expected 13.0, but got 12.0" in lines[0] and "row first" in lines[0]
    assert lines[1] == "❌ q1: hidden check 1 did not pass."
