"""Reads of the console's own data: preferences, answer templates, saved views."""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import Http404, QueryDict
from django.utils import timezone

from mycity.accounts.permissions import Action, may
from mycity.appeals.models import Appeal
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import organisations_of
from mycity.console.forms import QueueForm
from mycity.console.models import AnswerTemplate, SavedView, StaffPreferences

# The placeholders an answer template may hold; any other {word} stays as written.
PLACEHOLDER = re.compile(r"\{(number|address|date)\}")


def preferences_of(user: Any) -> StaffPreferences:
    """The person's preferences, or the defaults (unsaved) when they have none."""
    return StaffPreferences.objects.filter(user=user).first() or StaffPreferences(user=user)


# --- Answer templates -------------------------------------------------------------


def template_organisations(user: Any, city: City) -> list[Organisation]:
    """The organisations of `city` whose answer templates `user` may write: an
    executor's own, every one for the city's dispatchers."""
    return [
        organisation
        for organisation in organisations_of(city).defer("service_area", "working_hours")
        if may(user, Action.EXECUTE, organisation)
    ]


def answer_templates_of(organisations: list[Organisation]) -> list[AnswerTemplate]:
    """The templates of these organisations, by organisation then title (one query)."""
    by_pk = {organisation.pk: organisation for organisation in organisations}
    rows = list(
        AnswerTemplate.objects.filter(organisation_id__in=by_pk).order_by(
            "organisation_id", "title", "pk"
        )
    )
    for row in rows:
        row.organisation = by_pk[row.organisation_id]
    return rows


def answer_template_for(user: Any, city: City, template_id: int) -> AnswerTemplate:
    """A template of an organisation of `city` that `user` may use and write; 404 for
    any other (no existence leak)."""
    template = (
        AnswerTemplate.objects.filter(pk=template_id, organisation__city=city)
        .select_related("organisation")
        .defer("organisation__service_area", "organisation__working_hours")
        .first()
    )
    if template is None or not may(user, Action.EXECUTE, template.organisation):
        raise Http404
    return template


def card_templates(user: Any, appeal: Appeal) -> list[AnswerTemplate]:
    """The templates the answer form of this appeal offers: its organisation's."""
    if appeal.organisation_id is None or not may(user, Action.EXECUTE, appeal):
        return []
    return list(AnswerTemplate.objects.filter(organisation_id=appeal.organisation_id))


def template_of_appeal(user: Any, appeal: Appeal, template_id: Any) -> AnswerTemplate:
    """A template of the appeal's organisation, for its answer; 404 for any other."""
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if appeal.organisation_id is None or not may(user, Action.EXECUTE, appeal):
        raise Http404
    template = AnswerTemplate.objects.filter(pk=pk, organisation_id=appeal.organisation_id).first()
    if template is None:
        raise Http404
    return template


def fill_answer_template(text: str, appeal: Appeal, *, now: datetime | None = None) -> str:
    """The template's text for this appeal: {number}, {address} and {date} (today in
    the city's time zone, dd.mm.yyyy) filled in; other braces left as they are."""
    today = timezone.localtime(now or timezone.now(), ZoneInfo(appeal.city.timezone)).date()
    values = {
        "number": appeal.number,
        "address": appeal.address,
        "date": today.strftime("%d.%m.%Y"),
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


# --- Saved views ------------------------------------------------------------------


def queue_query(params: Mapping[str, Any] | str) -> str:
    """The queue's filters among `params` (a query string or a QueryDict), valid and
    non-empty only, in the form's order: what a saved view keeps."""
    data = QueryDict(params) if isinstance(params, str) else params
    form = QueueForm(data)
    form.is_valid()
    kept = {
        name: form.cleaned_data[name]
        for name in QueueForm.base_fields
        if form.cleaned_data.get(name)
    }
    return urlencode(kept)


def saved_views_of(user: Any, city: City) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user, city=city).order_by("name", "pk"))


def saved_view_for(user: Any, city: City, view_id: int) -> SavedView:
    """One of the person's own views in `city`; 404 for anyone else's."""
    view = SavedView.objects.filter(pk=view_id, user=user, city=city).first()
    if view is None:
        raise Http404
    return view
