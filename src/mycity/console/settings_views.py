"""The city's settings and districts, for its administrator."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mycity.accounts.permissions import Action, may
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.cities.models import City, District
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.console.organisation_views import area_map
from mycity.console.settings_forms import CitySettingsForm, DistrictForm, OsmDistrictsForm
from mycity.setup.city_settings import (
    CITY_FIELDS,
    change_city_settings,
    preview_registration_number,
    save_district,
)
from mycity.setup.osm_districts import import_districts
from mycity.web.form_errors import refusals


def _page(request: HttpRequest, city: City, template: str, **context: object) -> HttpResponse:
    context.setdefault("can_read_audit", may(request.user, Action.READ_AUDIT, city))
    return allow_tiles(console_page(request, city, template, **context), tiles_of(city))


@login_required
@require_http_methods(["GET", "POST"])
def city_settings(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    initial = {name: getattr(city, name) for name in CITY_FIELDS}
    initial["boundary"] = json.dumps(city.boundary)
    form = CitySettingsForm(request.POST or None, initial=initial)
    form.fields["registration_format"].widget.attrs.update(
        {
            "hx-get": reverse("console:registration_preview", kwargs={"slug": city.slug}),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#registration-preview",
        }
    )
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                change_city_settings(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    values=form.cleaned_data,
                )
                messages.success(request, _("The city's settings are saved."))
                return redirect("console:city_settings", slug=city.slug)
            status, problems = refused.status, refused.problems
    districts = [(d.name, d.boundary) for d in District.objects.filter(city=city)]
    return _page(
        request,
        city,
        "console/city_settings.html",
        form=form,
        problems=problems,
        preview=_preview(city.registration_format),
        area_map=area_map(city, others=districts),
        status=status,
    )


def _preview(fmt: str) -> str:
    preview = preview_registration_number(fmt)
    return preview.number or preview.problem


@login_required
@require_GET
def registration_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The live preview of a registration number format (htmx, as the field is typed)."""
    setup_city(request, slug)
    fmt = request.GET.get("registration_format", "")[:60]
    return HttpResponse(format_html("<output>{}</output>", _preview(fmt)))


@login_required
@require_http_methods(["GET", "POST"])
def districts(request: HttpRequest, slug: str) -> HttpResponse:
    """The list, and the import of districts from an OpenStreetMap extract or GeoJSON."""
    city = setup_city(request, slug)
    form = OsmDistrictsForm(request.POST or None, request.FILES or None)
    status, problems = 200, list[str]()
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                result = import_districts(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    upload=form.cleaned_data["file"],
                    admin_level=form.cleaned_data["admin_level"],
                )
                messages.success(
                    request,
                    _("Districts from OpenStreetMap: %(saved)d saved, %(created)d of them new.")
                    % {"saved": len(result.saved), "created": result.created},
                )
                return redirect("console:districts", slug=city.slug)
            status, problems = refused.status, refused.problems
    rows = list(District.objects.filter(city=city).order_by("name_ru"))
    return _page(
        request,
        city,
        "console/districts.html",
        districts=rows,
        osm_form=form,
        problems=problems,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def district(request: HttpRequest, slug: str, district_id: int | None = None) -> HttpResponse:
    city = setup_city(request, slug)
    current = None
    if district_id is not None:
        current = District.objects.filter(city=city, pk=district_id).first()
        if current is None:
            raise Http404
    initial = {}
    if current is not None:
        initial = {
            "name_ru": current.name_ru,
            "name_be": current.name_be,
            "name_en": current.name_en,
            "slug": current.slug,
            "boundary": json.dumps(current.boundary),
        }
    form = DistrictForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "boundary_file"}
            with refusals(form) as refused:
                saved = save_district(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    district=current,
                    values=values,
                )
                messages.success(request, _("The district is saved."))
                return redirect("console:district", slug=city.slug, district_id=saved.pk)
            status, problems = refused.status, refused.problems
    others = [
        (d.name, d.boundary)
        for d in District.objects.filter(city=city)
        if current is None or d.pk != current.pk
    ]
    return _page(
        request,
        city,
        "console/district.html",
        district=current,
        form=form,
        problems=problems,
        area_map=area_map(city, others=others),
        status=status,
    )
