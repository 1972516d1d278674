from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mycity.accounts.models import User
from mycity.accounts.services import update_personal_settings
from mycity.cities import selectors
from mycity.cities.addresses import building_label
from mycity.cities.errors import CityNotFound
from mycity.cities.models import Region
from mycity.content.news import visible_news
from mycity.content.selectors import notices_of
from mycity.core.public_reads import public_read
from mycity.web.choice import CITY_COOKIE, CITY_COOKIE_AGE, chosen_city, remember_city
from mycity.web.form_errors import refusals
from mycity.web.forms import CityChoiceForm, LanguageForm, PersonalSettingsForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    city = chosen_city(request)
    if city is None:
        return redirect("web:city_chooser")
    return redirect("web:city_home", slug=city.slug)


@require_http_methods(["GET", "POST"])
def city_chooser(request: HttpRequest) -> HttpResponse:
    form = CityChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        city = form.cleaned_data["city"]
        response = redirect("web:city_home", slug=city.slug)
        remember_city(response, city.slug)
        return response
    by_region: dict[str, list] = {}
    for city in selectors.active_cities().order_by(f"name_{_language()}"):
        by_region.setdefault(str(Region(city.region).label), []).append(city)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/city_chooser.html",
        {"regions": sorted(by_region.items()), "form": form, "current": chosen_city(request)},
        status=status,
    )


HOME_NOTICES = 5
HOME_NEWS = 3


# The city a visitor last looked at is remembered by the page's own script
# (web/city-choice.js), not by a Set-Cookie: an answer that sets a cookie is kept by no
# shared cache (nginx's micro-cache, a CDN), and every first visit would miss it.
@require_safe
@public_read
def city_home(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        city = selectors.city_by_slug(slug)
    except CityNotFound:
        return render(request, "web/city_not_found.html", {"slug": slug[:60]}, status=404)
    # The page shows names and contacts; areas are large JSON documents it never reads.
    organisations = list(selectors.organisations_of(city).defer("service_area"))
    return render(
        request,
        "web/city_home.html",
        {
            "city": city,
            "summary": selectors.city_summary(city),
            "districts": selectors.districts_of(city).defer("boundary"),
            "departments": [o for o in organisations if o.kind == "department"],
            "executors": [o for o in organisations if o.kind == "executor"],
            "notices": list(notices_of(city).defer("area")[:HOME_NOTICES]),
            "items": list(visible_news(city)[:HOME_NEWS]),
            "city_cookie": {"name": CITY_COOKIE, "max_age": CITY_COOKIE_AGE},
        },
    )


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Like Django's set_language, but an unknown language is a 400, and the choice
    is saved to a signed-in user's settings.

    An anonymous visitor's choice is only a cookie of their own browser, so it needs no
    CSRF token: the pages that carry the switcher are shared by every anonymous reader
    (mycity.core.public_reads) and cannot hold anyone's token. A signed-in user's choice
    changes their account, so it is checked as every other form is."""
    if request.user.is_authenticated:
        return _set_saved_language(request)
    return _set_language(request)


@csrf_protect
def _set_saved_language(request: HttpRequest) -> HttpResponse:
    return _set_language(request)


def _set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponseBadRequest(
            _("Unknown language. Choose one of: %(codes)s.") % {"codes": codes}
        )
    language = form.cleaned_data["language"]
    next_url = form.cleaned_data["next"] or request.headers.get("Referer", "") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    if request.user.is_authenticated:
        update_personal_settings(user=cast(User, request.user), language=language)
    translation.activate(language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def personal_settings(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    initial = {
        "full_name": user.full_name,
        "language": user.language or translation.get_language(),
        "home_city": user.home_city,
        "address_query": building_label(user.home_building) if user.home_building else "",
    }
    form = PersonalSettingsForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = None
        city = data["home_city"]
        if data["address_query"] and city is not None:
            found = selectors.search_addresses(city, data["address_query"], limit=1).buildings
            if not found:
                form.add_error("address_query", _("No such address in the registry of this city."))
            else:
                building = found[0]
        elif data["address_query"]:
            form.add_error("home_city", _("Choose the city of your address."))
        if not form.errors:
            with refusals() as refused:
                update_personal_settings(
                    user=user,
                    full_name=data["full_name"],
                    language=data["language"],
                    home_city=city,
                    home_building=building,
                )
            if refused:
                form.add_error(None, refused.message)
            else:
                response = redirect("web:settings")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    data["language"],
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                )
                return response
    return render(
        request,
        "web/settings.html",
        {"form": form, "saved": saved},
        status=400 if form.errors else 200,
    )


def _language() -> str:
    language = (translation.get_language() or "ru")[:2]
    return language if language in ("ru", "be", "en") else "ru"
