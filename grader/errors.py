"""The few named errors ``ailab`` raises; each prints as one line: where, what, what to do."""

from __future__ import annotations

from .messages import say


class AilabError(Exception):
    """Base class: ``where: what. fix``. The exit code says which kind of failure it is."""

    exit_code = 1

    def __init__(self, what: str, where: str = "", fix: str = ""):
        super().__init__(what, where, fix)
        self.what, self.where, self.fix = what, where, fix

    def __str__(self) -> str:
        head = f"{self.where}: {self.what}" if self.where else self.what
        return f"{head}{say('error.then')}{self.fix}" if self.fix else head


class BadInput(AilabError):
    """The caller named something that does not exist or cannot be used."""

    exit_code = 2


class UnitProblem(AilabError):
    """A unit's source notebook breaks the unit contract (see book/authoring.md)."""

    exit_code = 1


class SandboxUnavailable(AilabError):
    """Grading was asked to be sandboxed, and this machine cannot."""

    exit_code = 3


class BuildFailed(AilabError):
    """A build step (nbgrader, Jupyter Book) failed; its log is kept."""

    exit_code = 1
