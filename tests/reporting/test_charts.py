"""The report charts: SVG from figures, the same bytes every time, the numbers written
on them, and alt text that says what they show. Pure functions: no database."""

from __future__ import annotations

import datetime as dt
import re
import threading
from xml.etree import ElementTree

import pytest

from pathways.reporting import charts
from pathways.reporting.periods import quarter_ends

ON = "2026-03-31"


def cohort(denominator: int, numerator: int, percent: float | None) -> dict:
    bands = {"under_16": 0, "16_to_29": numerator, "30_plus": 0}
    return {
        "denominator": denominator,
        "numerator": numerator,
        "percent": percent,
        "hours_bands": bands,
    }


RATE = {
    "reporting_date": ON,
    "authorities": ["E09000025"],
    "learning_disability": cohort(3, 1, 33.3),
    "secondary_mental_health": cohort(0, 0, None),
}


def trend() -> list[dict]:
    return [
        {
            **RATE,
            "reporting_date": day.isoformat(),
            "learning_disability": cohort(10, i, float(10 * i)),
            "secondary_mental_health": cohort(4, 1, 25.0) if i >= 4 else cohort(0, 0, None),
        }
        for i, day in enumerate(quarter_ends(dt.date(2026, 3, 31)))
    ]


def zeroes() -> dict:
    return dict.fromkeys(
        ("job_starts", "sustained_13_weeks", "sustained_26_weeks", "sustained_52_weeks"), 0
    )


def outcomes() -> dict:
    by_need = {
        need: zeroes()
        for need in (
            "learning_disability",
            "mental_health",
            "physical",
            "sensory",
            "memory_cognition",
            "substance_misuse",
            "social_other",
            "unknown",
        )
    }
    by_need["learning_disability"] = {
        "job_starts": 7,
        "sustained_13_weeks": 4,
        "sustained_26_weeks": 2,
        "sustained_52_weeks": 1,
    }
    by_need["unknown"] = {**zeroes(), "job_starts": 3}
    return {
        "from": "2025-04-01",
        "to": ON,
        "authorities": ["E09000025"],
        "job_starts": 10,
        "sustained_13_weeks": 4,
        "sustained_26_weeks": 2,
        "sustained_52_weeks": 1,
        "by_need": by_need,
    }


SAVINGS = {
    "from": "2025-04-01",
    "to": ON,
    "authorities": ["E09000025"],
    "people": 3,
    "weekly_before": "1800.00",
    "weekly_now": "1200.00",
    "annual_saving": "31200.00",
}


def texts(svg: bytes) -> list[str]:
    """Every piece of text on the chart, as a reader of the SVG finds it."""
    root = ElementTree.fromstring(svg)
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


DRAWN = [
    (charts.cohort_rates_svg, RATE),
    (charts.rate_trend_svg, trend()),
    (charts.outcomes_svg, outcomes()),
    (charts.savings_svg, SAVINGS),
]


@pytest.mark.parametrize(("draw", "figures"), DRAWN)
def test_charts_are_svg_and_the_same_every_time(draw, figures):
    first = draw(figures)
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert draw(figures) == first
    assert b"<dc:date>" not in first  # no time of drawing in the metadata
    assert b"<script" not in first


def test_the_same_figures_give_the_same_chart_from_many_threads():
    expected = charts.savings_svg(SAVINGS)
    results: list[bytes] = []

    def draw():
        results.append(charts.savings_svg(SAVINGS))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_cohort_chart_labels_each_bar_with_its_numbers():
    words = texts(charts.cohort_rates_svg(RATE))
    assert "Learning disability: 33.3% (1 of 3 people)" in words
    assert "Secondary mental health: no one counted" in words
    assert "Percentage in paid work" in words
    assert "In paid work on 31 March 2026" in words


def test_trend_chart_labels_every_quarter_and_point():
    words = texts(charts.rate_trend_svg(trend()))
    joined = " ".join(words)
    for label in ("Jun", "Sep", "Dec", "Mar", "2024", "2026"):
        assert label in joined
    for i in range(8):
        assert f"{10 * i:.1f}%" in words
    assert "25.0%" in words
    assert "Learning disability" in words and "Secondary mental health" in words
    assert "Quarter end" in words


def test_trend_labels_the_higher_point_above_and_the_lower_below():
    svg = charts.rate_trend_svg(trend()).decode()
    # at the last quarter end learning disability (70.0%) is above mental health (25.0%)
    high = re.search(r'<text[^>]*y="([\d.]+)"[^>]*>70\.0%</text>', svg)
    low = re.search(r'<text[^>]*y="([\d.]+)"[^>]*>25\.0%</text>', svg)
    assert high and low and float(high[1]) < float(low[1])


def test_trend_chart_tells_the_cohorts_apart_by_more_than_colour():
    svg = charts.rate_trend_svg(trend()).decode()
    assert "stroke-dasharray" in svg  # the mental health line is dashed
    # two marker shapes: circles and squares are different paths in <defs>
    assert len(re.findall(r'<path id="m[0-9a-f]+"', svg)) >= 2


def test_outcomes_chart_has_a_panel_per_measure_and_only_groups_with_outcomes():
    words = texts(charts.outcomes_svg(outcomes()))
    for title in (
        "Job starts: 10",
        "In work at 13 weeks: 4",
        "In work at 26 weeks: 2",
        "In work at 52 weeks: 1",
    ):
        assert title in words
    assert "Learning disability" in words and "Not recorded" in words
    assert "Sensory support" not in words
    assert "7" in words and "3" in words


def test_outcomes_chart_with_no_outcomes_lists_every_group():
    empty = outcomes()
    empty["by_need"] = {need: zeroes() for need in empty["by_need"]}
    words = texts(charts.outcomes_svg(empty))
    assert "Sensory support" in words and "Job starts: 10" in words


def test_savings_chart_labels_the_money():
    words = texts(charts.savings_svg(SAVINGS))
    assert "Before work: £1,800.00 a week" in words
    assert "Now: £1,200.00 a week" in words
    assert "3 people: a saving of £31,200.00 a year" in words


def test_savings_chart_when_costs_rose_and_when_nobody_counts():
    rose = {**SAVINGS, "weekly_now": "1900.00", "annual_saving": "-5200.00"}
    assert "3 people: costs £5,200.00 a year more" in texts(charts.savings_svg(rose))
    nobody = {**SAVINGS, "people": 0, "weekly_before": "0.00", "weekly_now": "0.00"}
    words = " ".join(texts(charts.savings_svg(nobody)))
    assert "No one with care costs started paid work" in words


def test_alt_texts_summarise_each_chart():
    assert charts.cohort_rates_alt(RATE) == (
        "Bar chart of the percentage of each cohort in paid work on 31 March 2026. "
        "Learning disability: 33.3% (1 of 3 people); secondary mental health: no one counted."
    )
    assert charts.rate_trend_alt(trend()) == (
        "Line chart of the percentage in paid work at the 8 quarter ends from 30 June 2024 "
        "to 31 March 2026. Learning disability: 0.0% on 30 June 2024, 70.0% on 31 March "
        "2026. Secondary mental health: 25.0% on 30 June 2025, 25.0% on 31 March 2026."
    )
    assert charts.outcomes_alt(outcomes()) == (
        "Bar charts of job starts and of people still in work 13, 26 and 52 weeks after "
        "starting, by need group, from 1 April 2025 to 31 March 2026. Job starts: 10, in "
        "work at 13 weeks: 4, in work at 26 weeks: 2, in work at 52 weeks: 1. Most job "
        "starts: learning disability (7)."
    )
    assert charts.savings_alt(SAVINGS) == (
        "Bar chart of the weekly care costs of the 3 people who started paid work from "
        "1 April 2025 to 31 March 2026: £1,800.00 a week before work, £1,200.00 a week "
        "now; a saving of £31,200.00 a year."
    )


def test_money_words():
    assert charts.pounds("31200.00") == "£31,200.00"
    assert charts.pounds("-5.5") == "-£5.50"
    assert charts.long_date("2026-03-01") == "1 March 2026"
