"""Server-rendered inline SVG charts: no JavaScript, no CDN. Every chart is shown next to a data
table holding the same figures (the accessible version), so the SVG is labelled as an image with a
short title and the table is the reference."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Colours with enough contrast against white and against each other.
PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0")
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 28, 30


def _f(value: float) -> str:
    return f"{value:.1f}"


def _number(value) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".replace(",", " ")


def bar_chart(title: str, categories: list, series: list[tuple[str, list]], targets: list | None = None,
              target_label: str = "") -> SafeString:
    """Grouped bars: one group per category (e.g. a year), one bar per series; ``targets`` (one per
    category, None where there is none) are drawn as a dashed marker across the group."""
    values = [Decimal(v) for _name, vs in series for v in vs if v is not None]
    values += [Decimal(t) for t in (targets or []) if t is not None]
    top = max(values, default=Decimal(0))
    top = top if top > 0 else Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)

    def y(value) -> float:
        return TOP + plot_h - float(Decimal(value) / top) * plot_h

    parts = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>', LEFT, TOP + plot_h, WIDTH - RIGHT,
                    TOP + plot_h),
        format_html('<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>', LEFT - 4, TOP + 4,
                    _number(top)),
        format_html('<text x="{}" y="{}" text-anchor="end" font-size="11">0</text>', LEFT - 4, TOP + plot_h),
    ]
    for index, category in enumerate(categories):
        x0 = LEFT + index * group_w + group_w * 0.1  # left edge of the group's bars
        for s_index, (_name, vs) in enumerate(series):
            value = vs[index]
            if value is None:
                continue
            height = TOP + plot_h - y(value)
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                _f(x0 + s_index * bar_w), _f(y(value)), _f(max(bar_w - 2, 1)), _f(height),
                PALETTE[s_index % len(PALETTE)]))
        if targets and targets[index] is not None:
            ty = y(targets[index])
            parts.append(format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000" stroke-width="2" '
                'stroke-dasharray="5 3"/>', _f(x0 - 2), _f(ty), _f(x0 + group_w * 0.8 + 2), _f(ty)))
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                                 _f(x0 + group_w * 0.4), HEIGHT - 12, category))
    legend = [(name, PALETTE[i % len(PALETTE)]) for i, (name, _vs) in enumerate(series)]
    legend_svg = format_html_join("", '<rect x="{}" y="6" width="10" height="10" fill="{}"/>'
                                      '<text x="{}" y="15" font-size="11">{}</text>',
                                  ((LEFT + i * 140, colour, LEFT + i * 140 + 14, name)
                                   for i, (name, colour) in enumerate(legend)))
    if targets and any(t is not None for t in targets):
        x = LEFT + len(legend) * 140
        legend_svg += format_html('<line x1="{}" y1="11" x2="{}" y2="11" stroke="#000" stroke-width="2" '
                                  'stroke-dasharray="5 3"/><text x="{}" y="15" font-size="11">{}</text>',
                                  x, x + 14, x + 18, target_label)
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" style="max-width:{}px" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}</svg>',
        WIDTH, HEIGHT, WIDTH, title, legend_svg, mark_safe("".join(parts)),
    )
