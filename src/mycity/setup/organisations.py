"""The city administrator's command on organisations: one form's values saved whole or
not at all, with the audit row of what changed. A service area is drawn (a polygon), the
whole city (None), or the streets and house ranges of the registry it lists."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.coverage import coverage, lines_of, serving
from mycity.cities.errors import InvalidSetup
from mycity.cities.house_ranges import HouseRange, range_problems
from mycity.cities.models import Activity, City, Organisation, ServiceAddress, Street
from mycity.cities.services import save_area
from mycity.core.audit import record_differences
from mycity.core.geo import parse_area

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("ru", "be", "en")
EDITABLE = (
    "slug",
    "kind",
    *(f"name_{lang}" for lang in LANGUAGES),
    *(f"short_name_{lang}" for lang in LANGUAGES),
    "activities",
    "phone",
    "email",
    "address",
    "website",
    "service_area",
    "serves_addresses",
    "display_order",
    "is_active",
)
# Audited beside the fields: the listed streets and ranges, as their labels.
AUDITED = (*EDITABLE, "service_addresses")
MAX_LINES = 500
TEXT_LIMITS = {"phone": 50, "address": 300, "website": 200}


def organisation_values(organisation: Organisation) -> dict[str, Any]:
    values = {name: getattr(organisation, name) for name in EDITABLE}
    values["service_addresses"] = line_labels(organisation.city_id, lines_of(organisation))
    return values


def line_labels(city_id: int, lines: list[HouseRange]) -> list[str]:
    """ "Ленина 1–15 odd" for each line, as the audit trail and the API show them."""
    names = dict(
        Street.objects.filter(
            city_id=city_id, pk__in={line.street_id for line in lines}
        ).values_list("pk", "name_ru")
    )
    labels = []
    for line in lines:
        label = names.get(line.street_id, f"#{line.street_id}")
        if line.number_from is not None or line.number_to is not None:
            label += f" {line.number_from or ''}–{line.number_to or ''}"
        if line.parity != "all":
            label += f" {line.parity}"
        labels.append(label)
    return labels


def _address_problems(city: City, target: Organisation) -> list[dict[str, str]]:
    """What is wrong with proposed streets and ranges: none listed, a street of another
    city, a range backwards, or houses another executor serves for a shared activity."""
    lines = lines_of(target)
    if not lines:
        return [{"field": "service_addresses", "message": _("List at least one street.")}]
    if len(lines) > MAX_LINES:
        return [
            {
                "field": "service_addresses",
                "message": _("No more than %(max)s streets and ranges.") % {"max": MAX_LINES},
            }
        ]
    problems = range_problems(city, lines, field="service_addresses")
    if problems:
        return problems
    for activity in target.activities or []:
        for overlap in coverage(city, serving(city, activity, replacing=target)).address_overlaps:
            if target not in (overlap.first, overlap.second):
                continue
            other = overlap.second if overlap.first is target else overlap.first
            problems.append(
                {
                    "field": "service_addresses",
                    "message": _(
                        "%(count)d of these addresses are served by %(other)s for «%(activity)s»."
                    )
                    % {
                        "count": overlap.addresses,
                        "other": other.name,
                        "activity": Activity(activity).label,
                    },
                }
            )
    return problems


def _area_problems(city: City, target: Organisation, area: Any) -> list[str]:
    """What is wrong with a proposed service area: not an area, outside the city, or
    overlapping another executor's for an activity they share."""
    if area is None or target.serves_addresses:
        return []
    try:
        shape = parse_area(area)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    boundary = parse_area(city.boundary)
    if shape.intersection(boundary).area <= boundary.area * 1e-4:
        return [_("The area lies outside the city.")]
    problems = []
    for activity in target.activities or []:
        for overlap in coverage(city, serving(city, activity, replacing=target)).overlaps:
            other = overlap.second if overlap.first is target else overlap.first
            if target not in (overlap.first, overlap.second):
                continue
            problems.append(
                _("The area overlaps the area of %(other)s for «%(activity)s».")
                % {"other": other.name, "activity": Activity(activity).label}
            )
    return problems


def _problems(city: City, target: Organisation) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def problem(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    if not SLUG.match(target.slug or "") or len(target.slug) > 80:
        problem("slug", _("Use small Latin letters, digits and hyphens."))
    elif Organisation.objects.filter(city=city, slug=target.slug).exclude(pk=target.pk).exists():
        problem("slug", _("Another organisation of the city has this slug."))
    if not target.name_ru:
        problem("name_ru", _("The Russian name is required."))
    if target.kind not in Organisation.Kind.values:
        problem("kind", _("Choose a kind."))
    if not isinstance(target.activities, list) or not set(target.activities) <= set(
        Activity.values
    ):
        problem("activities", _("Choose activities from the list."))
    if target.email:
        try:
            validate_email(target.email)
        except ValidationError:
            problem("email", _("Enter a valid e-mail address."))
    if target.website:
        try:
            URLValidator(schemes=["http", "https"])(target.website)
        except ValidationError:
            problem("website", _("Enter a web address that starts with https://."))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(target, name)) > limit:
            problem(name, _("No more than %(max)s characters.") % {"max": limit})
    if not problems:
        for message in _area_problems(city, target, target.service_area):
            problem("service_area", message)
        if target.serves_addresses:
            problems.extend(_address_problems(city, target))
    return problems


def save_organisation(
    *, actor: User, city: City, organisation: Organisation | None, values: dict[str, Any]
) -> Organisation:
    """Create (`organisation` None) or change an organisation of the city: its names,
    contacts, activities and service area (None: the whole city), or, with
    `serves_addresses`, the streets and house ranges in `service_addresses`
    (`HouseRange`s)."""
    require(actor, Action.EDIT_CITY, city)
    if organisation is not None and organisation.city_id != city.pk:
        raise InvalidSetup(
            details=[
                {"field": "organisation", "message": _("The organisation is of another city.")}
            ]
        )
    target = organisation if organisation is not None else Organisation(city=city)
    before = organisation_values(target) if target.pk else {}
    for name in EDITABLE:
        if name in values:
            value = values[name]
            setattr(target, name, value.strip() if isinstance(value, str) else value)
    if target.serves_addresses:
        target.service_area = None
        target.proposed_lines = list(  # type: ignore[attr-defined]
            values["service_addresses"] if "service_addresses" in values else lines_of(target)
        )
    else:
        target.proposed_lines = []  # type: ignore[attr-defined]
    for prefix in ("name", "short_name"):
        for language in ("be", "en"):
            if not getattr(target, f"{prefix}_{language}"):
                setattr(target, f"{prefix}_{language}", getattr(target, f"{prefix}_ru"))
    for language in LANGUAGES:
        if not getattr(target, f"short_name_{language}"):
            setattr(target, f"short_name_{language}", getattr(target, f"name_{language}")[:100])
    problems = _problems(city, target)
    if problems:
        target.__dict__.pop("proposed_lines", None)
        if target.pk:
            target.refresh_from_db()
        raise InvalidSetup(details=problems)
    with transaction.atomic():
        save_area(target, target.service_area)
        ServiceAddress.objects.filter(organisation=target).delete()
        ServiceAddress.objects.bulk_create(
            ServiceAddress(
                organisation=target,
                street_id=line.street_id,
                number_from=line.number_from,
                number_to=line.number_to,
                parity=line.parity,
            )
            for line in target.proposed_lines  # type: ignore[attr-defined]
        )
        del target.proposed_lines  # type: ignore[attr-defined]
        after = organisation_values(target)
        record_differences(
            actor=actor,
            city=city,
            action="organisation.saved",
            subject=target.slug,
            fields=AUDITED,
            before=before,
            after=after,
        )
    return target
