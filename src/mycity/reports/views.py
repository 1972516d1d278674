"""The committee's reports in the console: the page, and the same tables as CSV and
XLSX. Each parses the period with one form and renders the report one function built."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from mycity.appeals.selectors import handled_in
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.reports.access import report_scope_for
from mycity.reports.exports import to_csv, to_xlsx
from mycity.reports.forms import ReportForm
from mycity.reports.tables import Report, build_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: HttpRequest, slug: str) -> tuple[City, ReportForm, Report | None]:
    """404 without a console in the city, 403 without the right to its figures; the
    report, or None when the form has mistakes."""
    city = console_city_for(request.user, slug)
    scope = report_scope_for(request.user, city)
    calendar = calendar_for(city)
    now = timezone.now()
    form = ReportForm(scope, calendar.local_date(now), request.GET)
    if not form.is_valid():
        return city, form, None
    return city, form, build_report(city, form.filters(), calendar=calendar, now=now)


def _page(
    request: HttpRequest, city: City, form: ReportForm, report: Report | None
) -> HttpResponse:
    query = urlencode(form.query()) if report is not None else ""
    return console_page(
        request,
        city,
        "reports/report.html",
        form=form,
        report=report,
        query=query,
        # The queue stays a click away for those who work one (a city administrator
        # may have none).
        no_queue=handled_in(request.user, city) is None,
        status=200 if report is not None else 400,
    )


@login_required
@require_GET
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    city, form, report = _report(request, slug)
    return _page(request, city, form, report)


def _download(
    render: Callable[[Report], bytes], content_type: str, extension: str
) -> Callable[..., HttpResponse]:
    @login_required
    @require_GET
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        city, form, report = _report(request, slug)
        if report is None:
            return _page(request, city, form, report)
        response = HttpResponse(render(report), content_type=content_type)
        name = f"appeals-{city.slug}-{report.filters.start}-{report.filters.end}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return view


report_csv = _download(to_csv, "text/csv; charset=utf-8", "csv")
report_xlsx = _download(to_xlsx, XLSX, "xlsx")
