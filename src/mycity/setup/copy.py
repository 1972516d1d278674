"""Copying a city's setup to another: its catalogue of categories (with their extra
fields, notices and routing), and the organisations the catalogue routes to (their
names, kinds and activities; never their contacts or areas, which are the other city's
own). The JSON is documented in docs/city-setup.md."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.actions.catalogue import EDITABLE, save_category
from mycity.appeals.models import Category
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import active_cities
from mycity.core.errors import DomainError
from mycity.setup.organisations import save_organisation

FORMAT = "mycity-city-setup"
VERSION = 1
MAX_ITEMS = 2000
ORGANISATION_FIELDS = ("slug", "kind", "name_ru", "name_be", "name_en", "activities")
CATEGORY_FIELDS = tuple(name for name in EDITABLE if name not in ("parent", "default_organisation"))


def copy_sources(city: City) -> QuerySet[City]:
    """The cities of this deployment whose setup `city` may copy: every other active one
    (a catalogue is public)."""
    return active_cities().exclude(pk=city.pk).defer("boundary")


def export_setup(city: City) -> dict[str, Any]:
    organisations = Organisation.objects.filter(city=city, is_active=True).order_by(
        "kind", "display_order", "slug"
    )
    categories = (
        Category.objects.filter(city=city)
        .select_related("parent", "default_organisation")
        .order_by("parent_id", "display_order", "slug")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "source": city.slug,
        "organisations": [
            {name: getattr(org, name) for name in ORGANISATION_FIELDS} for org in organisations
        ],
        # Parents before their children: top-level categories sort first (parent_id NULL).
        "categories": [
            {
                **{name: getattr(category, name) for name in CATEGORY_FIELDS},
                "parent": category.parent.slug if category.parent else None,
                "default_organisation": (
                    category.default_organisation.slug if category.default_organisation else None
                ),
            }
            for category in sorted(categories, key=lambda c: c.parent_id is not None)
        ],
    }


@dataclass
class CopyReport:
    organisations_created: list[str] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)
    categories_updated: list[str] = field(default_factory=list)


def _details(prefix: str, error: DomainError) -> list[dict[str, str]]:
    return [
        {"field": f"{prefix}.{d.get('field') or ''}".rstrip("."), "message": str(d["message"])}
        for d in error.as_dict()["details"] or [{"field": "", "message": str(error.message)}]
    ]


def import_setup(*, actor: User, city: City, data: Any) -> CopyReport:
    """Bring another city's exported setup into `city`: missing organisations are made
    (serving the whole city until their areas are drawn), categories are made or
    updated by slug. All or nothing; each refusal names its item."""
    require(actor, Action.EDIT_CITY, city)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidSetup(_("This is not an exported city setup."), field="file")
    if data.get("version") != VERSION:
        raise InvalidSetup(_("This version of the export is not supported."), field="file")
    organisations = data.get("organisations") or []
    categories = data.get("categories") or []
    if not isinstance(organisations, list) or not isinstance(categories, list):
        raise InvalidSetup(_("This is not an exported city setup."), field="file")
    if len(organisations) + len(categories) > MAX_ITEMS:
        raise InvalidSetup(_("The export holds too many items."), field="file")
    report = CopyReport()
    problems: list[dict[str, str]] = []
    with transaction.atomic():
        for index, item in enumerate(organisations):
            if not isinstance(item, dict) or not item.get("slug"):
                problems.append({"field": f"organisations[{index}]", "message": _("No slug.")})
                continue
            if Organisation.objects.filter(city=city, slug=item["slug"]).exists():
                continue
            values = {name: item.get(name) for name in ORGANISATION_FIELDS}
            values |= {"service_area": None, "display_order": 100, "is_active": True}
            try:
                save_organisation(actor=actor, city=city, organisation=None, values=values)
            except DomainError as error:
                problems += _details(f"organisations[{index}]", error)
            else:
                report.organisations_created.append(item["slug"])
        parents = {item.get("parent") for item in categories if isinstance(item, dict)}
        by_slug = {org.slug: org for org in Organisation.objects.filter(city=city, is_active=True)}
        for index, item in enumerate(categories):
            if not isinstance(item, dict) or not item.get("slug"):
                problems.append({"field": f"categories[{index}]", "message": _("No slug.")})
                continue
            current = Category.objects.filter(city=city, slug=item["slug"]).first()
            values = {name: item[name] for name in CATEGORY_FIELDS if name in item}
            parent_slug = item.get("parent")
            values["parent"] = (
                Category.objects.filter(city=city, slug=parent_slug).first()
                if parent_slug
                else None
            )
            values["default_organisation"] = by_slug.get(item.get("default_organisation") or "")
            try:
                save_category(
                    actor=actor,
                    city=city,
                    category=current,
                    values=values,
                    container=item["slug"] in parents,
                )
            except DomainError as error:
                problems += _details(f"categories[{index}] ({item['slug']})", error)
            else:
                target = report.categories_updated if current else report.categories_created
                target.append(item["slug"])
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise InvalidSetup(_("Nothing was imported."), details=problems)
    return report


def copy_from_city(*, actor: User, city: City, source_slug: str) -> CopyReport:
    """Bring the setup of another city of this deployment into `city`, as if its export
    were imported."""
    source = copy_sources(city).filter(slug=source_slug).first()
    if source is None:
        raise InvalidSetup(_("Choose another city of this site."), field="source")
    return import_setup(actor=actor, city=city, data=export_setup(source))
