"""The terms the law leaves to the city and the committee's contacts, changed by its
administrator: whole or not at all, with the audit row of what changed.

The window to disagree with an answer lives in the city's `AppealPolicy`, the retention
period of closed appeals in its personal-data `Operator` (the notice quotes it): a new
retention period is a new version of a notice already published, so that residents
consent to what is true."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.models import AppealPolicy
from mycity.cities.errors import InvalidSetup
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City
from mycity.core.audit import record_change
from mycity.privacy.models import PrivacyNotice
from mycity.privacy.notice import operator_of
from mycity.setup.operator_notice import publish_next_version

COMMITTEE_FIELDS = ("committee_address", "committee_phone", "committee_email", "committee_hours")
TERM_FIELDS = ("disagreement_window_days", "retention_years")
FIELDS = (*TERM_FIELDS, *COMMITTEE_FIELDS)
# Bounds a city may choose within: a window of days to disagree, years of retention.
WINDOW_DAYS = (1, 90)
RETENTION_YEARS = (1, 75)
LIMITS = {"committee_address": 300, "committee_phone": 40, "committee_hours": 200}


def city_terms(city: City) -> dict[str, Any]:
    """The city's present terms and contacts (the defaults for a city without rows)."""
    policy = AppealPolicy.objects.filter(city=city).first()
    return {
        "disagreement_window_days": policy.disagreement_window_days if policy else 10,
        "retention_years": operator_of(city).retention_years,
        **{name: getattr(city, name) for name in COMMITTEE_FIELDS},
    }


def _check(values: dict[str, Any]) -> list[dict[str, str]]:
    problems = []
    for name, (low, high) in (
        ("disagreement_window_days", WINDOW_DAYS),
        ("retention_years", RETENTION_YEARS),
    ):
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append(
                {
                    "field": name,
                    "message": _("Give a whole number from %(low)d to %(high)d.")
                    % {"low": low, "high": high},
                }
            )
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            problems.append(
                {"field": name, "message": _("At most %(limit)d characters.") % {"limit": limit}}
            )
    if values["committee_email"]:
        try:
            validate_email(values["committee_email"])
        except ValidationError:
            problems.append({"field": "committee_email", "message": _("This is not an e-mail.")})
    return problems


def change_city_terms(*, actor: User, city: City, values: dict[str, Any]) -> dict[str, Any]:
    """Change the window to disagree, the retention period and the committee's contacts;
    the values not given stay. Returns the terms as saved."""
    require(actor, Action.EDIT_CITY, city)
    with transaction.atomic():
        # The city's row is the lock: two saves read and write the terms one after the other.
        locked = City.objects.select_for_update().get(pk=city.pk)
        after = _change_terms(actor, locked, values)
    for name in COMMITTEE_FIELDS:
        setattr(city, name, after[name])
    return after


def _change_terms(actor: User, city: City, values: dict[str, Any]) -> dict[str, Any]:
    before = city_terms(city)
    after = dict(before)
    for name in FIELDS:
        if name in values and values[name] is not None:
            value = values[name]
            after[name] = value.strip() if isinstance(value, str) else value
    problems = _check(after)
    if problems:
        raise InvalidSetup(details=problems)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if not changed:
        return after
    for name in COMMITTEE_FIELDS:
        setattr(city, name, after[name])
    city.save(update_fields=list(COMMITTEE_FIELDS))
    if set(changed) & set(COMMITTEE_FIELDS):
        # The public city read (`GET /cities/{slug}`) answers the contacts.
        city_pages_changed(city)
    AppealPolicy.objects.update_or_create(
        city=city, defaults={"disagreement_window_days": after["disagreement_window_days"]}
    )
    operator = operator_of(city)
    if operator.retention_years != after["retention_years"]:
        operator.retention_years = after["retention_years"]
        operator.save()
        if PrivacyNotice.objects.filter(city=city).exists():
            publish_next_version(actor=actor, city=city, operator=operator)
    record_change(
        actor=actor,
        city=city,
        action="city.terms_saved",
        subject=city.slug,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return after
