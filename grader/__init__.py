"""AI Literacy Lab: build the course from unit notebooks, and grade it.

Only the student-facing ``check`` is imported here, so a notebook's
``from grader import check`` stays fast and pulls in neither nbgrader nor torch.
"""

from .checks.check import check

__all__ = ["check"]
