"""The address registry's import page, for the city's administrator, and the settling of
addresses a re-import no longer lists while appeals point at them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.permissions import Action, may
from mycity.cities.addresses import suggestion_attrs
from mycity.cities.models import Building, City
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.setup.addresses import (
    appeal_counts,
    import_addresses,
    settle_vanished_address,
    successor_named,
    vanished_to_settle,
)
from mycity.web.form_errors import refusals

SHOWN_VANISHED = 100


class AddressImportForm(forms.Form):
    """The registry's file; its kind and size are checked by the service
    (`import_addresses`), for the page and the API alike."""

    file = forms.FileField(
        label=_("Registry file"),
        help_text=_(
            "CSV, GeoJSON or an OpenStreetMap extract (.osm.pbf), as docs/address-registry.md"
            " says. Up to 50 MB; a larger extract is imported with the command"
            " `mycity import_addresses`."
        ),
    )
    strict = forms.BooleanField(label=_("Import nothing if any row is refused"), required=False)


class SettleForm(forms.Form):
    building = forms.IntegerField(widget=forms.HiddenInput)
    successor = forms.CharField(label=_("New address"), max_length=200, required=False)
    keep = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, city: City, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.city = city
        self.fields["successor"].widget.attrs.update(suggestion_attrs(city))

    def clean(self) -> dict:
        data = super().clean() or {}
        data["successor_building"] = None
        if data.get("keep"):
            return data
        with refusals(self):
            data["successor_building"] = successor_named(self.city, data.get("successor") or "")
        return data


def _vanished_rows(city: City) -> list[tuple[Building, int]]:
    buildings = list(vanished_to_settle(city)[:SHOWN_VANISHED])
    counts = appeal_counts(buildings)
    return [(building, counts.get(building.pk, 0)) for building in buildings]


@login_required
@require_http_methods(["GET", "POST"])
def addresses(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    form = AddressImportForm(request.POST or None, request.FILES or None)
    status, problems, result = 200, list[str](), None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                result = import_addresses(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    upload=form.cleaned_data["file"],
                    strict=form.cleaned_data["strict"],
                )
                status = 200
            if refused:
                status, problems = refused.status, refused.problems
    return _page(request, city, form=form, problems=problems, result=result, status=status)


def _page(request: HttpRequest, city: City, **context: object) -> HttpResponse:
    context.setdefault("form", AddressImportForm())
    return console_page(
        request,
        city,
        "console/addresses.html",
        buildings=Building.objects.filter(city=city).count(),
        vanished=_vanished_rows(city),
        successor_attrs=suggestion_attrs(city),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        **context,
    )


@login_required
@require_POST
def settle_address(request: HttpRequest, slug: str) -> HttpResponse:
    """Map one vanished address to its successor, or keep it as historical."""
    city = setup_city(request, slug)
    form = SettleForm(city, request.POST)
    problems: list[str] = []
    if form.is_valid():
        with refusals(form) as refused:
            settle_vanished_address(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                building_id=form.cleaned_data["building"],
                successor=form.cleaned_data["successor_building"],
            )
            messages.success(request, gettext("The address is settled."))
            return redirect("console:addresses", slug=city.slug)
        problems = refused.problems
    problems += [str(e) for errors in form.errors.values() for e in errors]
    return _page(
        request,
        city,
        problems=problems,
        settling=form.data.get("building"),
        status=400,
    )
