"""The execution cache of ``ailab validate`` is keyed by everything that makes its verdict.

A key without the validator's own code would let a changed ``validate.py`` or
``execute.py`` pass on a verdict cached before the change, without running
anything.
"""

from __future__ import annotations

import shutil

import pytest

from grader import paths
from grader.authoring import execute, units, validate

MODULES = ["authoring/validate.py", "authoring/execute.py"]


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A private copy of the ``grader`` sources that the cache key reads, and a private cache."""
    copy = tmp_path / "grader"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    return copy


def _edit(package, module):
    path = package / module
    path.write_text(path.read_text() + "\n# an edit\n")


@pytest.mark.parametrize("module", MODULES)
def test_the_key_changes_when_the_validating_code_changes(package_copy, module):
    unit = units.get("ic-t1")
    before = validate._fingerprint(unit)
    assert validate._fingerprint(unit) == before  # same code, same key
    _edit(package_copy, module)
    assert validate._fingerprint(unit) != before


@pytest.mark.parametrize("module", MODULES)
def test_a_cached_verdict_is_not_reused_after_the_code_changed(package_copy, monkeypatch, module):
    runs = []

    def fake_run(nb, cwd, timeout=120, allow_errors=False):
        runs.append(allow_errors)
        return execute.Run(nb, 0.5, None)

    monkeypatch.setattr(execute, "run", fake_run)  # counts executions instead of running kernels
    unit = units.get("ic-t1")
    validate.execution_problems(unit)
    executed = len(runs)
    assert executed > 0
    validate.execution_problems(unit)
    assert len(runs) == executed, "an unchanged unit and validator must come from the cache"
    _edit(package_copy, module)
    validate.execution_problems(unit)
    assert len(runs) == 2 * executed, f"the cache outlived a change to {module}"


def test_a_run_over_the_time_budget_is_not_cached(package_copy, monkeypatch):
    """A solution slowed by a busy machine must be timed again, not failed from the cache forever."""
    runs = []

    def slow_run(nb, cwd, timeout=120, allow_errors=False):
        runs.append(allow_errors)
        return execute.Run(nb, validate.TIME_BUDGET_S + 1, None)

    monkeypatch.setattr(execute, "run", slow_run)
    unit = units.get("ic-t1")
    problems, _ = validate.execution_problems(unit)
    assert any("takes" in p.what for p in problems)
    executed = len(runs)
    validate.execution_problems(unit)
    assert len(runs) == 2 * executed
