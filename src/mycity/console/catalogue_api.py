"""The city administrator's API on the catalogue of categories (scope `staff` or the
session): what the console's category pages do (`category_views`), through the same
service, `appeals.actions.catalogue.save_category`, and the same tree."""

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.appeals.actions.catalogue import merge_extra_fields, save_category
from mycity.appeals.api import STAFF
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import AppealKind, Category, TimeUnit
from mycity.appeals.selectors import catalogue_tree
from mycity.cities.models import Activity, City, Organisation
from mycity.console.api_access import admin_city, caller
from mycity.core.api_formats import NOT_BOOL, JsonBool
from mycity.core.errors import NotFound

router = Router(tags=["city setup"], auth=STAFF)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
FIELD_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"

if TYPE_CHECKING:
    KindName: TypeAlias = str
    ActivityName: TypeAlias = str
    UnitName: TypeAlias = str
else:
    # The models' choices, as enums of the document.
    KindName = Literal[tuple(AppealKind.values)]
    ActivityName = Literal[tuple(Activity.values)]
    UnitName = Literal[tuple(TimeUnit.values)]
FieldType = Literal["text", "integer", "plate", "choice"]
Bound = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), NOT_BOOL]


class FieldLabels(Schema):
    ru: str = Field("", max_length=100)
    be: str = Field("", max_length=100)
    en: str = Field("", max_length=100)


class ExtraFieldChoice(Schema):
    value: str = Field(min_length=1, max_length=100, pattern=r"^[^|\s](.*\S)?$")
    label: FieldLabels | None = Field(None, description="Empty languages: the Russian one.")


class ExtraFieldIn(Schema):
    name: str = Field(max_length=40, pattern=FIELD_NAME_PATTERN)
    type: FieldType = "text"
    required: JsonBool = False
    label: FieldLabels | None = Field(None, description="Empty languages take the Russian one.")
    min: Bound | None = Field(None, description="The least number (an `integer` field).")
    max: Bound | None = Field(None, description="The greatest number (an `integer` field).")
    choices: list[ExtraFieldChoice] = Field(
        default_factory=list, max_length=50, description="The options of a `choice` field."
    )


class ExtraFieldOut(Schema):
    name: str
    type: str
    required: bool = False
    label: dict[str, str] | None = None
    min: int | None = None
    max: int | None = None
    choices: list[dict[str, Any]] | None = None
    pattern: str | None = Field(None, description="Kept from the definition; not edited here.")
    max_length: int | None = Field(None, description="Kept from the definition.")


class CatalogueCategoryIn(Schema):
    slug: str = Field(max_length=80, pattern=SLUG_PATTERN)
    parent: str | None = Field(
        None, max_length=80, pattern=SLUG_PATTERN, description="The top category it is inside."
    )
    name_ru: str = Field(min_length=1, max_length=200, pattern=r"\S")
    name_be: str = Field("", max_length=200, description="Empty: the Russian name.")
    name_en: str = Field("", max_length=200, description="Empty: the Russian name.")
    kind: KindName = Field(
        "problem", description="The legal kind; it cannot change once appeals are filed."
    )
    activity: ActivityName = Field(
        "general", description="Routes a report to the executors that do it."
    )
    default_organisation: str | None = Field(
        None,
        max_length=80,
        pattern=SLUG_PATTERN,
        description="The default executor's slug; null: the executor whose service area "
        "holds the point and who does the activity.",
    )
    is_public: JsonBool = Field(True, description="Reports are public on the map (problems).")
    needs_moderation: JsonBool = Field(
        False, description="Reports are moderated before they are accepted."
    )
    notice_ru: str = Field("", max_length=300, description="The notice to residents.")
    notice_be: str = Field("", max_length=300)
    notice_en: str = Field("", max_length=300)
    service_time_value: Annotated[int, Field(ge=1, le=365), NOT_BOOL] = 10
    service_time_unit: UnitName = "working_days"
    icon: str = Field("", max_length=40)
    display_order: Annotated[int, Field(ge=0, le=32767), NOT_BOOL] = 100
    is_active: JsonBool = Field(True, description="In use; false retires the category.")
    extra_fields: list[ExtraFieldIn] = Field(
        default_factory=list,
        max_length=20,
        description="What residents fill in, in order; keys not given here (a pattern, a "
        "length) are kept from the field of the same name.",
    )


class CatalogueCategoryOut(Schema):
    id: int
    slug: str
    parent: str | None
    depth: int = Field(description="0: a top category; 1: inside one.")
    name_ru: str
    name_be: str
    name_en: str
    synonyms: list[str] = Field(description="Words residents use for it.")
    kind: str
    activity: str
    default_organisation: str | None
    is_public: bool
    needs_moderation: bool
    notice_ru: str
    notice_be: str
    notice_en: str
    service_time_value: int
    service_time_unit: str
    icon: str
    display_order: int
    is_active: bool
    extra_fields: list[ExtraFieldOut]


def _category(city: City, category_slug: str) -> Category:
    found = (
        Category.objects.filter(city=city, slug=category_slug)
        .select_related("parent", "default_organisation")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def category_out(category: Category) -> dict[str, Any]:
    return {
        "id": category.pk,
        "slug": category.slug,
        "parent": category.parent.slug if category.parent else None,
        "depth": 1 if category.parent_id else 0,
        **{
            f"{key}_{lang}": getattr(category, f"{key}_{lang}")
            for key in ("name", "notice")
            for lang in ("ru", "be", "en")
        },
        "synonyms": category.synonym_list,
        "kind": category.kind,
        "activity": category.activity,
        "default_organisation": (
            category.default_organisation.slug if category.default_organisation else None
        ),
        "is_public": category.is_public,
        "needs_moderation": category.needs_moderation,
        "service_time_value": category.service_time_value,
        "service_time_unit": category.service_time_unit,
        "icon": category.icon,
        "display_order": category.display_order,
        "is_active": category.is_active,
        "extra_fields": category.extra_fields or [],
    }


def _values(city: City, current: Category | None, payload: CatalogueCategoryIn) -> dict:
    """The service's values from the body: the parent and the default executor named by
    slug, as the page's choices offer them (a top category; a working organisation)."""
    values = payload.dict(exclude={"parent", "default_organisation", "extra_fields"})
    problems = []
    values["parent"] = None
    if payload.parent is not None:
        parents = Category.objects.filter(city=city, parent__isnull=True, slug=payload.parent)
        if current is not None:
            parents = parents.exclude(pk=current.pk)
        values["parent"] = parents.first()
        if values["parent"] is None:
            problems.append(
                {"field": "parent", "message": _("There is no such top category in this city.")}
            )
    values["default_organisation"] = None
    if payload.default_organisation is not None:
        values["default_organisation"] = (
            Organisation.objects.filter(
                city=city, is_active=True, slug=payload.default_organisation
            )
            .defer("service_area")
            .first()
        )
        if values["default_organisation"] is None:
            problems.append(
                {
                    "field": "default_organisation",
                    "message": _("There is no such organisation in this city."),
                }
            )
    if problems:
        raise InvalidAppeal(details=problems)
    values["extra_fields"] = merge_extra_fields(
        [field.dict() for field in payload.extra_fields],
        list(current.extra_fields) if current else [],
    )
    return values


@router.get(
    "/{slug}/staff/categories",
    response=list[CatalogueCategoryOut],
    summary="The city's catalogue of categories, retired ones too (city administrators)",
    description="In the tree's order: each top category, then the categories inside it.",
)
def list_catalogue(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    city = admin_city(request, slug)
    return [
        category_out(category)
        for top, children in catalogue_tree(city)
        for category in (top, *children)
    ]


@router.post(
    "/{slug}/staff/categories",
    response={201: CatalogueCategoryOut},
    summary="Add a category to the city's catalogue (city administrators)",
    description="Refused with field details for a slug the city has, a parent or default "
    "executor that is not the city's, malformed extra fields, or a problem category no "
    "executor would get (no default executor, nobody doing its activity). Audited.",
)
def create_category(
    request: HttpRequest, slug: str, payload: CatalogueCategoryIn
) -> Status[dict[str, Any]]:
    city = admin_city(request, slug)
    saved = save_category(
        actor=caller(request), city=city, category=None, values=_values(city, None, payload)
    )
    return Status(201, category_out(_category(city, saved.slug)))


@router.get(
    "/{slug}/staff/categories/{category_slug}",
    response=CatalogueCategoryOut,
    summary="One category of the city's catalogue (city administrators)",
)
def get_catalogue_category(request: HttpRequest, slug: str, category_slug: str) -> dict:
    city = admin_city(request, slug)
    return category_out(_category(city, category_slug))


@router.put(
    "/{slug}/staff/categories/{category_slug}",
    response=CatalogueCategoryOut,
    summary="Change a category of the city's catalogue, or retire it (city administrators)",
    description="The whole category, as the page sends it; `is_active: false` retires it. "
    "Appeals already filed keep what they were filed with (kind, deadline, executor, extra "
    "values); the kind cannot change once appeals are filed. Audited with before and after.",
)
def update_category(
    request: HttpRequest, slug: str, category_slug: str, payload: CatalogueCategoryIn
) -> dict:
    city = admin_city(request, slug)
    current = _category(city, category_slug)
    saved = save_category(
        actor=caller(request),
        city=city,
        category=current,
        values=_values(city, current, payload),
    )
    return category_out(_category(city, saved.slug))
