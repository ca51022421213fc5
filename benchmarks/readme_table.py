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


def current(name: str) -> str | None:
    """The table now between the markers (None without them), to check it against the results."""
    text = (paths.REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(
        re.escape(f"<!-- bench:{name} -->") + "\n(.*?)\n" + re.escape(f"<!-- /bench:{name} -->"), text, re.S
    )
    return found.group(1) if found else None
