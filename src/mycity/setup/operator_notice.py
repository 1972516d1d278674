"""The operator's details in the personal-data notice, changed by the city's
administrator. Each change publishes a new version of the notice (the privacy app's
`PrivacyNotice`, with `operator_snapshot`), so a consent given earlier still shows what
it agreed to and residents consent to the details as they are now."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import City
from mycity.core.audit import record_change
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.privacy.notice import operator_of, operator_snapshot

OPERATOR_FIELDS = (
    "name_ru",
    "name_be",
    "name_en",
    "postal_address",
    "email",
    "phone",
    "responsible_person",
    "processors",
    "purposes",
)
LIMITS = {
    "name_ru": 300,
    "name_be": 300,
    "name_en": 300,
    "postal_address": 300,
    "phone": 40,
    "responsible_person": 300,
}
MAX_PROCESSORS = 30
MAX_PURPOSES = 20
MAX_PURPOSE_TEXT = 500
PURPOSE_KEYS = ("purpose", "categories", "retention", "ground")


def operator_values(operator: Operator) -> dict[str, Any]:
    return {name: getattr(operator, name) for name in OPERATOR_FIELDS}


def standard_purposes(city: City) -> list[dict[str, Any]]:
    """The platform's purposes in every language, as a city without its own shows them."""
    return list(operator_snapshot(Operator(city=city))["purposes"])


def publish_next_version(*, actor: User, city: City, operator: Operator) -> PrivacyNotice:
    """Publish the operator's present details as the next version of the notice, named
    by the city's date (and a counter when the day already has one)."""
    today = timezone.localdate().isoformat()
    taken = set(PrivacyNotice.objects.filter(city=city).values_list("version", flat=True))
    version, n = today, 1
    while version in taken:
        n += 1
        version = f"{today}.{n}"
    return PrivacyNotice.objects.create(
        city=city, version=version, snapshot=operator_snapshot(operator), published_by=actor
    )


def _processors(value: Any, problems: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for entry in value or []:
        name = str(entry.get("name") or "").strip() if isinstance(entry, dict) else ""
        purpose = str(entry.get("purpose") or "").strip() if isinstance(entry, dict) else ""
        if not name or len(name) > 300 or len(purpose) > 500:
            problems.append(
                {
                    "field": "processors",
                    "message": _("Each processor needs a name (and its purpose, if any)."),
                }
            )
            return []
        rows.append({"name": name, "purpose": purpose})
    if len(rows) > MAX_PROCESSORS:
        problems.append(
            {
                "field": "processors",
                "message": _("At most %(count)d processors.") % {"count": MAX_PROCESSORS},
            }
        )
    return rows


def _purposes(value: Any, problems: list[dict[str, str]]) -> list[dict[str, dict[str, str]]]:
    """Each purpose of processing with its categories of data, how long they are kept
    and the ground in law, every text in Russian and, when given, Belarusian and
    English. An empty list leaves the platform's standard purposes in the notice."""
    if not isinstance(value, list):
        problems.append({"field": "purposes", "message": _("Give the purposes as a list.")})
        return []
    rows = []
    for entry in value:
        row = {}
        for key in PURPOSE_KEYS:
            texts = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(texts, str):
                texts = {"ru": texts}
            texts = texts if isinstance(texts, dict) else {}
            row[key] = {
                language: str(texts.get(language) or "").strip() for language in ("ru", "be", "en")
            }
        if not all(row[key]["ru"] for key in PURPOSE_KEYS):
            problems.append(
                {
                    "field": "purposes",
                    "message": _(
                        "Each purpose needs, in Russian, what for, which data, how long they "
                        "are kept and the ground in law."
                    ),
                }
            )
            return []
        if any(len(text) > MAX_PURPOSE_TEXT for texts in row.values() for text in texts.values()):
            problems.append(
                {
                    "field": "purposes",
                    "message": _("At most %(limit)d characters in each part of a purpose.")
                    % {"limit": MAX_PURPOSE_TEXT},
                }
            )
            return []
        rows.append(row)
    if len(rows) > MAX_PURPOSES:
        problems.append(
            {
                "field": "purposes",
                "message": _("At most %(count)d purposes.") % {"count": MAX_PURPOSES},
            }
        )
    return rows


def change_operator(*, actor: User, city: City, values: dict[str, Any]) -> PrivacyNotice | None:
    """Change the operator's name, address, contacts and processors and publish them as
    a new version of the notice; None when nothing changed. The Russian name and the
    postal address are required, since the notice must say who processes the data and
    where to write (art. 5 p. 5 of Law 99-З)."""
    require(actor, Action.EDIT_CITY, city)
    with transaction.atomic():
        # One editor at a time: the city's row is the lock, so two saves cannot both
        # create the operator or publish the same version name.
        City.objects.select_for_update().filter(pk=city.pk).first()
        return _change_operator(actor, city, values)


def _change_operator(actor: User, city: City, values: dict[str, Any]) -> PrivacyNotice | None:
    operator = operator_of(city)
    before = operator_values(operator) if operator.pk else {}
    problems: list[dict[str, str]] = []
    after = operator_values(operator)
    for name in OPERATOR_FIELDS:
        if name in values and values[name] is not None:
            value = values[name]
            after[name] = value.strip() if isinstance(value, str) else value
    after["processors"] = _processors(after["processors"], problems)
    after["purposes"] = _purposes(after["purposes"], problems)
    if not before.get("purposes") and after["purposes"] == standard_purposes(city):
        # The form offers the standard purposes to edit; saved unchanged, they stay
        # the platform's (translated as the platform's texts are).
        after["purposes"] = []
    for name in ("name_ru", "postal_address"):
        if not after[name]:
            problems.append({"field": name, "message": _("This is required in the notice.")})
    for name, limit in LIMITS.items():
        if len(after[name]) > limit:
            problems.append(
                {"field": name, "message": _("At most %(limit)d characters.") % {"limit": limit}}
            )
    if after["email"]:
        try:
            validate_email(after["email"])
        except ValidationError:
            problems.append({"field": "email", "message": _("This is not an e-mail.")})
    if problems:
        raise InvalidSetup(details=problems)
    changed = [name for name in OPERATOR_FIELDS if before.get(name) != after[name]]
    if operator.pk and not changed:
        return None
    for name in OPERATOR_FIELDS:
        setattr(operator, name, after[name])
    operator.save()
    notice = publish_next_version(actor=actor, city=city, operator=operator)
    record_change(
        actor=actor,
        city=city,
        action="operator.saved",
        subject=notice.version,
        before={name: before[name] for name in changed if name in before},
        after={name: after[name] for name in changed},
    )
    return notice
