from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from pathways.core.forms import DatePartsField
from pathways.core.models import Authority, User
from pathways.reporting import periods


class ReassignForm(forms.Form):
    from_worker = forms.ModelChoiceField(
        label="Whose cases",
        queryset=User.objects.none(),
        empty_label="Choose a worker",
        error_messages={"required": "Choose the worker whose cases move"},
    )
    to_workers = forms.ModelMultipleChoiceField(
        label="Colleagues to take them",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Cases go to whoever has most room under the cap, so the load stays even",
        error_messages={"required": "Choose at least one colleague"},
    )

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["from_worker"]).queryset = workers
        cast(forms.ModelChoiceField, self.fields["to_workers"]).queryset = workers
        self.fields["from_worker"].label_from_instance = lambda u: u.get_full_name() or u.email  # type: ignore[attr-defined]  # stubs type it as Field
        self.fields["to_workers"].label_from_instance = lambda u: u.get_full_name() or u.email  # type: ignore[attr-defined]  # stubs type it as Field


# --- the outcome report pages ---------------------------------------------------------

YEARS_OFFERED = 10


class ReportForm(forms.Form):
    """Which authority: one of those the user may report on, or all of them. Read
    from the query string, so that every page, chart and export of a report is a link
    that can be shared with a colleague who may see it."""

    authority = forms.ChoiceField(label="Authority", required=False)

    def __init__(self, data: QueryDict, *, authorities: list[Authority], today: dt.date) -> None:
        super().__init__(data)
        self.authorities = authorities
        self.today = today
        choices = [(a.code, a.name) for a in authorities]
        if len(authorities) > 1:
            choices.insert(0, ("", f"All {len(authorities)} authorities you report on"))
        cast(forms.ChoiceField, self.fields["authority"]).choices = choices

    def chosen_authorities(self) -> list[Authority]:
        code = self.cleaned_data.get("authority")
        return [a for a in self.authorities if a.code == code] if code else self.authorities

    def query(self) -> dict[str, str | int]:
        """The query string that asks for the same report (for its chart and rows)."""
        return {"authority": self.cleaned_data.get("authority") or ""}


def _date_parts(name: str, day: dt.date) -> dict[str, int]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


class EmploymentRateForm(ReportForm):
    """A financial year or any reporting date; neither means the end of the last
    complete financial year (``periods.last_year_end``)."""

    year = forms.ChoiceField(label="Financial year", required=False)
    on = DatePartsField(
        label="Or a reporting date",
        label_for_errors="reporting date",
        help_text="For example, 30 9 2025",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = periods.last_year_end(self.today)
        years = [
            periods.financial_year_of(latest.replace(year=latest.year - n))
            for n in range(YEARS_OFFERED)
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "Not chosen"),
            *((y, f"{y} (to 31 March {int(y[:4]) + 1})") for y in years),
        ]
        self.fields["year"].help_text = (
            "Counted on 31 March, the end of the year. Leave the year and the date blank "
            f"for the last complete year, {years[0]}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year") and data.get("on"):
            self.add_error("on", "Choose a financial year or give a date, not both")
        return data

    @property
    def reporting_date(self) -> dt.date:
        if self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        if self.cleaned_data.get("year"):
            return periods.financial_year_end(self.cleaned_data["year"])
        return periods.last_year_end(self.today)

    @property
    def report_dates(self) -> tuple[dt.date, ...]:
        return (self.reporting_date,)

    def query(self) -> dict[str, str | int]:
        return {**super().query(), **_date_parts("on", self.reporting_date)}


class PeriodForm(ReportForm):
    """A period, both days included; blank means the last 12 months."""

    start = DatePartsField(
        label="From",
        label_for_errors="first day",
        help_text="For example, 1 4 2025",
        required=False,
    )
    end = DatePartsField(
        label="To", label_for_errors="last day", help_text="For example, 31 3 2026", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = self.period if not self.errors else (None, None)
        if start and end and start > end:
            self.add_error("start", "The first day must be on or before the last day")
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        default_start, default_end = periods.last_twelve_months(self.today)
        end = self.cleaned_data.get("end") or default_end
        start = self.cleaned_data.get("start")
        if start is None:
            start = default_start if end == default_end else periods.last_twelve_months(end)[0]
        return start, end

    @property
    def report_dates(self) -> tuple[dt.date, ...]:
        return self.period

    def query(self) -> dict[str, str | int]:
        start, end = self.period
        return {**super().query(), **_date_parts("start", start), **_date_parts("end", end)}


#: The forms the outcome reports are asked with. Each gives ``report_dates``: the dates
#: as the report's functions take them after the authorities, ``(reporting date,)``
#: or ``(first day, last day)``.
OutcomeReportForm = EmploymentRateForm | PeriodForm


class ProvidersForm(PeriodForm):
    """One authority's providers over a period (blank: the last 12 months), and
    optionally one contract."""

    contract = forms.CharField(label="Contract reference", required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["authority"]).choices = [
            (a.code, a.name) for a in self.authorities
        ]

    def chosen_authorities(self) -> list[Authority]:
        chosen = super().chosen_authorities()
        return chosen[:1]

    def query(self) -> dict[str, str | int]:
        start, end = self.period
        return {
            "authority": self.chosen_authorities()[0].code,
            "contract": self.cleaned_data.get("contract") or "",
            **_date_parts("start", start),
            **_date_parts("end", end),
        }
