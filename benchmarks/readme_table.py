"""Put a benchmark's latest table into README.md, between its two marker comments."""

from __future__ import annotations

import re

from grader import paths


def update(name: str, table: str) -> None:
    readme = paths.REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if start not in text:
        return
    block = f"{start}\n{table.strip()}\n{end}"
    readme.write_text(re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S))
