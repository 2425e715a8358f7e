"""The fading chart: planned job-coach hours a week (a step line) against the coaching
actually given (bars), one bar per whole week of the job.

Drawn with matplotlib's object API (no pyplot, so no global figure state between
requests) and written through ``core.charts.svg_of``: deterministic for the same weeks,
served from its own URL and shown with ``<img>`` (see that module for why).
"""

from __future__ import annotations

import math

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pathways.core.charts import svg_of
from pathways.employment.selectors import FadingWeek

#: Fixed, so that the ids in the SVG are the same each time.
HASH_SALT = "pathways-fading-chart"

# GOV.UK Design System colours.
BLUE = "#1d70b8"
ORANGE = "#f47738"
BLACK = "#0b0c0c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"


def fading_chart(weeks: list[FadingWeek], *, title: str = "") -> bytes:
    """The chart as SVG bytes; a short message in place of the chart when there is no
    whole week yet."""
    return svg_of(lambda: _draw(weeks, title), {"svg.hashsalt": HASH_SALT})


def _draw(weeks: list[FadingWeek], title: str) -> Figure:
    figure = Figure(figsize=(8, 3.6), dpi=100, layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(GREY)
    axes.spines["bottom"].set_color(GREY)
    axes.tick_params(colors=BLACK, labelsize=9)
    if title:
        axes.set_title(title, loc="left", fontsize=11, color=BLACK)
    if not weeks:
        axes.set_axis_off()
        axes.text(
            0.5,
            0.5,
            "No whole week of the job yet",
            ha="center",
            va="center",
            fontsize=11,
            color=GREY,
            transform=axes.transAxes,
        )
        return figure

    numbers = [w.number for w in weeks]
    actual = [float(w.actual_hours) for w in weeks]
    planned = [math.nan if w.planned_hours is None else float(w.planned_hours) for w in weeks]
    colours = [ORANGE if w.above_plan else BLUE for w in weeks]
    axes.bar(numbers, actual, width=0.7, color=colours, zorder=2)
    # The plan spans each whole bar: step from each week's left edge, and on to the
    # last week's right edge.
    edges = [n - 0.5 for n in numbers] + [numbers[-1] + 0.5]
    axes.step(
        edges,
        [*planned, planned[-1]],
        where="post",
        color=BLACK,
        linewidth=2,
        zorder=3,
    )
    legend = [
        Line2D([], [], color=BLACK, linewidth=2, label="Planned"),
        Patch(color=BLUE, label="Coaching given"),
    ]
    if any(w.above_plan for w in weeks):
        legend.append(Patch(color=ORANGE, label="Coaching above the plan"))
    axes.set_xlim(0.4, numbers[-1] + 0.6)
    top = max([*actual, *(p for p in planned if not math.isnan(p)), 1.0])
    axes.set_ylim(0, top * 1.15)
    axes.set_xlabel("Week of the job", fontsize=9, color=BLACK)
    axes.set_ylabel("Coaching hours", fontsize=9, color=BLACK)
    step = max(1, math.ceil(len(weeks) / 13))
    axes.set_xticks(numbers[::step])
    axes.grid(axis="y", color=LIGHT_GREY, linewidth=0.6, zorder=0)
    axes.legend(
        handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False
    )
    return figure
