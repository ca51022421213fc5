import pytest

from grader.check import CheckFailed, check, evaluate


def square(x):
    return x * x


def test_passing_check_prints_praise(capsys):
    check("q1", [{"expr": "square(3)", "equals": 9}])
    assert "q1: all 1 checks passed" in capsys.readouterr().out


def test_failing_check_says_what_was_expected_and_hints():
    with pytest.raises(CheckFailed) as info:
        check("q1", [{"expr": "square(2)", "equals": 5, "hint": "multiply"}])
    text = str(info.value)
    assert "expected 5, but got 4" in text and "Hint: multiply" in text
    assert info.value._render_traceback_() == text.splitlines()


def test_errors_in_student_code_are_reported_not_raised():
    with pytest.raises(CheckFailed, match="NameError"):
        check("q2", [{"expr": "missing_function(1)", "equals": 1}])


def test_hidden_failures_do_not_reveal_expected_values():
    with pytest.raises(CheckFailed) as info:
        check("q1", [{"expr": "square(4)", "equals": 17}], hidden=True)
    assert "17" not in str(info.value) and "hidden check 1" in str(info.value)


def test_chinese_messages(monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    with pytest.raises(CheckFailed, match="应为 5"):
        check("q1", [{"expr": "square(2)", "equals": 5}])


def test_evaluate_returns_plain_data_or_error_text():
    assert evaluate("[1, 2]", {}) == ("value", [1, 2])
    kind, text = evaluate("1 / 0", {})
    assert kind == "error" and text.startswith("ZeroDivisionError")
