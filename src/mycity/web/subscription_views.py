"""What a resident wants to hear about: notices at their address, in districts, of
kinds; by which channels; quiet hours. And the one-click unsubscribe from e-mail."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mycity.accounts.models import User
from mycity.accounts.subscriptions import (
    notice_subscriptions,
    save_notice_subscriptions,
    set_quiet_hours,
    unsubscribe_from_email,
)
from mycity.appeals.alerts import stop_alert_emails
from mycity.cities.addresses import building_label, suggestion_attrs
from mycity.cities.models import Building, City, District
from mycity.cities.selectors import search_addresses
from mycity.content.models import EventCategory, NoticeKind
from mycity.notify.push import push_enabled
from mycity.web.choice import chosen_city
from mycity.web.form_errors import refusals
from mycity.web.report_alert_views import alert_context


class SubscriptionsForm(forms.Form):
    home = forms.BooleanField(
        label=gettext_lazy("Outages and works at my home address"), required=False
    )
    addresses = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Other addresses (untick to stop)"),
        queryset=Building.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add_address = forms.CharField(
        label=gettext_lazy("Add an address (a relative's, your work)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Street and house number, e.g. «Нижне-Покровская 5»."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Everything in these districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("These kinds of notices in the whole city"),
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    news_tags = forms.CharField(
        label=gettext_lazy("News with these tags (separated by commas)"),
        max_length=300,
        required=False,
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("New events of these categories"),
        choices=EventCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.BooleanField(label=gettext_lazy("Also by e-mail"), required=False)
    push = forms.BooleanField(
        label=gettext_lazy("Also as push notifications on my devices"), required=False
    )
    quiet_from = forms.TimeField(
        label=gettext_lazy("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=gettext_lazy("until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(
        self, city: City, addresses: list[Building], *args: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kept = cast(forms.ModelMultipleChoiceField, self.fields["addresses"])
        kept.queryset = Building.objects.filter(pk__in=[b.pk for b in addresses]).select_related(
            "street"
        )
        kept.label_from_instance = building_label  # type: ignore[method-assign,assignment]
        field = cast(forms.ModelMultipleChoiceField, self.fields["districts"])
        field.queryset = District.objects.filter(city=city).defer("boundary")
        self.fields["add_address"].widget.attrs.update(suggestion_attrs(city))


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    city = user.home_city or chosen_city(request)
    if city is None:
        return redirect("web:city_chooser")
    current = notice_subscriptions(user, city)
    initial = {
        "home": current.home,
        "districts": current.districts,
        "kinds": current.kinds,
        "news_tags": ", ".join(current.news_tags),
        "events": current.event_categories,
        "addresses": current.addresses,
        "email": "email" in current.channels,
        "push": "webpush" in current.channels,
        "quiet_from": user.quiet_from,
        "quiet_until": user.quiet_until,
    }
    form = SubscriptionsForm(city, current.addresses, request.POST or None, initial=initial)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            addresses = list(data["addresses"])
            if data["add_address"]:
                found = search_addresses(city, data["add_address"], limit=1).buildings
                if found:
                    addresses.append(found[0])
                else:
                    form.add_error(
                        "add_address", _("No such address in the registry of this city.")
                    )
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused, transaction.atomic():  # both or neither
                _save(user, city, data, addresses)
                messages.success(request, _("Your subscriptions are saved."))
                return redirect("web:subscriptions")
            problems, status = refused.problems, refused.status
        else:
            status = 400
    home = user.home_building if user.home_building_id else None
    return render(
        request,
        "web/subscriptions.html",
        {
            "city": city,
            "form": form,
            "problems": problems,
            "home": building_label(home) if home is not None and home.city_id == city.pk else "",
            "push_key": settings.VAPID_PUBLIC_KEY if push_enabled() else "",
            **alert_context(user, city),
        },
        status=status,
    )


def _save(user: User, city: City, data: dict[str, Any], addresses: list[Building]) -> None:
    set_quiet_hours(user=user, quiet_from=data["quiet_from"], quiet_until=data["quiet_until"])
    save_notice_subscriptions(
        user=user,
        city=city,
        home=data["home"],
        districts=data["districts"],
        kinds=data["kinds"],
        news_tags=data["news_tags"].split(","),
        event_categories=data["events"],
        addresses=addresses,
        channels=[
            "in_app",
            *(["email"] if data["email"] else []),
            *(["webpush"] if data["push"] else []),
        ],
    )


# Mail clients POST here without a session or a CSRF token (RFC 8058); the signed
# token is the authority, and all it can do is stop e-mails.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "web/unsubscribe.html", {"token": token})
    with refusals() as refused, transaction.atomic():
        user = unsubscribe_from_email(token)
        stop_alert_emails(user)
    if refused:
        return render(
            request,
            "web/unsubscribe.html",
            {"token": token, "problem": refused.message},
            status=400,
        )
    return render(request, "web/unsubscribe.html", {"done": True})
