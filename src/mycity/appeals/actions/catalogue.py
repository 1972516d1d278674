"""The city's catalogue of categories."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mycity.appeals.errors import (
    InvalidAppeal,
)
from mycity.appeals.extra_fields import check_definitions
from mycity.appeals.models import (
    AppealKind,
    Category,
    synonym_list,
)
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City, Organisation


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
