"""Copy a setup: download the city's configuration as JSON, or bring in another city's,
from a file or straight from a city of the same deployment (its catalogue is public)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.setup.copy import CopyReport, copy_from_city, copy_sources, export_setup, import_setup
from mycity.web.form_errors import refusals

MAX_FILE = 5_000_000


class ImportForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Copy from the city"),
        queryset=City.objects.none(),
        required=False,
        to_field_name="slug",
    )
    file = forms.FileField(label=gettext_lazy("Or from an exported file"), required=False)

    def __init__(self, *args: object, city: City, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["source"].queryset = copy_sources(city)  # type: ignore[attr-defined]

    def copy(self, *, actor: User, city: City) -> CopyReport:
        """Import the uploaded file, or copy the chosen city; the service refuses what
        it cannot take."""
        data = self.cleaned_data
        if data.get("file") is not None:
            upload = data["file"]
            if upload.size > MAX_FILE:
                raise forms.ValidationError({"file": _("The file is too large.")})
            try:
                document = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise forms.ValidationError({"file": _("This is not JSON.")}) from None
            return import_setup(actor=actor, city=city, data=document)
        if data.get("source") is not None:
            return copy_from_city(actor=actor, city=city, source_slug=data["source"].slug)
        raise forms.ValidationError({"source": _("Choose a city or a file.")})


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    response = JsonResponse(export_setup(city), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{city.slug}-setup.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def copy_setup(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None, city=city)
    status, problems = 200, list[str]()
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                try:
                    report = form.copy(actor=request.user, city=city)  # type: ignore[arg-type]
                except forms.ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _(
                            "Copied: %(created)d categories added, %(updated)d updated, "
                            "%(organisations)d organisations added."
                        )
                        % {
                            "created": len(report.categories_created),
                            "updated": len(report.categories_updated),
                            "organisations": len(report.organisations_created),
                        },
                    )
                    return redirect("console:categories", slug=city.slug)
            if refused:
                status, problems = refused.status, refused.messages
    return console_page(
        request,
        city,
        "console/copy_setup.html",
        form=form,
        problems=problems,
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )
