"""Chinese text in matplotlib figures: a CJK font behind the default one.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so a Chinese
title draws as empty boxes. Putting a CJK font after it in the sans-serif
list lets matplotlib (3.6 and later) fall back to it glyph by glyph: English
figures look exactly as before, Chinese ones get real characters. The README's
setup installs fonts-wqy-microhei (Debian); Noto CJK works too.
"""

from __future__ import annotations

import sys

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei")


def draws_boxes(warning: str) -> bool:
    """True for matplotlib's warnings that a character was drawn as an empty box (text or mathtext).

    mathtext (text between ``$`` signs) has no font fallback: a Chinese label
    writes its math in Unicode (ε, Σ, x_adv) instead.
    """
    return "missing from font" in warning or "does not have a glyph" in warning


def use_cjk_fonts() -> list[str]:
    """Add the installed CJK fonts to matplotlib's fallbacks; returns their names (empty: none found)."""
    if "matplotlib" not in sys.modules:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return []
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FONTS if name in installed]
    family = [f for f in matplotlib.rcParams["font.family"] if f not in found]
    matplotlib.rcParams["font.family"] = family + found  # fallbacks, glyph by glyph (matplotlib >= 3.6)
    return found
