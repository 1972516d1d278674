"""The city's catalogue of categories."""

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.errors import (
    InvalidAppeal,
)
from mycity.appeals.extra_fields import check_definitions
from mycity.appeals.models import (
    AppealKind,
    Category,
    TimeUnit,
    synonym_list,
)
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import Activity, City, Organisation
from mycity.core.audit import record_differences


@transaction.atomic
def upsert_category(
    *,
    city: City,
    slug: str,
    names: dict[str, str],
    kind: str,
    parent: Category | None = None,
    icon: str = "",
    synonyms: str = "",
    activity: str = "general",
    is_public: bool = True,
    needs_moderation: bool = False,
    default_organisation: Organisation | None = None,
    service_time: tuple[int, str] = (10, "working_days"),
    extra_fields: list[dict[str, Any]] | None = None,
    display_order: int = 100,
) -> Category:
    """Create or update a category of a city's catalogue (the demo loader, the admin)."""
    try:
        check_definitions(extra_fields or [])
    except ValueError as exc:
        raise InvalidAppeal(str(exc), field="extra_fields") from None
    if parent is not None and parent.city_id != city.pk:
        raise InvalidAppeal(_("The parent category is of another city."), field="parent")
    if default_organisation is not None and default_organisation.city_id != city.pk:
        raise InvalidAppeal(_("There is no such organisation in this city."), field="organisation")
    category = Category.objects.filter(city=city, slug=slug).first() or Category(
        city=city, slug=slug
    )
    ru = (names.get("ru") or "").strip()
    for language in ("ru", "be", "en"):
        setattr(category, f"name_{language}", (names.get(language) or ru).strip())
    category.kind = kind
    category.parent = parent
    category.icon = icon
    category.synonyms = ", ".join(synonym_list(synonyms))
    category.activity = activity
    category.is_public = is_public and kind == AppealKind.PROBLEM
    category.needs_moderation = needs_moderation
    category.default_organisation = default_organisation
    category.service_time_value, category.service_time_unit = service_time
    category.extra_fields = extra_fields or []
    category.display_order = display_order
    category.full_clean()
    category.save()
    city_pages_changed(city)
    return category


# --- the city administrator's editor -----------------------------------------------

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("ru", "be", "en")
NAME_LIMIT = 200
NOTICE_LIMIT = 300
# What the editor changes, in the order the audit trail lists it.
EDITABLE = (
    "slug",
    "parent",
    "kind",
    "name_ru",
    "name_be",
    "name_en",
    "notice_ru",
    "notice_be",
    "notice_en",
    "icon",
    "activity",
    "default_organisation",
    "is_public",
    "needs_moderation",
    "service_time_value",
    "service_time_unit",
    "extra_fields",
    "display_order",
    "is_active",
)


def _choice_labels(choice: dict[str, Any]) -> dict[str, str]:
    """An option's label in every language: the Russian one (or its value) where empty."""
    labels = choice.get("label") or {}
    ru = labels.get("ru") or choice["value"]
    return {lang: labels.get(lang) or ru for lang in LANGUAGES}


def merge_extra_fields(
    fields: list[dict[str, Any]], previous: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The definitions of the extra fields an editor describes (each `name`, `type`,
    `required`, `label` by language, `min` and `max`, `choices`), in order: keys the
    editor does not change (a pattern, a length) are kept from the field's previous
    definition; an empty label takes the Russian one (or the name); bounds belong to a
    number, options to a choice."""
    kept = {definition.get("name"): definition for definition in previous}
    definitions = []
    for field in fields:
        name = field["name"]
        definition = dict(kept.get(name, {}))
        definition.update({"name": name, "type": field["type"], "required": field["required"]})
        labels = {lang: (field.get("label") or {}).get(lang) or "" for lang in LANGUAGES}
        if any(labels.values()):
            definition["label"] = {lang: labels[lang] or labels["ru"] or name for lang in LANGUAGES}
        for key in ("min", "max"):
            if field.get(key) is not None and field["type"] == "integer":
                definition[key] = field[key]
            else:
                definition.pop(key, None)
        if field["type"] == "choice":
            definition["choices"] = [
                {"value": choice["value"], "label": _choice_labels(choice)}
                for choice in field.get("choices") or []
            ]
        else:
            definition.pop("choices", None)
        definitions.append(definition)
    return definitions


def category_values(category: Category) -> dict[str, Any]:
    """A category's editable values as the audit trail keeps them (slugs for links)."""
    values: dict[str, Any] = {}
    for name in EDITABLE:
        value = getattr(category, name)
        if name in ("parent", "default_organisation"):
            value = value.slug if value is not None else ""
        values[name] = value
    return values


def _has_route(city: City, activity: str, default: Organisation | None) -> bool:
    if default is not None:
        return True
    return any(
        activity in (org.activities or [])
        for org in Organisation.objects.filter(
            city=city, kind=Organisation.Kind.EXECUTOR, is_active=True
        ).only("activities")
    )


def _descends_from(parent: Category | None, category: Category) -> bool:
    seen = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == category.pk:
            return True
        seen.add(parent.pk)
        parent = parent.parent
    return False


def _problems(
    city: City, category: Category, values: dict[str, Any], *, container: bool = False
) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def problem(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    slug = values["slug"]
    if not SLUG.match(slug) or len(slug) > 80:
        problem("slug", _("Use small Latin letters, digits and hyphens."))
    elif Category.objects.filter(city=city, slug=slug).exclude(pk=category.pk).exists():
        problem("slug", _("Another category of the city has this slug."))
    if not values["name_ru"]:
        problem("name_ru", _("The Russian name is required."))
    for language in ("ru", "be", "en"):
        if len(values[f"name_{language}"]) > NAME_LIMIT:
            problem(f"name_{language}", _("The name is too long."))
        if len(values[f"notice_{language}"]) > NOTICE_LIMIT:
            problem(f"notice_{language}", _("The notice is too long."))
    if values["kind"] not in AppealKind.values:
        problem("kind", _("Choose a kind."))
    elif category.pk and values["kind"] != category.kind and category.appeals.exists():
        problem("kind", _("Appeals are filed under this category: its kind cannot change."))
    if values["activity"] not in Activity.values:
        problem("activity", _("Choose an activity."))
    if values["service_time_unit"] not in TimeUnit.values:
        problem("service_time_unit", _("Choose a unit."))
    if not 1 <= values["service_time_value"] <= 365:
        problem("service_time_value", _("Enter a number from 1 to 365."))
    parent = values["parent"]
    if parent is not None and parent.city_id != city.pk:
        problem("parent", _("The parent category is of another city."))
    elif parent is not None and category.pk and _descends_from(parent, category):
        problem("parent", _("A category cannot be inside itself."))
    elif parent is not None and category.pk and category.children.exists():
        # Two levels: the catalogue's tree (the page's, the API's list) shows no third.
        problem("parent", _("A category with categories inside cannot go inside another."))
    default = values["default_organisation"]
    if default is not None and (default.city_id != city.pk or not default.is_active):
        problem("default_organisation", _("There is no such organisation in this city."))
    names = [d.get("name") for d in values["extra_fields"] if isinstance(d, dict)]
    twice = sorted({name for name in names if names.count(name) > 1}, key=str)
    try:
        if twice:
            # check_definitions' own words are English, for the loaders; the editor's are
            # in the administrator's language.
            raise ValueError(
                _("Two extra fields are named %(names)s.") % {"names": ", ".join(map(str, twice))}
            )
        check_definitions(values["extra_fields"])
    except ValueError as exc:
        problem("extra_fields", str(exc))
    else:
        if any(d.get("type") == "choice" and not d.get("choices") for d in values["extra_fields"]):
            problem("extra_fields", _("A field of options needs at least one option."))
    is_leaf = not container and (not category.pk or not category.children.exists())
    if (
        values["kind"] == AppealKind.PROBLEM
        and values["is_active"]
        and is_leaf
        and not problems
        and not _has_route(city, values["activity"], default)
    ):
        problem(
            "default_organisation",
            _(
                "No organisation of the city does this activity: choose a default executor, "
                "or another activity."
            ),
        )
    return problems


def save_category(
    *,
    actor: User,
    city: City,
    category: Category | None,
    values: dict[str, Any],
    container: bool = False,
) -> Category:
    """Create (`category` None) or change a category of the city's catalogue, written to
    the audit trail with its values before and after. Appeals filed under it keep what
    they were filed with: their kind, deadline, executor and extra values are their own.
    A `container` (a group that other categories will be put in) needs no route."""
    require(actor, Action.EDIT_CITY, city)
    target = category if category is not None else Category(city=city)
    if target.pk and target.city_id != city.pk:
        raise InvalidAppeal(_("There is no such category in this city."), field="slug")
    values = {name: values.get(name, getattr(target, name, None)) for name in EDITABLE}
    for name in (
        "slug",
        "icon",
        *(f"{k}_{lang}" for k in ("name", "notice") for lang in ["ru", "be", "en"]),
    ):
        values[name] = (values[name] or "").strip()
    for language in ("be", "en"):
        values[f"name_{language}"] = values[f"name_{language}"] or values["name_ru"]
    values["extra_fields"] = values["extra_fields"] or []
    if values["kind"] != AppealKind.PROBLEM:
        values["is_public"] = False
    problems = _problems(city, target, values, container=container)
    if problems:
        raise InvalidAppeal(details=problems)
    before = category_values(target) if target.pk else {}
    with transaction.atomic():
        for name, value in values.items():
            setattr(target, name, value)
        target.save()
        after = category_values(target)
        record_differences(
            actor=actor,
            city=city,
            action="category.saved",
            subject=target.slug,
            fields=EDITABLE,
            before=before,
            after=after,
        )
    return target
