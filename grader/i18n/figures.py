"""The static figures of a unit in another language: its ``assets/make_figures.py``, translated and run.

The script's titles and labels are pieces of the unit's catalogue (context
``figures``); the translated script runs with ``AILAB_FIGURES_LANG`` set, so it
draws into ``assets/<lang>/``, with a CJK font. The notebooks then show those
pictures in place of the English ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .. import fonts
from ..errors import BuildFailed
from . import catalog, segments
from .edition import Translator

CONTEXT = "figures"
LANG_VARIABLE = "AILAB_FIGURES_LANG"


def output_folder(script_file: str) -> Path:
    """Where a unit's ``assets/make_figures.py`` draws: ``assets/``, or ``assets/<lang>/`` for a translation.

    It also does what every such script needs before importing pyplot: a
    backend without a display, and the CJK font fallback (English figures
    are drawn the same with it, and Chinese characters get real glyphs).
    """
    import matplotlib

    matplotlib.use("Agg")
    fonts.use_cjk_fonts()
    here = Path(script_file).resolve().parent
    lang = os.environ.get(LANG_VARIABLE, "en")
    out = here if lang == "en" else here / lang
    out.mkdir(exist_ok=True)
    return out


def script(folder: Path) -> Path:
    return folder / "assets" / "make_figures.py"


def pieces(folder: Path) -> list[catalog.Piece]:
    path = script(folder)
    if not path.is_file():
        return []
    source = path.read_text(encoding="utf-8")
    frozen = segments.frozen_values([source])
    found = segments.code_pieces(source, frozen, readers=False)
    return catalog.unique([catalog.Piece(CONTEXT, p.text, "figure string", n) for n, p in enumerate(found)])


def draw(folder: Path, translate: Translator) -> Path:
    """Run the translated figure script; returns the folder of pictures it drew."""
    path = script(folder)
    source = path.read_text(encoding="utf-8")
    text = translate.code(CONTEXT, source, segments.frozen_values([source]), readers=False)
    out = path.parent / translate.lang
    out.mkdir(exist_ok=True)
    temporary = path.with_name(f".make_figures.{translate.lang}.py")
    temporary.write_text(text, encoding="utf-8")
    try:
        env = {**os.environ, LANG_VARIABLE: translate.lang}
        done = subprocess.run([sys.executable, str(temporary)], env=env, capture_output=True, text=True)
    finally:
        temporary.unlink(missing_ok=True)
    boxes = [line for line in done.stderr.splitlines() if fonts.draws_boxes(line)]
    if done.returncode != 0 or boxes:
        last = (boxes or done.stderr.strip().splitlines() or ["no output"])[-1]
        fix = "install fonts-wqy-microhei" if boxes else "fix the figure strings in the catalogue"
        raise BuildFailed(f"the translated figure script failed: {last.strip()}", str(path), fix)
    return out
