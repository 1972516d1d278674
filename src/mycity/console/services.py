"""Commands of the console's own data (preferences, answer templates, saved views)
and the dispatcher's bulk actions, which call the appeals services once per appeal."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals import selectors as appeal_selectors
from mycity.appeals.actions.moves import accept_appeal, assign_appeal
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.limits import MAX_E_APPEAL_TEXT
from mycity.cities.models import City, Organisation
from mycity.console.errors import InvalidInput, TooMany
from mycity.console.models import AnswerTemplate, SavedView, StaffPreferences
from mycity.console.selectors import queue_query
from mycity.core.errors import DomainError

MAX_TEMPLATE_TITLE = 200
MAX_TEMPLATE_TEXT = MAX_E_APPEAL_TEXT
MAX_VIEW_NAME = 100
MAX_VIEWS_PER_CITY = 50
MAX_BULK = 100


# --- Preferences ------------------------------------------------------------------


def set_staff_preferences(*, user: User, daily_digest: bool) -> StaffPreferences:
    with transaction.atomic():
        preferences, _created = StaffPreferences.objects.update_or_create(
            user=user, defaults={"daily_digest": daily_digest}
        )
    return preferences


# --- Answer templates ---------------------------------------------------------------


def _template_fields(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise InvalidInput(_("Give the template a title."), field="title")
    if len(title) > MAX_TEMPLATE_TITLE:
        raise InvalidInput(
            _("No more than %(max)s characters.") % {"max": MAX_TEMPLATE_TITLE}, field="title"
        )
    if not text:
        raise InvalidInput(_("Write the template's text."), field="text")
    if len(text) > MAX_TEMPLATE_TEXT:
        raise InvalidInput(
            _("No more than %(max)s characters.") % {"max": MAX_TEMPLATE_TEXT}, field="text"
        )
    return title, text


def _title_taken() -> InvalidInput:
    return InvalidInput(_("The organisation has a template with this title."), field="title")


def create_answer_template(
    *, actor: User, organisation: Organisation, title: str, text: str
) -> AnswerTemplate:
    """A new template of `organisation`, written by one of its executors or a
    dispatcher of its city."""
    require(actor, Action.EXECUTE, organisation)
    title, text = _template_fields(title, text)
    try:
        with transaction.atomic():
            return AnswerTemplate.objects.create(organisation=organisation, title=title, text=text)
    except IntegrityError:
        raise _title_taken() from None


def update_answer_template(
    *, actor: User, template: AnswerTemplate, title: str, text: str
) -> AnswerTemplate:
    require(actor, Action.EXECUTE, template.organisation)
    template.title, template.text = _template_fields(title, text)
    try:
        with transaction.atomic():
            template.save(update_fields=["title", "text", "updated_at"])
    except IntegrityError:
        raise _title_taken() from None
    return template


def delete_answer_template(*, actor: User, template: AnswerTemplate) -> None:
    require(actor, Action.EXECUTE, template.organisation)
    with transaction.atomic():
        template.delete()


# --- Saved views --------------------------------------------------------------------


def save_view(*, user: User, city: City, name: str, query: str) -> SavedView:
    """Keep the queue's filters under a name; the same name again replaces them."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Name the view."), field="name")
    if len(name) > MAX_VIEW_NAME:
        raise InvalidInput(
            _("No more than %(max)s characters.") % {"max": MAX_VIEW_NAME}, field="name"
        )
    query = queue_query(query or "")
    mine = SavedView.objects.filter(user=user, city=city)
    with transaction.atomic():
        if mine.filter(name=name).update(query=query):
            return mine.get(name=name)
        if mine.count() >= MAX_VIEWS_PER_CITY:
            raise TooMany(
                _("No more than %(max)s saved views per city.") % {"max": MAX_VIEWS_PER_CITY},
                field="name",
            )
        try:
            with transaction.atomic():
                return SavedView.objects.create(user=user, city=city, name=name, query=query)
        except IntegrityError:
            # Saved under the same name at the same moment (a double click): replace.
            mine.filter(name=name).update(query=query)
            return mine.get(name=name)


def delete_view(*, user: User, view: SavedView) -> None:
    if view.user_id != user.pk:
        raise PermissionDenied("saved view")
    with transaction.atomic():
        view.delete()


# --- Bulk actions of the dispatcher ---------------------------------------------------

BULK_ACCEPT = "accept"
BULK_ASSIGN = "assign"


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected appeal."""

    appeal_id: int
    number: str
    done: bool
    reason: str = ""


def _reason(exc: DomainError) -> str:
    details = "; ".join(str(d["message"]) for d in exc.as_dict()["details"])
    return details or str(exc.message)


def bulk_act(
    *,
    actor: User,
    city: City,
    action: str,
    selected: Sequence[tuple[int, int | None]],
    organisation: Organisation | None = None,
) -> list[BulkOutcome]:
    """Accept, or route to `organisation`, each selected appeal (id, version seen) of
    `city` through the same service and checks as on its card, each in a transaction
    of its own: one refused appeal leaves the others done and itself unchanged."""
    require(actor, Action.DISPATCH, city)
    if action not in (BULK_ACCEPT, BULK_ASSIGN):
        raise InvalidInput(_("Choose an action."), field="action")
    if action == BULK_ASSIGN and (organisation is None or organisation.city_id != city.pk):
        raise InvalidInput(_("Choose the organisation."), field="organisation")
    wanted = dict(selected)  # one outcome per appeal, in the order selected
    if not wanted:
        raise InvalidInput(_("Select at least one appeal."), field="appeals")
    if len(wanted) > MAX_BULK:
        raise InvalidInput(
            _("Select no more than %(max)s appeals at once.") % {"max": MAX_BULK},
            field="appeals",
        )
    handled = appeal_selectors.handled_in(actor, city)
    if handled is None:
        raise PermissionDenied("dispatch")
    found = {
        appeal.pk: appeal
        for appeal in handled.filter(pk__in=list(wanted))
        .select_related("city", "category", "applicant", "organisation", "addressee")
        .defer("city__boundary", "organisation__service_area", "addressee__service_area")
    }
    outcomes = []
    for appeal_id, version in wanted.items():
        appeal = found.get(appeal_id)
        if appeal is None:
            outcomes.append(BulkOutcome(appeal_id, "", False, str(AppealNotFound.message)))
            continue
        try:
            with transaction.atomic():
                if action == BULK_ACCEPT:
                    accept_appeal(actor=actor, appeal=appeal, expected_version=version)
                else:
                    assert organisation is not None
                    assign_appeal(
                        actor=actor,
                        appeal=appeal,
                        organisation=organisation,
                        expected_version=version,
                    )
        except DomainError as exc:
            outcomes.append(BulkOutcome(appeal_id, appeal.number, False, _reason(exc)))
        except PermissionDenied:
            outcomes.append(BulkOutcome(appeal_id, appeal.number, False, _("You may not do this.")))
        else:
            outcomes.append(BulkOutcome(appeal_id, appeal.number, True))
    return outcomes


def parse_selection(values: Sequence[str]) -> list[tuple[int, int | None]]:
    """The checkboxes' values, "id:version" (or "id"); what is not a number is ignored."""
    selected: list[tuple[int, int | None]] = []
    for value in values:
        head, _sep, tail = str(value).partition(":")
        if not head.isdigit() or (tail and not tail.isdigit()):
            continue
        selected.append((int(head), int(tail) if tail else None))
    return selected


def describe(outcomes: Sequence[BulkOutcome]) -> dict[str, Any]:
    """Counts for the report above the list."""
    done = sum(1 for outcome in outcomes if outcome.done)
    return {"done": done, "refused": len(outcomes) - done}
