from types import SimpleNamespace

import pytest

from grader.checks.check import CellLog, CheckFailed, check, evaluate, report, spec_language


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "en")


def square(x):
    return x * x


def unanswered(x):
    # YOUR CODE HERE
    raise NotImplementedError()


def not_supported(x):
    raise NotImplementedError("Module [Net] is missing the required forward function")


def test_passing_check_prints_praise(capsys):
    check("q1", [{"expr": "square(3)", "equals": 9}, {"expr": "square(2)", "equals": 4}])
    assert "q1: all 2 checks passed" in capsys.readouterr().out


def test_one_passing_check_is_not_called_all_1_checks(capsys, monkeypatch):
    check("q1", [{"expr": "square(3)", "equals": 9}])
    out = capsys.readouterr().out
    assert "q1: the check passed" in out and "1 checks" not in out
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    check("q1", [{"expr": "square(3)", "equals": 9}])
    out = capsys.readouterr().out
    assert "q1：检查通过" in out and "1 项" not in out


def test_failing_check_says_what_was_expected_and_hints():
    with pytest.raises(CheckFailed) as info:
        check("q1", [{"expr": "square(2)", "equals": 5, "hint": "multiply"}])
    text = str(info.value)
    assert "expected 5, but got 4" in text and "Hint: multiply" in text
    assert info.value._render_traceback_() == text.splitlines()


def test_errors_in_student_code_are_reported_not_raised():
    with pytest.raises(CheckFailed, match="NameError"):
        check("q2", [{"expr": "missing_function(1)", "equals": 1}])


def test_an_unanswered_question_says_so_once_and_how_to_answer():
    probes = [{"expr": "unanswered(1)", "equals": 1, "hint": "h"}, {"expr": "unanswered(2)", "equals": 4}]
    with pytest.raises(CheckFailed) as info:
        check("q1", probes)
    text = str(info.value)
    assert text.startswith("❌ q1 is not answered yet") and text.count("not answered") == 1
    assert "cell above" in text and "delete the line `raise NotImplementedError()`" in text
    assert "stopped with an error" not in text and "Did you run every cell" not in text


def test_an_unanswered_question_in_hidden_checks_and_in_chinese(monkeypatch):
    with pytest.raises(CheckFailed) as info:
        check("q1", [{"expr": "unanswered(4)", "equals": 16}], hidden=True)
    assert "not answered yet" in str(info.value) and "16" not in str(info.value)
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    with pytest.raises(CheckFailed, match="q1 还没有作答.*删掉 `raise NotImplementedError\\(\\)`"):
        check("q1", [{"expr": "unanswered(4)", "equals": 16}])


def test_a_not_implemented_error_with_a_message_is_a_real_error():
    with pytest.raises(CheckFailed, match="stopped with an error: NotImplementedError: Module"):
        check("q1", [{"expr": "not_supported(1)", "equals": 1}])


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


# What IPython hands the run-cell events; a SyntaxError arrives as an error *before* execution.
def run(log, count, cell_id=None, before=None, during=None, calls_check=False):
    log.before(SimpleNamespace(cell_id=cell_id))
    log.checking = calls_check
    info = SimpleNamespace(cell_id=cell_id)
    log.after(
        SimpleNamespace(info=info, execution_count=count, error_before_exec=before, error_in_exec=during)
    )


PASS = [{"expr": "1", "equals": 1}]
PASSED = [("value", 1)]


def judged(log, cell_id=None, outcomes=PASSED):
    """What a check in the cell ``cell_id`` says now."""
    log.before(SimpleNamespace(cell_id=cell_id))
    log.checking = True
    return report("q1", PASS, outcomes, False, log)


def test_a_cell_broken_by_a_syntax_error_turns_the_pass_into_a_warning():
    log = CellLog()
    run(log, 1, "answer")
    assert judged(log, "test") == (True, "✅ q1: the check passed. Well done!")
    run(log, 3, "answer", before=SyntaxError("invalid syntax"))
    passed, text = judged(log, "test")
    assert passed and not text.startswith("✅")
    assert "older version" in text and "In [3] (SyntaxError)" in text and "run it again" in text


def test_the_warning_lasts_until_that_cell_runs_cleanly_even_after_other_cells():
    log = CellLog()
    run(log, 1, "answer", during=ZeroDivisionError("division by zero"))
    run(log, 2, "explore")
    assert "In [1] (ZeroDivisionError)" in judged(log, "test")[1]
    run(log, 3, "test", calls_check=True)  # the check cell itself never counts as broken
    assert "In [1] (ZeroDivisionError)" in judged(log, "test")[1]
    run(log, 4, "answer")
    assert judged(log, "test")[1].startswith("✅")


def test_a_check_cell_that_failed_for_another_reason_does_not_warn_about_itself():
    log = CellLog()
    run(log, 1, "test", during=NameError("name 'check' is not defined"))
    assert judged(log, "test")[1].startswith("✅")
    run(log, 2, "test", calls_check=True)
    assert judged(log, "other test")[1].startswith("✅")


def test_without_cell_ids_the_latest_run_decides():
    log = CellLog()
    run(log, 1, before=SyntaxError("invalid syntax"))
    assert "In [1] (SyntaxError)" in judged(log)[1]
    run(log, 2, calls_check=True)
    assert "In [1] (SyntaxError)" in judged(log)[1]
    run(log, 3)
    assert judged(log)[1].startswith("✅")


def test_several_broken_cells_are_all_named_in_order():
    log = CellLog()
    run(log, 5, "b", during=KeyError("x"))
    run(log, 2, "a", before=SyntaxError("invalid syntax"))
    text = judged(log, "test")[1]
    assert "cells In [2] (SyntaxError), In [5] (KeyError)" in text and "Fix those cells" in text


def test_a_failing_check_also_names_the_broken_cell():
    log = CellLog()
    run(log, 4, "answer", before=SyntaxError("invalid syntax"))
    passed, text = judged(log, "test", outcomes=[("error", "NameError: name 'f' is not defined")])
    assert not passed
    assert "NameError" in text and "Cell In [4] (SyntaxError)" in text and "run it again first" in text


def test_a_stub_left_at_the_top_of_a_cell_means_unanswered_not_a_missing_name():
    log = CellLog()
    run(log, 6, "answer", during=NotImplementedError())
    passed, text = judged(log, "test", outcomes=[("error", "NameError: name 'model' is not defined")])
    assert (passed, text.splitlines()[0]) == (False, text) and "q1 is not answered yet" in text
    assert judged(log, "test")[1].startswith("✅")  # an unanswered cell left no stale code behind


def test_warnings_in_chinese(monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    log = CellLog()
    run(log, 2, "a", before=SyntaxError("invalid syntax"))
    assert "单元格 In [2]（SyntaxError）上次运行时出错了" in judged(log, "test")[1]
    run(log, 3, "b", during=KeyError("x"))
    assert "In [2]（SyntaxError）、In [3]（KeyError）" in judged(log, "test")[1]


@pytest.mark.parametrize(
    "hint, lang",
    [
        ("Divide by after_total[current], not by n_pairs.", "en"),
        ("Count how often 月 comes right after 明.", "en"),  # English that quotes a poem
        ("Add 妾 and 女 to the list, then run the test again.", "en"),
        ("用 pair_counts[first][second] 读出次数。", "zh_CN"),  # Chinese that names code
        ("分母应该是 `after_total[current]`，不是 n_pairs。", "zh_CN"),
        ("检查 np.bincount(train_labels) 的结果", "zh_CN"),
        ("", None),
    ],
)
def test_a_check_speaks_the_language_of_its_hints(hint, lang):
    assert spec_language([{"expr": "x", "equals": 1, "hint": hint}]) == lang
