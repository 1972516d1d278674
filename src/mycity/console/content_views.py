"""Editors keep the city's places, events, contacts and polls in the console."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.console.editing import console_page, editor_city
from mycity.content.events import EventDraft, save_event
from mycity.content.models import Contact, Event, Place, Poll
from mycity.content.places import save_contact, save_place
from mycity.content.polls import save_poll
from mycity.web.form_errors import refusals

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TRANSLATED = ["name_ru", "name_be", "name_en", "description_ru", "description_be", "description_en"]


class PictureField(forms.FileField):
    """A picture for a place or an event: cleaned (re-encoded, no metadata) on save."""

    def __init__(self) -> None:
        super().__init__(label=gettext_lazy("Photo"), required=False)


class PlaceForm(forms.ModelForm):
    picture = PictureField()

    def clean_opening_hours(self) -> Any:
        value = self.cleaned_data["opening_hours"]
        check_opening_hours(value)
        return value

    class Meta:
        model = Place
        fields = [
            *TRANSLATED,
            "kind",
            "address",
            "lat",
            "lon",
            "phone",
            "website",
            "email",
            "opening_hours",
            "is_active",
        ]


def check_opening_hours(value: Any) -> None:
    """A list of {"days": ["Mo", …], "opens": "09:00", "closes": "18:00"}."""
    import re

    from django.core.exceptions import ValidationError

    from mycity.content.places import DAYS

    hhmm = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
    shape = _(
        'Opening hours are a list like [{"days": ["Mo", "Tu"], "opens": "09:00", '
        '"closes": "18:00"}].'
    )
    if not isinstance(value, list):
        raise ValidationError(shape)
    for row in value:
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("days"), list)
            or any(day not in DAYS for day in row["days"])
            or not hhmm.match(str(row.get("opens", "")))
            or not hhmm.match(str(row.get("closes", "")))
        ):
            raise ValidationError(shape)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["group", "name_ru", "name_be", "name_en", "phone", "hours", "display_order"]


class EventForm(forms.ModelForm):
    picture = PictureField()

    class Meta:
        model = Event
        fields = [
            *TRANSLATED,
            "category",
            "venue",
            "starts_at",
            "ends_at",
            "recurrence",
            "price",
            "age_limit",
            "is_published",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}
        help_texts = {"recurrence": gettext_lazy("RFC 5545, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=6")}

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venue = cast(forms.ModelChoiceField, self.fields["venue"])
        venue.queryset = Place.objects.filter(city=city).only("name_ru", "name_be", "name_en")


class PollForm(forms.ModelForm):
    answers = forms.CharField(
        label=gettext_lazy("Answers, one per line"), widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Poll
        fields = [
            "question_ru",
            "question_be",
            "question_en",
            "is_multiple",
            "opens_at",
            "closes_at",
            "results_shown",
            "is_published",
        ]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}


def _save_event(actor: User, city: City, form: forms.ModelForm) -> Model:
    data = form.cleaned_data
    draft = EventDraft(
        category=data["category"],
        name={lang: data[f"name_{lang}"] for lang in ("ru", "be", "en")},
        description={lang: data[f"description_{lang}"] for lang in ("ru", "be", "en")},
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        venue_id=data["venue"].pk if data["venue"] else None,
        recurrence=data["recurrence"],
        price=data["price"],
        age_limit=data["age_limit"],
    )
    existing = form.instance if form.instance.pk else None
    return save_event(
        actor=actor,
        city=city,
        draft=draft,
        event=existing,
        publish=data["is_published"],
        picture=data["picture"],
    )


def _save_poll(actor: User, city: City, form: forms.ModelForm) -> Model:
    return save_poll(
        actor=actor, poll=form.save(commit=False), answers=form.cleaned_data["answers"].split("\n")
    )


def _save_place(actor: User, city: City, form: forms.ModelForm) -> Model:
    return save_place(
        actor=actor, place=form.save(commit=False), picture=form.cleaned_data["picture"]
    )


def _save_contact(actor: User, city: City, form: forms.ModelForm) -> Model:
    return save_contact(actor=actor, contact=form.save(commit=False))


KINDS: dict[str, tuple[type[Model], type[forms.ModelForm], Callable[..., Model], Any]] = {
    "places": (Place, PlaceForm, _save_place, gettext_lazy("Places")),
    "events": (Event, EventForm, _save_event, gettext_lazy("Events")),
    "contacts": (Contact, ContactForm, _save_contact, gettext_lazy("Useful contacts")),
    "polls": (Poll, PollForm, _save_poll, gettext_lazy("Polls")),
}


@require_safe
@login_required
def items(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    city = editor_city(request, slug)
    model, _form, _save, title = _kind(kind)
    rows = model.objects.filter(city=city).order_by("-pk")[:500]  # type: ignore[attr-defined]
    return console_page(
        request, city, "console/content_items.html", rows=rows, kind=kind, title=title
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, slug: str, kind: str, item_id: int | None = None) -> HttpResponse:
    city = editor_city(request, slug)
    model, form_class, save, title = _kind(kind)
    found = None
    if item_id is not None:
        found = model.objects.filter(city=city, pk=item_id).first()  # type: ignore[attr-defined]
        if found is None:
            raise Http404
    instance = found or model(city=city)
    initial = {}
    if isinstance(found, Poll):
        initial["answers"] = "\n".join(o.text_ru for o in found.options.all())
    arguments: dict[str, Any] = {"instance": instance, "initial": initial}
    form = (
        form_class(city, request.POST or None, request.FILES or None, **arguments)
        if form_class is EventForm
        else form_class(request.POST or None, request.FILES or None, **arguments)
    )
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusals(form) as refused:
                saved = save(cast(User, request.user), city, form)
                messages.success(request, _("Saved."))
                return redirect("console:content_item", slug=city.slug, kind=kind, item_id=saved.pk)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request,
        city,
        "console/content_item.html",
        form=form,
        item=found,
        kind=kind,
        title=title,
        problems=problems,
        status=status,
    )


def _kind(kind: str) -> tuple[type[Model], type[forms.ModelForm], Callable[..., Model], Any]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]
