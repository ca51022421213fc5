"""A unit must run with no network: classrooms are often offline, and the grader's sandbox has none.

This is the static half (validate refuses code that would download); the
other half is that every solution is executed and graded inside a sandbox
without a network (``grading.sandbox``), so a download the patterns miss
fails there.
"""

from __future__ import annotations

import re

from .units import Unit

# What fetches data or models at run time in the libraries a lesson might reach for.
DOWNLOADS = re.compile(
    r"download\s*=\s*True"  # torchvision / sklearn fetchers
    r"|\bfetch_[a-z0-9_]+\s*\("  # sklearn.datasets.fetch_*
    r"|from_pretrained\s*\("  # Hugging Face
    r"|hf_hub_download|snapshot_download|load_dataset\s*\("
    r"|torch\.hub\.|load_state_dict_from_url"
    r"|urlopen|urlretrieve|\brequests\.(?:get|post)|\bhttpx\.|\bsocket\.|\bwget\b|\bcurl\b"
    r"|pip\s+install|\bnltk\.download"
    r"|https?://"
)


def problems(unit: Unit) -> list[tuple[str, str, str]]:
    """(where, what, fix) for each line of code that would reach the network."""
    cells = enumerate(unit.notebook.cells)
    sources = [(f"cell {i + 1}", c.source) for i, c in cells if c.cell_type == "code"]
    script = unit.folder / "assets" / "make_figures.py"
    if script.exists():
        sources.append(("assets/make_figures.py", script.read_text(encoding="utf-8")))
    out = []
    for where, text in sources:
        for line in text.splitlines():
            match = DOWNLOADS.search(line)
            if match and not line.lstrip().startswith("#"):
                out.append(
                    (
                        where,
                        f"would use the network at run time ({match.group(0).strip()!r})",
                        "ship the data in datasets/ with a datacard and load it with grader.datasets",
                    )
                )
    return out
