"""Chinese figure text draws as characters, not empty boxes, once use_cjk_fonts() ran."""

from __future__ import annotations

import io
import warnings

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from grader.fonts import CJK_FONTS, use_cjk_fonts

INSTALLED = {f.name for f in font_manager.fontManager.ttflist} & set(CJK_FONTS)
pytestmark = pytest.mark.skipif(
    not INSTALLED, reason=f"no CJK font installed (one of {', '.join(CJK_FONTS)}; Debian: fonts-wqy-microhei)"
)


def _save_chinese_figure() -> None:
    """Draw and save a figure with a Chinese title and labels; every glyph is looked up here."""
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1], [1, 0], label="训练集")
    ax.set_title("混淆矩阵：验证集")
    ax.set_xlabel("预测的数字")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png")


def test_a_chinese_figure_saves_without_missing_glyphs_after_use_cjk_fonts():
    """A student's Chinese chart must show characters: a 'Glyph missing' warning means boxes."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        found = use_cjk_fonts()
        assert found and set(found) <= INSTALLED
        assert matplotlib.rcParams["font.family"][0] == "DejaVu Sans"  # English text looks as before
        _save_chinese_figure()


def test_without_the_fallback_the_same_figure_warns_of_missing_glyphs():
    """Proof that the test above can fail: DejaVu Sans alone has no Chinese characters."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match=r"Glyph \d+ .* missing from font"):
            _save_chinese_figure()


def test_use_cjk_fonts_twice_adds_each_font_once():
    """Every check import in a kernel calls it; the fallback list must not grow each time."""
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        use_cjk_fonts()
        once = list(matplotlib.rcParams["font.family"])
        use_cjk_fonts()
        assert matplotlib.rcParams["font.family"] == once
        assert once[0] == "sans-serif" and len(once) == 1 + len(INSTALLED)


def test_math_between_dollar_signs_has_no_fallback_and_is_caught(caplog):
    """mathtext draws a whole '$x$（圆形）' label without the CJK fallback, and says so only in a log line."""
    from grader.fonts import draws_boxes

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), caplog.at_level("WARNING"):
        use_cjk_fonts()
        fig = Figure()
        fig.add_subplot().set_title("$x$（圆形）")
        fig.savefig(io.BytesIO(), format="png")
    assert any(draws_boxes(record.getMessage()) for record in caplog.records), caplog.text
    assert not draws_boxes("tight_layout not applied")
