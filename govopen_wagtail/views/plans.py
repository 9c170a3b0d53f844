"""Public views of a work plan's progress: per period, and as Word."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse

from ..services import plans as service
from . import render_page


def _periods(page) -> list[service.Period]:
    """The plan year's periods up to today's (all of them once the year is over)."""
    months = service.months_per_period()
    today = service.today()
    if today.year < page.year:
        return []
    last = 12 // months if today.year > page.year else service.period_of(today, months).number
    return [service.Period(page.year, n, months) for n in range(1, last + 1)]


def _chosen(page, year: int | None, number: int | None) -> tuple[list[service.Period], service.Period | None]:
    periods = _periods(page)
    if year is None:
        return periods, (periods[-1] if periods else None)
    chosen = next((p for p in periods if p.year == year and p.number == number), None)
    if chosen is None:
        raise Http404
    return periods, chosen


def progress_view(page, request, year: int | None = None, number: int | None = None):
    periods, chosen = _chosen(page, year, number)
    base = page.get_url(request) or ""
    rows = service.progress_rows(page, chosen) if chosen else []
    return render_page(
        page, request, 200, "govopen_wagtail/work_plan_progress.html",
        periods=[(p, base + page.reverse_subpage("progress_period", args=[p.year, p.number])) for p in periods],
        period=chosen, rows=rows,
        word_url=base + page.reverse_subpage("progress_word", args=[chosen.year, chosen.number]) if chosen else "",
        done=sum(1 for r in rows if r.status == "done"), overdue=sum(1 for r in rows if r.overdue),
    )


def progress_word_view(page, request, year: int, number: int):
    _periods_, chosen = _chosen(page, year, number)
    response = HttpResponse(service.progress_docx(page, chosen),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    filename = f"{page.title}-{chosen.year}-{chosen.number}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
