"""A resident's alerts about public reports, on the subscriptions page: follow the new
reports around a place (an address of the registry, or a point), in a district or of a
category; follow one report from its page; stop any of them."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.appeals import alerts, selectors
from mycity.appeals.errors import InvalidAlert
from mycity.appeals.models import AppealKind, Category, ReportAlert, ReportAlertKind
from mycity.cities.addresses import building_label
from mycity.cities.models import City, District
from mycity.cities.selectors import search_addresses
from mycity.notify.push import push_enabled
from mycity.web.choice import chosen_city, city_or_404
from mycity.web.form_errors import refusals

KINDS = [
    (ReportAlertKind.AREA, gettext_lazy("Around an address")),
    (ReportAlertKind.DISTRICT, gettext_lazy("In a district")),
    (ReportAlertKind.CATEGORY, gettext_lazy("Of a category")),
]


class ReportAlertForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("New public reports"), choices=KINDS)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Street and house number, e.g. «Нижне-Покровская 5»."),
    )
    radius = forms.TypedChoiceField(
        label=gettext_lazy("Within"),
        coerce=int,
        choices=[(r, gettext_lazy("%(m)s m") % {"m": r}) for r in alerts.RADII_M],
        initial=500,
        required=False,
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("District"), queryset=District.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False
    )
    email = forms.BooleanField(label=gettext_lazy("Also by e-mail"), required=False)
    push = forms.BooleanField(
        label=gettext_lazy("Also as push notifications on my devices"), required=False
    )

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(forms.ModelChoiceField, self.fields["district"])
        district.queryset = District.objects.filter(city=city).defer("boundary")
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.queryset = selectors.leaf_categories(city).filter(
            kind=AppealKind.PROBLEM, is_public=True
        )


def feed_url(alert: ReportAlert) -> str:
    """The RSS feed of what an alert follows."""
    slug = alert.city.slug
    if alert.kind == ReportAlertKind.REPORT:
        return reverse("web:report_feed", kwargs={"slug": slug, "appeal_id": alert.appeal_id})
    query: dict[str, Any]
    if alert.kind == ReportAlertKind.AREA:
        query = {"lat": f"{alert.lat:.6f}", "lon": f"{alert.lon:.6f}", "radius": alert.radius_m}
    elif alert.kind == ReportAlertKind.DISTRICT:
        query = {"district": alert.district.slug if alert.district else ""}
    else:
        query = {"category": alert.category.slug if alert.category else ""}
    return f"{reverse('web:area_feed', kwargs={'slug': slug})}?{urlencode(query)}"


def describe(alert: ReportAlert) -> str:
    if alert.kind == ReportAlertKind.AREA:
        return _("New reports within %(m)s m of %(place)s") % {
            "m": alert.radius_m,
            "place": alert.label or f"{alert.lat:.5f}, {alert.lon:.5f}",
        }
    if alert.kind == ReportAlertKind.DISTRICT:
        return _("New reports in the district %(name)s") % {"name": alert.district}
    if alert.kind == ReportAlertKind.CATEGORY:
        return _("New reports of the category %(name)s") % {
            "name": alert.category.name if alert.category else ""
        }
    return _("Updates of report %(number)s") % {"number": alert.appeal}


def alert_context(user: User, city: City, form: ReportAlertForm | None = None) -> dict[str, Any]:
    """What the subscriptions page shows of the resident's alerts in the city."""
    rows = alerts.alerts_of(user, city)
    for row in rows:
        row.city = city
    return {
        "alert_form": form or ReportAlertForm(city, initial={"radius": 500}),
        "report_alerts": [(a, describe(a), feed_url(a)) for a in rows],
        "alert_push": push_enabled(),
    }


def _channels(data: dict[str, Any]) -> list[str]:
    return [
        "in_app",
        *(["email"] if data.get("email") else []),
        *(["webpush"] if data.get("push") else []),
    ]


def _follow(user: User, city: City, data: dict[str, Any]) -> ReportAlert:
    kind, channels = data["kind"], _channels(data)
    if kind == ReportAlertKind.AREA:
        found = search_addresses(city, data.get("address") or "", limit=1).buildings
        if not found:
            raise InvalidAlert(_("No such address in the registry of this city."), field="address")
        building = found[0]
        return alerts.follow_area(
            user=user,
            city=city,
            lat=building.lat,
            lon=building.lon,
            radius_m=data.get("radius") or 500,
            label=building_label(building),
            channels=channels,
        )
    if kind == ReportAlertKind.DISTRICT:
        if data.get("district") is None:
            raise InvalidAlert(_("Choose the district."), field="district")
        return alerts.follow_district(user=user, district=data["district"], channels=channels)
    if data.get("category") is None:
        raise InvalidAlert(_("Choose the category."), field="category")
    return alerts.follow_category(user=user, category=data["category"], channels=channels)


@login_required
@require_http_methods(["GET", "POST"])
def report_alerts(request: HttpRequest) -> HttpResponse:
    """Add an alert (the form is on the subscriptions page); a refusal comes back here
    with the form and its errors."""
    user = cast(User, request.user)
    city = user.home_city or chosen_city(request)
    if city is None:
        return redirect("web:city_chooser")
    form = ReportAlertForm(city, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusals(form) as refused:
                _follow(user, city, form.cleaned_data)
                messages.success(request, _("The alert is saved."))
                return redirect(f"{reverse('web:subscriptions')}#report-alerts")
            status = refused.status
        else:
            status = 400
    context = {"city": city, **alert_context(user, city, form)}
    return render(request, "web/report_alerts.html", context, status=status)


@login_required
@require_POST
def stop_report_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    if not alerts.stop_alert(user=cast(User, request.user), alert_id=alert_id):
        raise Http404
    messages.success(request, _("The alert is stopped."))
    return redirect(f"{reverse('web:subscriptions')}#report-alerts")


@login_required
@require_POST
def follow_report(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """Follow the updates of a public report from its page."""
    city = city_or_404(slug)
    report = selectors.public_report(city, appeal_id)
    if report is None:
        raise Http404
    page = report.public_path()
    with refusals() as refused:
        alerts.follow_report(
            user=cast(User, request.user), appeal=report, channels=["in_app", "email"]
        )
        messages.success(
            request,
            _("You will be told of the updates of report %(number)s.") % {"number": report.number},
        )
        return redirect(page)
    messages.error(request, refused.message)
    return redirect(page)
