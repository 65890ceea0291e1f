"""Charts as SVG made on the server (no JavaScript): grouped bars of income, costs and surplus
by period, and bars of reinvestment by kind. Each is an image with a title and a description
for screen readers; the page puts the same figures in a table beside it. The SVG scales to the
width it is given (a viewBox, no fixed size), so it reads on a phone."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 640, 260, 70, 40, 16
# Colours with at least 3:1 contrast against white, told apart by pattern-free position and the legend.
COLOURS = {"income": "#1f6f43", "costs": "#a23b2a", "surplus": "#1d4f91", "reinvested": "#6b3fa0"}


@dataclass(frozen=True)
class Series:
    name: str  # a key of COLOURS
    label: str
    values: list[int]


def _axis_max(values: list[int]) -> int:
    top = max([abs(v) for v in values] + [1])
    step = 10 ** max(len(str(top)) - 1, 0)
    return ((top + step - 1) // step) * step


def bar_chart(title: str, labels: list[str], series: list[Series], *, money) -> Markup:
    """Grouped bars, one group per label; negative values (a deficit) go below the zero line."""
    values = [v for s in series for v in s.values]
    top = _axis_max(values)
    has_negative = any(v < 0 for v in values)
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    zero_y = MARGIN_TOP + (plot_h / 2 if has_negative else plot_h)
    scale = (plot_h / 2 if has_negative else plot_h) / top
    group_w = (WIDTH - MARGIN_LEFT - 10) / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [f'<line x1="{MARGIN_LEFT}" y1="{zero_y:.1f}" x2="{WIDTH - 10}" y2="{zero_y:.1f}" stroke="#444"/>',
             f'<text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + 4}" text-anchor="end" font-size="11">{escape(money(top))}</text>',
             f'<text x="{MARGIN_LEFT - 6}" y="{zero_y + 4:.1f}" text-anchor="end" font-size="11">0</text>']
    for index, label in enumerate(labels):
        x0 = MARGIN_LEFT + index * group_w + group_w * 0.1
        for number, one in enumerate(series):
            value = one.values[index]
            height = abs(value) * scale
            y = zero_y - height if value >= 0 else zero_y
            parts.append(f'<rect x="{x0 + number * bar_w:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" '
                         f'height="{height:.1f}" fill="{COLOURS[one.name]}"><title>{escape(one.label)}, '
                         f'{escape(label)}: {escape(money(value))}</title></rect>')
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(label)}</text>')
    for number, one in enumerate(series):
        x = MARGIN_LEFT + number * 130
        parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{COLOURS[one.name]}"/>'
                     f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11">{escape(one.label)}</text>')
    description = "; ".join(f"{label}: " + ", ".join(f"{s.label} {money(s.values[i])}" for s in series)
                            for i, label in enumerate(labels))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{_id(title)}-t {_id(title)}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">'
        f'<title id="{_id(title)}-t">{escape(title)}</title><desc id="{_id(title)}-d">{escape(description)}</desc>'
        + "".join(parts) + "</svg>")


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
