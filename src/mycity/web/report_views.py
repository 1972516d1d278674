"""Reporting a problem from the browser: a category, the place, the words and photos.

One page, three parts, that works without JavaScript (the place is then an address from
the registry); with it, a map places the pin and the open reports nearby are offered
before sending ("me too"). A resident who is not signed in fills everything first:
the text they typed waits in their session while they confirm their e-mail, and the
form comes back filled. Files cannot wait in a session: the photos wait on the phone
(web/kept-photos.js), under the form's key, which the draft keeps.
"""

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.appeals import selectors
from mycity.appeals.actions.moves import join_report
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.category_words import category_words
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.limits import MAX_DESCRIPTION
from mycity.appeals.models import Appeal, AppealKind, Category, Channel
from mycity.cities import selectors as city_selectors
from mycity.cities.addresses import suggestion_attrs
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.cities.models import City
from mycity.web.choice import city_or_404
from mycity.web.form_errors import refusals
from mycity.web.text_limit import count_characters

DRAFT_KEY = "report_draft"
MAX_PHOTOS = 5


class CategorySelect(forms.Select):
    """The categories' select, each option carrying its names in every language (and its
    group's), which the search box above it filters by (web/category-search.js)."""

    words: dict[str, tuple[str, str]]

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        found_by = getattr(self, "words", {}).get(str(option["value"]))
        if found_by:
            option["attrs"]["data-words"], option["attrs"]["data-stems"] = found_by
        return option


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What is the problem"), widget=CategorySelect)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Street and house number, e.g. «Нижне-Покровская 5»."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("I agree to the processing of my personal data to consider this report.")
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices, cast(CategorySelect, field.widget).words = category_choices(city)
        self.fields["address"].widget.attrs.update(suggestion_attrs(city))
        count_characters(self, "description")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lat") is not None and data.get("lon") is not None
        if not has_point and not data.get("address"):
            self.add_error(
                "address", _("Put the pin on the map or give the address of the problem.")
            )
        return data


def category_choices(
    city: City, *, often: bool = True
) -> tuple[list[tuple[str, Any]], dict[str, tuple[str, str]]]:
    """The leaf problem categories under their parents' names (the select's groups), with
    (`often`) the most reported lately first; and each one's words and stems to search by
    (`category_words`)."""
    tree = selectors.categories_of(city, kind=AppealKind.PROBLEM, names_only=True)
    parents = {c.parent_id for c in tree if c.parent_id}
    by_id = {c.pk: c for c in tree}
    leaves = [c for c in tree if c.pk not in parents]
    groups: dict[str, list[tuple[str, str]]] = {}
    words: dict[str, tuple[str, str]] = {}
    for category in leaves:
        parent = by_id.get(category.parent_id) if category.parent_id else None
        groups.setdefault(parent.name if parent else "", []).append((category.slug, category.name))
        words[category.slug] = category_words(category, parent)
    choices: list[tuple[str, Any]] = [("", _("Choose…"))]
    if often:
        used = [by_id[pk] for pk in selectors.most_used_categories(city) if pk in by_id]
        if used := [c for c in used if c.pk not in parents]:
            choices.append((_("Often reported"), [(c.slug, c.name) for c in used]))
    for group, options in groups.items():
        if group:
            choices.append((group, options))
        else:  # categories without a parent stand on their own
            choices.extend(options)
    return choices, words


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    user = request.user
    status = 200
    problems: list[str] = []
    draft = _draft_for(request, city)
    if request.method == "POST":
        form = ReportForm(city, request.POST)
        if form.is_valid():
            if not user.is_authenticated and request.headers.get("X-Queued-Report"):
                # A report the phone kept offline: it waits there for its author.
                return HttpResponse(status=401)
            if not user.is_authenticated:
                return _keep_for_sign_in(request, city, form.cleaned_data)
            with refusals(form, hidden=("key", "lat", "lon")) as refused:
                return _submit(request, city, cast(User, user), form.cleaned_data)
            status, problems = refused.status, refused.problems
        else:
            status = 400
    else:
        # A draft back from signing in keeps its key: the photos kept on the phone under
        # it (web/kept-photos.js) come back too.
        form = ReportForm(city, initial={"key": uuid.uuid4().hex} | draft)
    tiles = tiles_of(city)
    context = {
        "city": city,
        "form": form,
        "problems": problems,
        "max_photos": MAX_PHOTOS,
        # The form came back: the photos chosen for it are put back in the box.
        "restore_photos": request.method == "POST" or bool(draft),
        "photos_not_sent": len(request.FILES.getlist("photos")),
        # What the city tells residents about some categories ("for an emergency call
        # 112"): all of them under the list, readable without JavaScript.
        "category_notices": [
            category
            for category in selectors.leaf_categories(city)
            .exclude(notice_ru="")
            .order_by("name_ru")
            if category.kind == AppealKind.PROBLEM
        ],
        "report_map": {
            "lat": city.centre_lat,
            "lon": city.centre_lon,
            "zoom": 14,
            "tiles": tiles.url,
            "attribution": tiles.attribution,
            "points": [],
            "pick": {"lat": "id_lat", "lon": "id_lon"},
        },
    }
    return allow_tiles(render(request, "web/report.html", context, status=status), tiles)


def _draft_for(request: HttpRequest, city: City) -> dict[str, Any]:
    draft = request.session.get(DRAFT_KEY) or {}
    fields = dict(draft.get("fields", {})) if draft.get("city") == city.slug else {}
    if not fields.get("key"):  # a draft kept before drafts kept their key
        fields.pop("key", None)
    return fields


def _keep_for_sign_in(request: HttpRequest, city: City, data: dict[str, Any]) -> HttpResponse:
    fields = {name: data.get(name) for name in ("category", "address", "lat", "lon")}
    fields["description"] = data.get("description", "")
    fields["consent"] = bool(data.get("consent"))
    fields["key"] = data.get("key")
    request.session[DRAFT_KEY] = {"city": city.slug, "fields": fields}
    messages.info(
        request,
        _(
            "Confirm your e-mail to send the report. What you wrote is kept, and "
            "the photos on this device."
        ),
    )
    back = reverse("web:report", kwargs={"slug": city.slug})
    return redirect(f"{reverse('account_login')}?next={back}")


def _submit(request: HttpRequest, city: City, user: User, data: dict[str, Any]) -> HttpResponse:
    lat, lon, building_id = data.get("lat"), data.get("lon"), None
    if lat is None or lon is None:
        found = city_selectors.search_addresses(city, data["address"], limit=1).buildings
        if not found:
            raise InvalidAppeal(
                _("There is no such address in the city's registry."), field="address"
            )
        lat = lon = None
        building_id = found[0].pk
    photos = request.FILES.getlist("photos")
    if len(photos) > MAX_PHOTOS:
        raise InvalidAppeal(_("No more than %(max)s photos.") % {"max": MAX_PHOTOS}, field="photos")
    submission = submit_appeal(
        applicant=user,
        city=city,
        draft=AppealDraft(
            category_slug=data["category"],
            description=data["description"],
            lat=lat,
            lon=lon,
            building_id=building_id,
            consent=data["consent"],
        ),
        files=photos,
        channel=Channel.APP,
        idempotency_key=data["key"],
    )
    request.session.pop(DRAFT_KEY, None)
    return to_registered_appeal(
        request,
        submission.appeal,
        _("Your report %(number)s is registered. The answer is due by %(deadline)s."),
    )


def to_registered_appeal(request: HttpRequest, appeal: Appeal, message: str) -> HttpResponse:
    """To the page of an appeal just filed, telling its number and when the answer is due."""
    deadline = formats.date_format(appeal.deadline, "SHORT_DATETIME_FORMAT")
    messages.success(request, message % {"number": appeal.number, "deadline": deadline})
    return redirect("web:my_appeal", appeal_id=appeal.pk)


@require_GET
def nearby(request: HttpRequest, slug: str) -> HttpResponse:
    """The open reports of the category near the pin: offered before sending."""
    city = city_or_404(slug)
    reports: list = []
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        category = Category.objects.get(city=city, slug=request.GET.get("category", ""))
    except (KeyError, ValueError, Category.DoesNotExist):
        category = None
    if category is not None:
        reports = selectors.similar_open_reports(city, category, lat=lat, lon=lon)
    return render(request, "web/_nearby_reports.html", {"city": city, "reports": reports})


@require_POST
def me_too(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """Join an open public report instead of filing the same problem again."""
    city = city_or_404(slug)
    # From the report's own page, back to it; from the report form, to the form.
    from_page = request.POST.get("back") == "report"
    back = reverse(
        "web:public_report" if from_page else "web:report",
        kwargs={"slug": city.slug, "appeal_id": appeal_id} if from_page else {"slug": city.slug},
    )
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={back}")
    report = Appeal.objects.filter(city=city, pk=appeal_id, is_public=True).first()
    if report is None:
        raise Http404
    joined = False
    with refusals() as refused:
        joined = join_report(actor=cast(User, request.user), appeal=report)
    if refused:
        messages.error(request, refused.message)
        return redirect(back)
    if joined:
        messages.success(
            request,
            _("You have joined report %(number)s: it counts one more resident.")
            % {"number": report.number},
        )
    else:
        messages.info(
            request, _("You are already following report %(number)s.") % {"number": report.number}
        )
    if from_page:
        return redirect(back)
    return redirect("web:city_home", slug=city.slug)
