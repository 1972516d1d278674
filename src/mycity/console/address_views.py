"""The address registry's import page, for the city's administrator."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mycity.accounts.permissions import Action, may
from mycity.cities.models import Building
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.setup.addresses import import_addresses
from mycity.web.form_errors import refusals

MAX_UPLOAD = 50 * 1024 * 1024


class AddressImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"), help_text=_("CSV or GeoJSON, as docs/address-registry.md says.")
    )
    strict = forms.BooleanField(label=_("Import nothing if any row is refused"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".geojson", ".json")):
            raise forms.ValidationError(_("Upload a .csv, .geojson or .json file."))
        return upload


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
    return console_page(
        request,
        city,
        "console/addresses.html",
        form=form,
        problems=problems,
        result=result,
        buildings=Building.objects.filter(city=city).count(),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )
