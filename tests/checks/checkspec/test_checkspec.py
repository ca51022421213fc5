from grader.checks.checkspec import parse

CELL = """check("q1", [{"expr": "f(1)", "equals": 2}])
### BEGIN HIDDEN TESTS
check("q1", [{"expr": "f(5)", "equals": 6}], hidden=True)
### END HIDDEN TESTS
"""


def test_parses_public_and_hidden_calls():
    calls = parse(CELL)
    assert [c.hidden for c in calls] == [False, True]
    assert calls[1].probes[0] == {"expr": "f(5)", "equals": 6}


def test_imports_of_grader_are_allowed():
    assert parse("from grader import check\n" + CELL)


def test_anything_else_is_not_a_check_cell():
    assert parse("assert f(1) == 2") is None
    assert parse(CELL + "\nprint('x')") is None
    assert parse('check("q1", [{"expr": "f(1)", "equals": g()}])') is None
    assert parse("check(") is None
