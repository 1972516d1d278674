"""The citizen app's pages of notices: what is off now and soon, one notice, and
"does it affect my address?"."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from mycity.accounts.models import User
from mycity.cities import selectors as city_selectors
from mycity.cities.addresses import building_label, suggestion_attrs
from mycity.cities.models import Building, City
from mycity.content import selectors
from mycity.content.api import address_label
from mycity.content.errors import NoticeNotFound
from mycity.content.feeds import notices_feed
from mycity.content.models import NoticeKind
from mycity.core.public_reads import public_read
from mycity.web.choice import city_or_404


class AddressCheckForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Your address"),
        max_length=200,
        help_text=gettext_lazy("Street and house number, e.g. «Нижне-Покровская 5»."),
    )


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *NoticeKind.choices],
    )


@require_GET
@public_read
def notices(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    kinds = KindForm(request.GET)
    kind = kinds.cleaned_data["kind"] if kinds.is_valid() else ""
    listed = list(selectors.notices_of(city, kind=kind or None))
    check = _address_check(request, city)
    return render(
        request,
        "content/notices.html",
        {
            "city": city,
            "kinds": kinds,
            "current": [n for n in listed if n.is_current()],
            "upcoming": [n for n in listed if not n.is_current()],
            **check,
        },
        status=400 if check.get("problem") else 200,
    )


def _address_check(request: HttpRequest, city: City) -> dict:
    """The check of an address the resident typed, or of their home address."""
    form = AddressCheckForm(request.GET if "address" in request.GET else None)
    form.fields["address"].widget.attrs.update(suggestion_attrs(city))
    building: Building | None = None
    problem = ""
    if form.is_bound and form.is_valid():
        found = city_selectors.search_addresses(city, form.cleaned_data["address"], limit=1)
        if found.buildings:
            building = found.buildings[0]
        else:
            problem = str(gettext_lazy("There is no such address in the city's registry."))
            form.add_error("address", problem)
    elif not form.is_bound and isinstance(request.user, User):
        home = request.user.home_building
        if home is not None and home.city_id == city.pk:
            building = home
    if building is None:
        return {"check": form, "problem": problem}
    return {
        "check": form,
        "checked": building_label(building),
        "affecting": selectors.notices_affecting(building),
    }


@require_GET
@public_read
def notice(request: HttpRequest, slug: str, notice_id: int) -> HttpResponse:
    city = city_or_404(slug)
    try:
        found = selectors.public_notice(city, notice_id)
    except NoticeNotFound:
        raise Http404 from None
    lines = [address_label(line) for line in found.addresses.all()]
    return render(
        request,
        "content/notice.html",
        {
            "city": city,
            "notice": found,
            "lines": lines,
            "affected": selectors.affected_count(found),
        },
    )


@require_GET
@public_read
def feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return notices_feed(request, city_or_404(slug), fmt)
