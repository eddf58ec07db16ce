"""A trend chart as a standalone SVG: papers per year, one line per name (no plotting dependency).

SVG rather than PNG: matplotlib is not a dependency of paper-kg, and an SVG opens in every browser,
embeds in Markdown and HTML, and stays sharp when zoomed.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kg.analytics.trends import Trend
from kg.view.data import FRONT_COLOURS

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 180, 24, 40


def _ticks(top: int, count: int = 5) -> list[int]:
    """Round y-axis ticks from 0 to at least `top`."""
    step = max(1, -(-top // count))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if nice >= step:
            step = nice
            break
    return list(range(0, top + step, step))


def trend_svg(trends: Sequence[Trend], *, title: str = "Papers per year") -> str:
    """An SVG line chart of each trend's papers per year (years from the first trend)."""
    years = trends[0].years if trends else []
    top = max((v for t in trends for v in t.papers), default=0)
    ticks = _ticks(max(top, 1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v / ticks[-1]

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    label_every = max(1, len(years) // 8)
    for i, year in enumerate(years):
        if i % label_every == 0 or i == len(years) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{year}</text>')
    for n, t in enumerate(trends):
        colour = FRONT_COLOURS[n % len(FRONT_COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(t.papers))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        ly = TOP + 18 * n + 8
        parts.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 28}" y="{ly + 1}">{escape(t.name[:24])} ({sum(t.papers)})</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
