"""Charts as PNG, drawn with matplotlib (imported only when a chart is drawn).

Why matplotlib rather than hand-written SVG: Word and python-docx embed
raster images only, and the same PNG serves the Markdown, the site and the
DOCX. Chinese labels need a CJK font, which is looked for at run time
(Noto Sans CJK, WenQuanYi, SimHei …); without one, a series falls back to
its ASCII ``key`` so no label is drawn as empty boxes. The chart's title is
printed by the document as text beneath it, in the document's own font.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from ..report import Figure

CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font matplotlib can find on this machine, or None."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def _label(text: str, fallback: str) -> str:
    return text if text.isascii() or cjk_font() else fallback


_DRAWN: dict[str, bytes] = {}  # repr(figure) → PNG: the Markdown and the DOCX of a report share their charts


def figure_png(figure: Figure) -> bytes:
    """The figure as a PNG (same input, same bytes: no timestamp in the file)."""
    key = repr(figure)
    if key not in _DRAWN:
        if len(_DRAWN) >= 64:
            _DRAWN.clear()
        _DRAWN[key] = _draw(figure)
    return _DRAWN[key]


def _draw(figure: Figure) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    font = cjk_font()
    rc: dict[Any, Any] = {"font.family": "sans-serif", "font.size": 9, "svg.hashsalt": "qms", "axes.spines.top": False,
          "axes.spines.right": False}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6.4, 3.0), dpi=150)
        try:
            positions = list(range(len(figure.x)))
            scale = 100.0 if figure.percent else 1.0
            width = 0.8 / max(1, len(figure.series))
            for n, series in enumerate(figure.series):
                label = _label(series.label, series.key or f"series {n + 1}")
                values = [None if v is None else v * scale for v in series.values]
                if figure.kind == "bar":
                    xs = [p - 0.4 + width * (n + 0.5) for p in positions]
                    ax.bar(xs, [v or 0 for v in values], width=width, label=label)
                else:
                    points = [(p, v) for p, v in zip(positions, values) if v is not None]
                    if points:
                        ax.plot([p for p, _ in points], [v for _, v in points], marker="o", label=label)
            if figure.target is not None:
                ax.axhline(figure.target * scale, color="#c0392b", linestyle="--", linewidth=1, label="target")
            ax.set_xticks(positions, [_label(x, x.encode("ascii", "replace").decode()) for x in figure.x])
            if figure.y_label:
                ax.set_ylabel(_label(figure.y_label, "%" if figure.percent else ""))
            if figure.percent:
                ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}%")
            if ax.get_legend_handles_labels()[0]:  # a series with no value draws nothing, and needs no legend
                ax.legend(loc="best", fontsize=7, frameon=False)
            ax.grid(axis="y", alpha=0.3)
            fig.tight_layout()
            out = io.BytesIO()
            fig.savefig(out, format="png", metadata={"Software": None})
            return out.getvalue()
        finally:
            plt.close(fig)
