"""The report charts, drawn on the server as SVG: figures in, SVG bytes out, and the
words for each chart's ``alt`` text.

Why matplotlib: the pages run under a strict Content-Security-Policy (scripts and
styles from our own origin only), so a JavaScript charting library would have to be
vendored, kept up to date and still could not set inline styles. Matplotlib is the
standard Python plotting library, draws on the server with no browser involved, and
writes SVG: sharp at any zoom, small, and with the labels as real text. The page shows
each chart as an ``<img>`` from its own URL (so the chart's own inline styling is not
the page's, see docs/decisions/0013-report-charts.md) with a table of the same numbers
beside it; the chart is never the only place a number appears.

Every chart is:

- **deterministic**: the same figures give the same bytes (``svg.hashsalt`` fixes the
  clip-path ids, ``metadata={"Date": None}`` leaves out the time of drawing, and the
  layout font is matplotlib's own DejaVu Sans, present wherever matplotlib is);
- **readable**: near-black text on white, GOV.UK blue bars, axes labelled, every bar
  and point labelled with its number, and the two cohorts in the trend told apart by
  marker and line style as well as colour;
- **thread-safe**: drawn and written through ``core.charts.svg_of``, under the one lock
  every chart shares (the object-oriented ``Figure`` API, no pyplot state).

matplotlib is imported when a chart is first drawn, not with this module: the report
descriptions (``catalogue``) name these functions, and ``pathways report`` should not
spend a second loading matplotlib to print JSON.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pathways.reporting import outcomes as reports
from pathways.reporting.figures import COHORT_LABELS, MEASURE_LABELS, need_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BLACK = "#0b0c0c"  # GOV.UK text colour
BLUE = "#1d70b8"  # GOV.UK blue: 5.2:1 against white
GREY = "#505a5f"  # GOV.UK secondary text: 7:1 against white
WHITE = "#ffffff"

#: Typed loosely: matplotlib types the keys as a Literal of every setting name.
SETTINGS: dict[Any, Any] = {
    "svg.hashsalt": "pathways-report-charts",
    "svg.fonttype": "none",  # text stays text: searchable, selectable, sharp
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 11,
    "text.color": BLACK,
    "axes.edgecolor": GREY,
    "axes.labelcolor": BLACK,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": BLACK,
    "ytick.color": BLACK,
    "figure.facecolor": WHITE,
    "axes.facecolor": WHITE,
}

#: How each cohort's line looks in the trend: colour, marker and line style.
COHORT_STYLES = {
    reports.LEARNING_DISABILITY: (BLUE, "o", "-"),
    reports.SECONDARY_MENTAL_HEALTH: (BLACK, "s", "--"),
}


# --- words ----------------------------------------------------------------------------


def long_date(value: dt.date | str) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def short_quarter(value: str) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day:%b}\n{day.year}"


def pounds(value: str | Decimal) -> str:
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def number(value: Any) -> float:
    """A figure to draw: a count or percent, or 0 for one the small-number rules hide
    (``disclosure``: its mark, such as ``<5``, is written beside it instead)."""
    return 0 if isinstance(value, str) or value is None else value


def rate_words(figures: dict) -> str:
    """``33.3% (1 of 3 people)``, that no one was counted, or that the percentage is
    not shown (small numbers: ``not shown (<5 of 40 people)``)."""
    if figures["denominator"] == 0:
        return "no one counted"
    people = "person" if figures["denominator"] == 1 else "people"
    counted = f"{figures['numerator']} of {figures['denominator']} {people}"
    if isinstance(figures["percent"], str):
        return f"not shown ({counted})"
    return f"{figures['percent']:.1f}% ({counted})"


def cohort_rates_alt(rate: dict) -> str:
    parts = "; ".join(
        f"{COHORT_LABELS[cohort].lower()}: {rate_words(rate[cohort])}" for cohort in reports.COHORTS
    )
    return (
        "Bar chart of the percentage of each cohort in paid work on "
        f"{long_date(rate['reporting_date'])}. {parts[0].upper()}{parts[1:]}."
    )


def rate_trend_alt(points: Sequence[dict], targets: Sequence[dict] = ()) -> str:
    parts = []
    for cohort in reports.COHORTS:
        counted = [
            (p["reporting_date"], p[cohort])
            for p in points
            if isinstance(p[cohort]["percent"], int | float)
        ]
        name = COHORT_LABELS[cohort]
        if not counted:
            parts.append(f"{name}: no percentage to show.")
            continue
        said = [f"{figures['percent']:.1f}% on {long_date(day)}" for day, figures in counted]
        parts.append(f"{name}: {said[0]}" + (f", {said[-1]}." if len(said) > 1 else "."))
    for t in targets:
        parts.append(
            f"{t['label']} ({COHORT_LABELS[t['cohort']].lower()}, year ending "
            f"{long_date(t['year_ending'])}): {t['value']}%."
        )
    first, last = points[0]["reporting_date"], points[-1]["reporting_date"]
    return (
        f"Line chart of the percentage in paid work at the {len(points)} quarter ends from "
        f"{long_date(first)} to {long_date(last)}. " + " ".join(parts)
    )


def outcomes_alt(data: dict) -> str:
    totals = ", ".join(f"{MEASURE_LABELS[m].lower()}: {data[m]}" for m in reports.OUTCOME_MEASURES)
    top = max(data["by_need"].items(), key=lambda item: number(item[1]["job_starts"]))
    most = (
        f" Most job starts: {need_label(top[0]).lower()} ({top[1]['job_starts']})."
        if number(top[1]["job_starts"])
        else ""
    )
    return (
        "Bar charts of job starts and of people still in work 13, 26 and 52 weeks after "
        f"starting, by need group, from {long_date(data['from'])} to {long_date(data['to'])}. "
        f"{totals[0].upper()}{totals[1:]}.{most}"
    )


def _year_name(year_ending: str) -> str:
    last = dt.date.fromisoformat(year_ending)
    return f"{last.year - 1}-{str(last.year)[2:]}"


def _whole_year(year_ending: str, counted: dict) -> bool:
    return counted["from"] == f"{int(year_ending[:4]) - 1}-04-01" and counted["to"] == year_ending


def year_words(year_ending: str, counted: dict) -> str:
    """``2025-26``, and the part of it counted when the period cuts it."""
    if _whole_year(year_ending, counted):
        return _year_name(year_ending)
    return f"{_year_name(year_ending)} ({long_date(counted['from'])} to {long_date(counted['to'])})"


def _year_tick(year_ending: str, counted: dict) -> str:
    """A year under its bar: its name, and the days counted when the period cuts it."""
    if _whole_year(year_ending, counted):
        return _year_name(year_ending)
    first, last = (dt.date.fromisoformat(counted[k]) for k in ("from", "to"))
    return f"{_year_name(year_ending)}\n{first.day} {first:%b %Y} to {last.day} {last:%b %Y}"


def figure_words(t: dict) -> str:
    kind = "target" if t["kind"] == "target" else "comparator"
    return f"{t['label']} ({kind}, year ending {long_date(t['year_ending'])}): {t['value']}"


def job_starts_years_alt(data: dict, targets: Sequence[dict] = ()) -> str:
    years = "; ".join(
        f"{year_words(year, counted)}: {counted['job_starts']}"
        for year, counted in data["by_year"].items()
    )
    beside = "".join(f" {figure_words(t)} job starts." for t in targets)
    return (
        "Bar chart of job starts in each financial year, from "
        f"{long_date(data['from'])} to {long_date(data['to'])}. {years}.{beside}"
    )


def savings_alt(data: dict) -> str:
    period = f"from {long_date(data['from'])} to {long_date(data['to'])}"
    if isinstance(data["people"], str):
        return (
            f"Bar chart of weekly care costs: not shown, as {data['people']} people with care "
            f"costs started paid work {period}."
        )
    if not data["people"]:
        return f"Bar chart of weekly care costs: no one with care costs started paid work {period}."
    people = "person" if data["people"] == 1 else "people"
    return (
        f"Bar chart of the weekly care costs of the {data['people']} {people} who started "
        f"paid work {period}: {pounds(data['weekly_before'])} a week before work, "
        f"{pounds(data['weekly_now'])} a week now; "
        f"{_saving_words(data['annual_saving'])}."
    )


def _saving_words(annual: str) -> str:
    amount = Decimal(annual)
    if amount < 0:
        return f"costs {pounds(-amount)} a year more"
    return f"a saving of {pounds(amount)} a year"


# --- drawing --------------------------------------------------------------------------


def _svg(draw: Callable[[], Figure]) -> bytes:
    from pathways.core.charts import svg_of  # chooses matplotlib's backend first

    return svg_of(draw, SETTINGS)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _empty(axes: Axes, message: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, wrap=True)


def _labelled_bars(axes: Axes, labels: Sequence[str], values: Sequence[float]) -> None:
    """Horizontal bars, top to bottom, each with its label written just above it (the
    name and the number in one line: nothing to match up by eye or by colour)."""
    ys = [i * 1.25 for i in range(len(values))]
    axes.barh(ys, values, color=BLUE, height=0.5)
    for y, label in zip(ys, labels, strict=True):
        axes.text(0, y - 0.33, label, va="bottom", ha="left", color=BLACK)
    axes.set_ylim(ys[-1] + 0.45, -0.95)
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)


def cohort_rates_svg(rate: dict) -> bytes:
    """Each cohort's percentage in paid work on the reporting date, as labelled bars."""

    def draw() -> Figure:
        figure = _figure(4.8, 2.7)
        axes = figure.add_subplot()
        _labelled_bars(
            axes,
            [f"{COHORT_LABELS[c]}: {rate_words(rate[c])}" for c in reports.COHORTS],
            [number(rate[c]["percent"]) for c in reports.COHORTS],
        )
        axes.set_xlim(0, 100)
        axes.set_xticks(range(0, 101, 25))
        axes.set_xlabel("Percentage in paid work")
        axes.set_title(f"In paid work on {long_date(rate['reporting_date'])}", loc="left")
        return figure

    return _svg(draw)


def rate_trend_svg(points: Sequence[dict], targets: Sequence[dict] = ()) -> bytes:
    """Each cohort's percentage in paid work at each quarter end, as labelled lines;
    at each quarter the higher value is labelled above its point, the lower below.
    Each target or comparator (``commissioning.targets.as_json``) is a thin dotted
    line in its cohort's colour over the quarter ends of its financial year on the
    chart, labelled at its right end; one for a year not on the chart is left to the
    table beside it."""

    def draw() -> Figure:
        figure = _figure(7.2, 4.0)
        axes = figure.add_subplot()
        xs = list(range(len(points)))
        series = {
            cohort: [
                p[cohort]["percent"] if isinstance(p[cohort]["percent"], int | float) else math.nan
                for p in points
            ]
            for cohort in reports.COHORTS
        }
        first, second = reports.COHORTS
        for cohort, ys in series.items():
            colour, marker, style = COHORT_STYLES[cohort]
            other = series[second if cohort == first else first]
            axes.plot(
                xs,
                ys,
                color=colour,
                marker=marker,
                linestyle=style,
                linewidth=2,
                markersize=7,
                label=COHORT_LABELS[cohort],
            )
            for x, y in zip(xs, ys, strict=True):
                if math.isnan(y):
                    continue
                above = math.isnan(other[x]) or y > other[x] or (y == other[x] and cohort == first)
                axes.annotate(
                    f"{y:.1f}%",
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 8 if above else -9),
                    ha="center",
                    va="bottom" if above else "top",
                    fontsize=9,
                    color=colour,
                )
        drawn_targets = _draw_targets(axes, points, targets)
        highest = max(
            [
                0.0,
                *(y for ys in series.values() for y in ys if not math.isnan(y)),
                *drawn_targets,
            ]
        )
        top = min(100, max(10, math.ceil((highest + 10) / 10) * 10))
        axes.set_ylim(-top * 0.1, top * 1.1)
        axes.set_xticks(xs, [short_quarter(p["reporting_date"]) for p in points])
        axes.set_xlabel("Quarter end")
        axes.set_ylabel("Percentage in paid work")
        axes.set_title("In paid work at each quarter end", loc="left")
        axes.legend(loc="upper left", frameon=False, ncols=2, bbox_to_anchor=(0, -0.22))
        return figure

    return _svg(draw)


def _label_line(axes: Any, text: str, at: tuple[float, float], colour: str) -> None:
    """A target's or comparator's name and value, just right of the end of its line."""
    axes.annotate(
        text,
        at,
        textcoords="offset points",
        xytext=(2, 0),
        ha="left",
        va="center",
        fontsize=8,
        color=colour,
    )


def _draw_targets(axes: Any, points: Sequence[dict], targets: Sequence[dict]) -> list[float]:
    """Draw the figures whose year has a quarter end on the chart; their values."""
    days = [p["reporting_date"] for p in points]
    drawn = []
    for t in targets:
        year_end = dt.date.fromisoformat(t["year_ending"])
        year_start = dt.date(year_end.year - 1, 4, 1).isoformat()
        xs = [x for x, day in enumerate(days) if year_start <= day <= t["year_ending"]]
        if not xs:
            continue
        value = float(t["value"])
        colour = COHORT_STYLES[t["cohort"]][0]
        style = ":" if t["kind"] == "target" else "-."
        axes.plot(
            [xs[0] - 0.3, xs[-1] + 0.3],
            [value, value],
            color=colour,
            linestyle=style,
            linewidth=1.5,
        )
        _label_line(axes, f"{t['label']}: {value:.1f}%", (xs[-1] + 0.3, value), colour)
        drawn.append(value)
    return drawn


def outcomes_svg(data: dict) -> bytes:
    """Job starts and sustained jobs by need group: one panel per measure, a labelled
    bar per need group that has any outcome (all groups when none has)."""

    def draw() -> Figure:
        from matplotlib.ticker import MaxNLocator

        needs = [need for need, counts in data["by_need"].items() if any(counts.values())] or list(
            data["by_need"]
        )
        figure = _figure(9.6, 1.9 + 0.42 * len(needs))
        panels = figure.subplots(1, len(reports.OUTCOME_MEASURES), sharey=True)
        widest = max(
            [1, *(number(data["by_need"][n][m]) for n in needs for m in reports.OUTCOME_MEASURES)]
        )
        labels = [need_label(n) for n in needs]
        for axes, measure in zip(panels, reports.OUTCOME_MEASURES, strict=True):
            counts = [data["by_need"][n][measure] for n in needs]
            bars = axes.barh(labels, [number(c) for c in counts], color=BLUE, height=0.6)
            axes.bar_label(
                bars, labels=[str(c) for c in counts], padding=3, color=BLACK, fontsize=10
            )
            axes.set_xlim(0, widest * 1.35)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
            axes.set_title(f"{MEASURE_LABELS[measure]}: {data[measure]}", loc="left", fontsize=10)
            axes.set_xlabel("Placements")
        panels[0].invert_yaxis()
        figure.suptitle(
            f"Job outcomes by need group, {long_date(data['from'])} to {long_date(data['to'])}",
            x=0.01,
            ha="left",
            fontweight="bold",
        )
        return figure

    return _svg(draw)


def job_starts_years_svg(data: dict, targets: Sequence[dict] = ()) -> bytes:
    """The period's job starts in each financial year, as labelled bars; each target
    (dotted) or comparator (dash-dot) of a year on the chart is a line across its
    year's bar, labelled with its name and value (``commissioning.targets.as_json``)."""

    def draw() -> Figure:
        from matplotlib.ticker import MaxNLocator

        years = list(data["by_year"].items())
        figure = _figure(max(4.8, 2.2 * len(years) + 2.6), 3.8)
        axes = figure.add_subplot()
        counts = [counted["job_starts"] for _, counted in years]
        xs = list(range(len(years)))
        bars = axes.bar(xs, [number(c) for c in counts], color=BLUE, width=0.6)
        axes.bar_label(bars, labels=[str(c) for c in counts], padding=3, color=BLACK)
        place = {year: x for x, (year, _) in enumerate(years)}
        drawn = []
        for t in targets:
            if t["year_ending"] not in place:
                continue
            x, value = place[t["year_ending"]], float(t["value"])
            style = ":" if t["kind"] == "target" else "-."
            axes.plot([x - 0.4, x + 0.4], [value, value], color=BLACK, linestyle=style)
            _label_line(axes, f"{t['label']}: {value:g}", (x + 0.4, value), BLACK)
            drawn.append(value)
        axes.set_xlim(-0.6, len(years) - 0.4 + (0.9 if drawn else 0))
        axes.set_ylim(0, max([1.0, *(number(c) for c in counts), *drawn]) * 1.2)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks(xs, [_year_tick(y, c) for y, c in years], fontsize=9)
        axes.set_ylabel("Job starts")
        axes.set_title("Job starts by financial year", loc="left")
        return figure

    return _svg(draw)


def savings_svg(data: dict) -> bytes:
    """The total weekly care cost before work and now, as two labelled bars."""

    def draw() -> Figure:
        figure = _figure(4.8, 2.7)
        axes = figure.add_subplot()
        period = f"{long_date(data['from'])} to {long_date(data['to'])}"
        if isinstance(data["people"], str):
            _empty(
                axes,
                f"Not shown: {data['people']} people with care costs\nstarted paid work {period}",
            )
            return figure
        if not data["people"]:
            _empty(axes, f"No one with care costs started\npaid work {period}")
            return figure
        before, now = Decimal(data["weekly_before"]), Decimal(data["weekly_now"])
        _labelled_bars(
            axes,
            [f"Before work: {pounds(before)} a week", f"Now: {pounds(now)} a week"],
            [float(before), float(now)],
        )
        axes.set_xlim(0, float(max(before, now)) * 1.05 or 1)
        axes.set_xlabel("Total weekly care cost (£)")
        people = "person" if data["people"] == 1 else "people"
        axes.set_title(
            f"{data['people']} {people}: {_saving_words(data['annual_saving'])}", loc="left"
        )
        return figure

    return _svg(draw)


# --- the providers report ----------------------------------------------------------------


def _contract_label(row: dict) -> str:
    return f"{row['provider']} ({row['contract_ref']})"


def providers_outcomes_svg(rows: Sequence[dict]) -> bytes:
    """Job starts and 26-week sustained jobs per contract, as labelled bars (a count
    hidden under the small-number rules draws as 0, with its mark in the label)."""

    def draw() -> Figure:
        figure = _figure(6.4, 1.2 + 1.1 * max(len(rows), 1))
        axes = figure.add_subplot()
        if not rows:
            _empty(axes, "No contract in force in the period")
            return figure
        labels, values = [], []
        for row in rows:
            for key, words in (("job_starts", "job starts"), ("sustained_26", "in work 26 weeks")):
                labels.append(f"{_contract_label(row)}: {row[key]} {words}")
                values.append(number(row[key]))
        _labelled_bars(axes, labels, values)
        axes.set_xlabel("People")
        axes.set_title("Job starts and jobs sustained 26 weeks", loc="left")
        return figure

    return _svg(draw)


def providers_cost_svg(rows: Sequence[dict]) -> bytes:
    """Cost per 26-week sustained job per contract (none where no job was sustained)."""

    def draw() -> Figure:
        figure = _figure(6.4, 1.2 + 0.6 * max(len(rows), 1))
        axes = figure.add_subplot()
        if not rows:
            _empty(axes, "No contract in force in the period")
            return figure
        labels, values = [], []
        for row in rows:
            cost = row["cost_per_sustained_26"]
            shown = pounds(cost) if isinstance(cost, str) and cost[:1].isdigit() else "none"
            labels.append(f"{_contract_label(row)}: {shown}")
            values.append(float(Decimal(cost)) if shown != "none" else 0.0)
        _labelled_bars(axes, labels, values)
        axes.set_xlabel("Pounds per job sustained 26 weeks")
        axes.set_title("Cost per sustained job", loc="left")
        return figure

    return _svg(draw)


def providers_alt(rows: Sequence[dict]) -> str:
    if not rows:
        return "No contract in force in the period."
    parts = "; ".join(
        f"{_contract_label(r)}: {r['job_starts']} job starts, {r['sustained_26']} in work"
        f" 26 weeks, cost per sustained job {r['cost_per_sustained_26'] or 'none'}"
        for r in rows
    )
    return f"Bar charts per contract. {parts}."
