"""What a city still lacks before it can go live, each item with the page that fixes it;
going live is refused until nothing is missing."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from mycity.accounts.models import Role, RoleKind, User
from mycity.accounts.permissions import Action, require
from mycity.appeals.models import AppealKind, Category
from mycity.appeals.selectors import leaf_categories
from mycity.cities.coverage import coverage, serving
from mycity.cities.errors import CityNotReady
from mycity.cities.models import City, District, Organisation
from mycity.core.audit import record_change
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.reception.models import ReceptionRule


@dataclass(frozen=True)
class Item:
    key: str
    title: str | Promise
    done: bool
    url: str
    detail: str = ""


def _public_categories(city: City) -> list[Category]:
    return list(
        leaf_categories(city)
        .filter(kind=AppealKind.PROBLEM, is_public=True)
        .select_related("default_organisation")
    )


def _uncovered(city: City, categories: list[Category]) -> list[str]:
    """Names of the public categories whose executors leave part of the city to nobody
    or overlap."""
    missing = []
    for category in categories:
        organisations = serving(city, category.activity)
        default = category.default_organisation
        if default is not None and default.is_active:
            organisations = [default, *(o for o in organisations if o.pk != default.pk)]
        if not coverage(city, organisations).complete:
            missing.append(category.name)
    return missing


def _unstaffed(city: City, categories: list[Category]) -> list[str]:
    """What roles nobody holds yet: a dispatcher, an executor in every organisation that
    receives reports, a moderator when some category is moderated."""
    held = set(
        Role.objects.filter(city=city, user__is_active=True).values_list("kind", "organisation_id")
    )
    kinds = {kind for kind, _org in held}
    missing = []
    if RoleKind.DISPATCHER not in kinds:
        missing.append(str(RoleKind.DISPATCHER.label))
    if any(c.needs_moderation for c in categories) and RoleKind.MODERATOR not in kinds:
        missing.append(str(RoleKind.MODERATOR.label))
    staffed = {org for kind, org in held if kind == RoleKind.EXECUTOR}
    receiving = Organisation.objects.filter(
        city=city, kind=Organisation.Kind.EXECUTOR, is_active=True
    ).exclude(pk__in=staffed)
    activities = {c.activity for c in categories}
    defaults = {c.default_organisation_id for c in categories}
    for organisation in receiving:
        if organisation.pk in defaults or activities & set(organisation.activities or []):
            missing.append(f"{RoleKind.EXECUTOR.label}: {organisation.name}")
    return missing


def checklist(city: City) -> list[Item]:
    """The onboarding checklist, in the order a city is set up."""

    def url(name: str) -> str:
        return reverse(f"console:{name}", kwargs={"slug": city.slug})

    categories = _public_categories(city)
    uncovered = _uncovered(city, categories)
    unstaffed = _unstaffed(city, categories)
    operator = Operator.objects.filter(city=city).first()
    return [
        Item(
            "boundary",
            gettext_lazy("The city's boundary is drawn"),
            bool(city.boundary) and city.min_lat < city.max_lat,
            url("city_settings"),
        ),
        Item(
            "districts",
            gettext_lazy("The city's districts are drawn"),
            District.objects.filter(city=city).exists(),
            url("districts"),
        ),
        Item(
            "categories",
            gettext_lazy("The catalogue has public categories"),
            bool(categories),
            url("categories"),
        ),
        Item(
            "coverage",
            gettext_lazy("Every public category has executors covering the whole city"),
            bool(categories) and not uncovered,
            url("organisations"),
            ", ".join(uncovered),
        ),
        Item(
            "notice",
            gettext_lazy("The operator's personal data notice is published"),
            operator is not None
            and bool(operator.name_ru and operator.postal_address)
            and PrivacyNotice.objects.filter(city=city).exists(),
            url("operator_notice"),
        ),
        Item(
            "reception",
            gettext_lazy("Officials receive citizens on a schedule"),
            # The law on appeals obliges the committee's heads to receive citizens
            # in person; residents book those receptions in the app.
            ReceptionRule.objects.filter(
                official__organisation__city=city,
                official__organisation__is_active=True,
                official__is_active=True,
                is_active=True,
            ).exists(),
            url("receptions"),
        ),
        Item(
            "staff",
            gettext_lazy("Someone holds every role the city needs"),
            not unstaffed,
            url("people"),
            ", ".join(unstaffed),
        ),
    ]


def go_live(*, actor: User, city: City) -> City:
    """Declare the city set up; refused (409, item by item) while the checklist is not
    done."""
    require(actor, Action.EDIT_CITY, city)
    missing = [item for item in checklist(city) if not item.done]
    if missing:
        raise CityNotReady(
            details=[{"field": item.key, "message": str(item.title)} for item in missing],
        )
    with transaction.atomic():
        updated = City.objects.filter(pk=city.pk, live_since__isnull=True).update(
            live_since=timezone.now()
        )
        city.refresh_from_db(fields=["live_since"])
        if updated:
            record_change(
                actor=actor,
                city=city,
                action="city.went_live",
                subject=city.slug,
                before={"live_since": None},
                after={"live_since": city.live_since.isoformat() if city.live_since else None},
            )
    return city
