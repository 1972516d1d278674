"""The city's organisations and their service areas, for its administrator: drawn on the
map (Leaflet-Geoman) or pasted as GeoJSON, checked for gaps and overlaps per category
before they are saved through `cities.organisations.save_organisation`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.permissions import Action, may
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.cities.models import City, Organisation
from mycity.console.category_views import setup_city
from mycity.console.coverage_report import (
    CategoryCoverage,
    category_coverage,
    proposed_coverage,
)
from mycity.console.editing import console_page
from mycity.console.organisation_forms import (
    OrganisationForm,
    organisation_initial,
    street_rows_for,
)
from mycity.setup.organisations import save_organisation
from mycity.web.form_errors import refusals


def area_map(
    city: City, *, others: list[tuple[str, dict | None]], gaps: list[CategoryCoverage] | None = None
) -> dict:
    """What the area editor draws: the city's boundary, the other organisations' areas,
    and the gaps the last check found."""
    tiles = tiles_of(city)
    return {
        "lat": city.centre_lat,
        "lon": city.centre_lon,
        "tiles": tiles.url,
        "attribution": tiles.attribution,
        "boundary": city.boundary,
        "others": [{"name": name, "area": area} for name, area in others if area is not None],
        "gaps": [row.coverage.gap for row in gaps or [] if row.coverage.has_gap],
    }


MAX_STREET_ROWS = 500


def _posted_rows(request: HttpRequest) -> int:
    """How many street rows the page that was sent had."""
    numbers = [
        int(name.removeprefix("street_"))
        for name in request.POST
        if name.startswith("street_") and name.removeprefix("street_").isdigit()
    ]
    return max(numbers, default=-1) + 1


@require_safe
@login_required
def organisations(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    rows = list(Organisation.objects.filter(city=city).order_by("kind", "display_order", "name_ru"))
    return console_page(
        request,
        city,
        "console/organisations.html",
        organisations=rows,
        coverage=category_coverage(city),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation(
    request: HttpRequest, slug: str, organisation_id: int | None = None
) -> HttpResponse:
    """The form; "Check" shows the gaps and overlaps the proposed values would leave,
    "Save" saves them (and refuses an overlap or an empty area)."""
    city = setup_city(request, slug)
    current = None
    if organisation_id is not None:
        current = Organisation.objects.filter(city=city, pk=organisation_id).first()
        if current is None:
            raise Http404
    if request.method == "POST":
        rows = min(max(street_rows_for(current), _posted_rows(request)), MAX_STREET_ROWS)
        form = OrganisationForm(request.POST, city=city, rows=rows)
    else:
        form = OrganisationForm(
            initial=organisation_initial(current), city=city, rows=street_rows_for(current)
        )
    status, checked = 200, None
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if request.POST.get("action") == "check":
                checked = proposed_coverage(city, current, form.values())
                status = 200
            else:
                with refusals(form) as refused:
                    saved = save_organisation(
                        actor=request.user,  # type: ignore[arg-type]
                        city=city,
                        organisation=current,
                        values=form.values(),
                    )
                    messages.success(request, _("The organisation is saved."))
                    return redirect(
                        "console:organisation", slug=city.slug, organisation_id=saved.pk
                    )
                status, problems = refused.status, refused.problems
    others = [
        other
        for other in Organisation.objects.filter(
            city=city, kind=Organisation.Kind.EXECUTOR, is_active=True
        ).order_by("display_order")
        if current is None or other.pk != current.pk
    ]
    response = console_page(
        request,
        city,
        "console/organisation.html",
        organisation=current,
        form=form,
        problems=problems,
        checked=checked,
        area_map=area_map(city, others=[(o.name, o.service_area) for o in others], gaps=checked),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )
    return allow_tiles(response, tiles_of(city))
