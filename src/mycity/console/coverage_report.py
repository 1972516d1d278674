"""Gaps and overlaps per category: which executors a report of each category could reach,
and where it would reach nobody or two of them."""

import copy
from dataclasses import dataclass
from typing import Any

from mycity.appeals.models import AppealKind, Category
from mycity.appeals.selectors import leaf_categories
from mycity.cities.coverage import Coverage, coverage, serving
from mycity.cities.models import City, Organisation
from mycity.setup.organisations import EDITABLE


@dataclass(frozen=True)
class CategoryCoverage:
    category: Category
    coverage: Coverage


def category_coverage(
    city: City, *, replacing: Organisation | None = None
) -> list[CategoryCoverage]:
    """Each active problem category's cover of the city, as routing would see it: its
    default executor first, then the executors that do its activity. `replacing` is an
    organisation with proposed, unsaved values."""
    found = []
    computed: dict[tuple[str, int | None], Coverage] = {}
    categories = (
        leaf_categories(city)
        .filter(kind=AppealKind.PROBLEM)
        .select_related("default_organisation")
        .order_by("display_order", "name_ru")
    )
    for category in categories:
        default = category.default_organisation
        if default is not None and replacing is not None and default.pk == replacing.pk:
            default = replacing
        if default is not None and not default.is_active:
            default = None
        key = (category.activity, default.pk if default else None)
        if key not in computed:
            organisations = serving(city, category.activity, replacing=replacing)
            if default is not None:
                organisations = [default, *(o for o in organisations if o.pk != default.pk)]
            computed[key] = coverage(city, organisations)
        found.append(CategoryCoverage(category=category, coverage=computed[key]))
    return found


def proposed_coverage(
    city: City, organisation: Organisation | None, values: dict[str, Any]
) -> list[CategoryCoverage]:
    """The gaps and overlaps per category if `organisation` (None: a new one) had these
    values (as `save_organisation` takes them), with nothing saved: the console's "Check"
    and the API's check."""
    proposed = copy.copy(organisation) if organisation else Organisation(city=city)
    for name, value in values.items():
        if name in EDITABLE:
            setattr(proposed, name, value)
    proposed.proposed_lines = (  # type: ignore[attr-defined]
        list(values.get("service_addresses") or []) if proposed.serves_addresses else []
    )
    return category_coverage(city, replacing=proposed)
