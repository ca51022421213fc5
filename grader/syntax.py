"""``ast.parse`` behind one lock, for code that parses Python in several threads at once.

``ailab validate`` checks a unit's release, its translations and its near misses
in threads. CPython 3.11 before 3.11.8 (gh-106905) shares a recursion counter
between threads while it builds an AST, and two threads parsing at once can fail
with "SystemError: AST constructor recursion depth mismatch".
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    with _LOCK:
        return ast.parse(source)
