"""Server-side charts for the quarterly report: horizontal bar charts as SVG (HTML, PDF) and PNG (Word).

No plotting library: a chart is a list of :class:`Bar` rows — a label, stacked segments (value, colour) and an
optional marker (the schedule's expected progress) — drawn the same way by :func:`svg` and :func:`png`. Chinese
labels use the font WenQuanYi Micro Hei (WeasyPrint finds it through fontconfig; Pillow needs its file).
"""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

COLOURS = {"green": "#2e8b57", "yellow": "#e0a800", "red": "#c23531", "grey": "#9aa3ad"}
FONT = "WenQuanYi Micro Hei"
FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"]
LABEL_W, ROW_H, WIDTH, TOP = 230, 24, 720, 34


@dataclass(frozen=True)
class Bar:
    label: str
    segments: list[tuple[float, str]]
    marker: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    scale_max: float
    scale_min: float = 0.0
    ticks: list[float] = field(default_factory=list)
    unit: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return TOP + ROW_H * len(self.bars) + 40

    def x(self, value: float) -> float:
        span = self.scale_max - self.scale_min or 1.0
        clipped = min(max(value, self.scale_min), self.scale_max)
        return LABEL_W + (WIDTH - LABEL_W - 60) * (clipped - self.scale_min) / span


def _short(text: str, n: int = 15) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def svg(chart: Chart) -> str:
    """The chart as an inline SVG element."""
    h = chart.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" '
        f'font-family="{FONT}" font-size="12">',
        f'<text x="4" y="18" font-size="14" font-weight="bold">{html.escape(chart.title)}</text>',
    ]
    base = TOP + ROW_H * len(chart.bars)
    for t in chart.ticks:
        x = chart.x(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{base}" stroke="#dde3ea"/>')
        out.append(f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle" fill="#667">{t:g}{chart.unit}</text>')
    for i, bar in enumerate(chart.bars):
        y = TOP + i * ROW_H
        out.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{html.escape(_short(bar.label))}</text>')
        start = chart.scale_min if chart.scale_min > 0 else 0.0
        for value, colour in bar.segments:
            x0, x1 = chart.x(start), chart.x(start + value)
            if abs(x1 - x0) > 0.1:
                out.append(
                    f'<rect x="{min(x0, x1):.1f}" y="{y + 4}" width="{abs(x1 - x0):.1f}" height="{ROW_H - 8}" '
                    f'fill="{colour}"/>'
                )
            start += value
        if bar.marker is not None:
            mx = chart.x(bar.marker)
            out.append(
                f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + ROW_H - 1}" stroke="#222" stroke-width="2"/>'
            )
        if bar.note:
            out.append(f'<text x="{WIDTH - 56}" y="{y + 15}" fill="#444">{html.escape(bar.note)}</text>')
    lx = LABEL_W
    for name, colour in chart.legend:
        out.append(f'<rect x="{lx}" y="{base + 22}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{base + 31}">{html.escape(name)}</text>')
        lx += 28 + 13 * len(name)
    out.append("</svg>")
    return "".join(out)


@lru_cache(maxsize=1)
def font_file() -> str | None:
    for path in FONT_FILES:
        if os.path.exists(path):
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", FONT], capture_output=True, text=True, check=False)
        return found.stdout.strip() or None
    return None


def png(chart: Chart, scale: int = 2) -> bytes:
    """The chart as a PNG (for the Word report), drawn with Pillow at ``scale`` × the SVG size."""
    from PIL import Image, ImageDraw, ImageFont

    path = font_file()

    def font(size: int):  # type: ignore[no-untyped-def]
        return ImageFont.truetype(path, size * scale) if path else ImageFont.load_default()

    img = Image.new("RGB", (WIDTH * scale, chart.height * scale), "white")
    d = ImageDraw.Draw(img)
    s = lambda v: v * scale  # noqa: E731
    d.text((s(4), s(4)), chart.title, fill="#000", font=font(14))
    base = TOP + ROW_H * len(chart.bars)
    for t in chart.ticks:
        x = chart.x(t)
        d.line([(s(x), s(TOP - 4)), (s(x), s(base))], fill="#dde3ea", width=scale)
        d.text((s(x), s(base + 8)), f"{t:g}{chart.unit}", fill="#667", font=font(11), anchor="mm")
    for i, bar in enumerate(chart.bars):
        y = TOP + i * ROW_H
        d.text((s(LABEL_W - 6), s(y + ROW_H / 2)), _short(bar.label), fill="#000", font=font(12), anchor="rm")
        start = chart.scale_min if chart.scale_min > 0 else 0.0
        for value, colour in bar.segments:
            x0, x1 = sorted((chart.x(start), chart.x(start + value)))
            if x1 - x0 > 0.1:
                d.rectangle([(s(x0), s(y + 4)), (s(x1), s(y + ROW_H - 4))], fill=colour)
            start += value
        if bar.marker is not None:
            mx = chart.x(bar.marker)
            d.line([(s(mx), s(y + 1)), (s(mx), s(y + ROW_H - 1))], fill="#222", width=2 * scale)
        if bar.note:
            d.text((s(WIDTH - 56), s(y + ROW_H / 2)), bar.note, fill="#444", font=font(11), anchor="lm")
    lx = LABEL_W
    for name, colour in chart.legend:
        d.rectangle([(s(lx), s(base + 22)), (s(lx + 10), s(base + 32))], fill=colour)
        d.text((s(lx + 14), s(base + 27)), name, fill="#000", font=font(12), anchor="lm")
        lx += 28 + 13 * len(name)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


LIGHT_LEGEND = [
    ("红灯", COLOURS["red"]),
    ("黄灯", COLOURS["yellow"]),
    ("绿灯", COLOURS["green"]),
    ("灰灯", COLOURS["grey"]),
]


def lights_by_policy(policies: list[dict]) -> Chart:  # type: ignore[type-arg]
    """Stacked bars: the number of KPIs of each light under each policy."""
    bars = []
    for p in policies:
        kpis = [k for t in p["tasks"] for k in t["kpis"]]
        counts = [sum(k["light"] == c for k in kpis) for c in ("red", "yellow", "green", "grey")]
        bars.append(
            Bar(
                p["title"],
                [(float(n), COLOURS[c]) for n, c in zip(counts, ("red", "yellow", "green", "grey"), strict=True)],
                note=str(len(kpis)),
            )
        )
    top = max([sum(v for v, _ in b.segments) for b in bars] + [1.0])
    step = 1.0 if top <= 8 else 2.0
    return Chart(
        "各政策指标灯色分布（个）",
        bars,
        top,
        ticks=[step * i for i in range(int(top // step) + 1)],
        legend=LIGHT_LEGEND,
    )


def progress_bars(kpis: list[dict]) -> Chart:  # type: ignore[type-arg]
    """Each KPI's progress f(latest) in % (bar, coloured by its light) against the schedule's f(expected) (mark)."""
    bars = []
    for k in kpis:
        f = k.get("progress")
        pct = 0.0 if f is None else 100.0 * f
        fe = k.get("expected_progress")
        bars.append(
            Bar(
                k["name"],
                [(pct, COLOURS[k["light"]])],
                None if fe is None else 100.0 * fe,
                note="—" if f is None else f"{pct:.0f}%",
            )
        )
    return Chart(
        "各指标完成进度（%，竖线为序时进度）",
        bars,
        120.0,
        -20.0,
        ticks=[-20, 0, 20, 40, 60, 80, 100, 120],
        legend=LIGHT_LEGEND,
    )
