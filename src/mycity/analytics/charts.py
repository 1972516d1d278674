"""Charts drawn on the server as SVG: no script, nothing to download, the same in every
language. Each chart's numbers are also in a table beside it (screen readers, copying);
the SVG itself is hidden from assistive technology except for its title."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
HEIGHT = 200
PAD = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(title: str, bars: Sequence[Bar]) -> SafeString:
    """Vertical bars scaled to the largest; each bar's label and value in its tooltip.
    The viewBox scales it to any width (320 px phones included)."""
    top = max((b.value for b in bars), default=0) or 1
    width = (WIDTH - 2 * PAD) / max(len(bars), 1)
    parts = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                round(PAD + i * width + width * 0.1, 1),
                round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * bar.value / top, 1),
                round(width * 0.8, 1),
                round((HEIGHT - 2 * PAD) * bar.value / top, 1),
                bar.label,
                bar.value,
            )
            for i, bar in enumerate(bars)
        ),
    )
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>'
        '<text x="{}" y="{}" class="tick">{}</text>'
        '<text x="{}" y="{}" class="tick">{}</text>'
        '<text x="{}" y="{}" class="tick end">{}</text>',
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        2,
        PAD - 6,
        top,
        PAD,
        HEIGHT - 6,
        bars[0].label if bars else "",
        WIDTH - PAD,
        HEIGHT - 6,
        bars[-1].label if bars else "",
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="none"><title>{}</title>{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        axis,
        parts,
    )
