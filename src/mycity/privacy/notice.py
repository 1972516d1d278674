"""The notice a resident reads before consenting (art. 5 p. 5 of Law 99-З): made from
the operator's fields, in the reader's language.

An operator keeps its texts in Russian, Belarusian and English; what it leaves empty
comes from the platform's defaults below, which are translated like any other string
of the site. A published version keeps the texts of all three languages as they were
(`operator_snapshot`), so a consent can always be shown with what it agreed to.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import City
from mycity.core.translated import pick_translation
from mycity.privacy.models import Operator, PrivacyNotice

LANGUAGES = ("ru", "be", "en")

# (purpose, categories of data, how long they are kept, the ground in law)
DEFAULT_PURPOSES: list[tuple[Promise, Promise, Promise, Promise]] = [
    (
        _("Considering appeals and problem reports and answering them"),
        _(
            "full name, postal address, e-mail, phone, the text of the appeal, photos "
            "and attachments, the place of the problem"
        ),
        _("until the appeal is closed and then for the retention period of closed appeals"),
        _("the Law «Об обращениях граждан и юридических лиц» and your consent"),
    ),
    (
        _("Your account: signing in and your settings"),
        _("e-mail, full name, language, home address, quiet hours"),
        _("while you keep the account"),
        _("your consent"),
    ),
    (
        _("Notifications you subscribed to: outages, news, events"),
        _("subscriptions (addresses, districts, topics), browser push subscriptions"),
        _("until you unsubscribe or withdraw your consent"),
        _("your consent"),
    ),
]


def _texts(value: Any) -> dict[str, str]:
    """A stored {"ru", "be", "en"} text, or one string for every language."""
    if isinstance(value, dict):
        return {language: str(value.get(language) or "") for language in LANGUAGES}
    return dict.fromkeys(LANGUAGES, str(value or ""))


def _in_every_language(text: Promise | str) -> dict[str, str]:
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = str(text)
    return found


def operator_of(city: City) -> Operator:
    """The city's operator; an unsaved one with the defaults when none is set up."""
    operator = Operator.objects.filter(city=city).first()
    return operator if operator is not None else Operator(city=city)


def operator_snapshot(operator: Operator) -> dict[str, Any]:
    """The operator's fields, in every language, defaults filled in: what a notice shows."""
    city = operator.city
    names = {"ru": operator.name_ru, "be": operator.name_be, "en": operator.name_en}
    if not any(names.values()):
        for language in LANGUAGES:
            with translation.override(language):
                names[language] = gettext("The executive committee of %(city)s") % {
                    "city": city.names[language]
                }
    purposes = [
        {key: _texts(entry.get(key)) for key in ("purpose", "categories", "retention", "ground")}
        for entry in operator.purposes or []
        if isinstance(entry, dict)
    ] or [
        {
            "purpose": _in_every_language(purpose),
            "categories": _in_every_language(categories),
            "retention": _in_every_language(retention),
            "ground": _in_every_language(ground),
        }
        for purpose, categories, retention, ground in DEFAULT_PURPOSES
    ]
    processors = [
        {"name": str(entry.get("name") or ""), "purpose": _texts(entry.get("purpose"))}
        for entry in operator.processors or []
        if isinstance(entry, dict)
    ]
    return {
        "name": names,
        "postal_address": operator.postal_address,
        "email": operator.email,
        "phone": operator.phone,
        "responsible_person": operator.responsible_person,
        "purposes": purposes,
        "processors": processors,
        "retention_years": operator.retention_years,
    }


@dataclass(frozen=True)
class Purpose:
    purpose: str
    categories: str
    retention: str
    ground: str


@dataclass(frozen=True)
class Processor:
    name: str
    purpose: str


@dataclass(frozen=True)
class Notice:
    """A version of the notice, in one language."""

    city: City
    version: str
    published_at: datetime | None
    operator_name: str
    postal_address: str
    email: str
    phone: str
    responsible_person: str
    purposes: list[Purpose]
    processors: list[Processor]
    retention_years: int


def _read(city: City, version: str, published_at: datetime | None, snap: dict) -> Notice:
    return Notice(
        city=city,
        version=version,
        published_at=published_at,
        operator_name=pick_translation(_texts(snap.get("name"))),
        postal_address=snap.get("postal_address", ""),
        email=snap.get("email", ""),
        phone=snap.get("phone", ""),
        responsible_person=snap.get("responsible_person", ""),
        purposes=[
            Purpose(
                **{
                    key: pick_translation(_texts(entry.get(key)))
                    for key in ("purpose", "categories", "retention", "ground")
                }
            )
            for entry in snap.get("purposes", [])
        ],
        processors=[
            Processor(name=entry["name"], purpose=pick_translation(_texts(entry.get("purpose"))))
            for entry in snap.get("processors", [])
        ],
        retention_years=int(snap.get("retention_years") or 5),
    )


def current_version(city: City) -> str:
    """The version a resident consents to now: the city's latest published notice, or
    the platform's policy version while the city has published none."""
    latest = PrivacyNotice.objects.filter(city=city).values_list("version", flat=True).first()
    return latest or settings.PERSONAL_DATA_POLICY_VERSION


def notice_of(city: City, version: str | None = None) -> Notice | None:
    """The notice in the active language: a published version as it was, or the current
    one; None for a version the city never had."""
    published = PrivacyNotice.objects.filter(city=city)
    row = published.filter(version=version).first() if version else published.first()
    if row is not None:
        return _read(city, row.version, row.published_at, row.snapshot)
    if version and version != settings.PERSONAL_DATA_POLICY_VERSION:
        return None
    snap = operator_snapshot(operator_of(city))
    return _read(city, settings.PERSONAL_DATA_POLICY_VERSION, None, snap)


def authority() -> str:
    """Where a resident complains (art. 14 of the Law)."""
    return gettext("the National Personal Data Protection Centre of the Republic of Belarus")
