"""The content API: notices of outages and works, and "does it affect my address"."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from mycity.appeals.api import STAFF
from mycity.cities import selectors as city_selectors
from mycity.cities.addresses import building_label, street_label
from mycity.cities.clock import in_city_time, maybe_in_city_time
from mycity.cities.models import Building, City
from mycity.content import selectors, services
from mycity.content.errors import NoticeNotFound
from mycity.content.geojson import notices_geojson
from mycity.content.models import Notice, NoticeAddress, NoticeKind
from mycity.content.schemas import AffectingOut, NoticeDetailOut, NoticeIn, NoticeOut
from mycity.core.api_contract import errors, exactly_one_of, geojson
from mycity.core.api_formats import MAX_ID
from mycity.core.errors import DomainError, NotFound
from mycity.core.public_reads import public_read

router = Router(tags=["notices"])


class InvalidQuery(DomainError):
    code = "invalid"


class KindQuery(Schema):
    kind: NoticeKind | None = None


class AffectingQuery(Schema):
    building: int | None = Field(None, ge=1, le=MAX_ID, description="A building's id.")
    address: str | None = Field(
        None, min_length=1, max_length=200, description="Words of an address."
    )


def notice_out(notice: Notice) -> dict:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "is_emergency": notice.is_emergency,
        "title": notice.title,
        "reason": notice.reason,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "state": notice.state,
        "is_current": notice.is_current(),
        "url": f"/{notice.city.slug}/notices/{notice.pk}/",
    }


def address_label(line: NoticeAddress) -> str:
    if line.building is not None:
        return building_label(line.building)
    label = street_label(line.street) if line.street is not None else ""
    if line.number_from is not None or line.number_to is not None:
        label += f", {line.number_from or 1}–{line.number_to or '…'}"
    if line.parity != "all":
        label += f" ({line.get_parity_display().lower()})"
    return label


def notice_detail_out(notice: Notice) -> dict:
    lines = list(notice.addresses.select_related("street", "building__street"))
    return notice_out(notice) | {
        "titles": {"ru": notice.title_ru, "be": notice.title_be, "en": notice.title_en},
        "reasons": {"ru": notice.reason_ru, "be": notice.reason_be, "en": notice.reason_en},
        "addresses": [
            {
                "label": address_label(line),
                "street_id": line.street_id,
                "building_id": line.building_id,
                "number_from": line.number_from,
                "number_to": line.number_to,
                "parity": line.parity,
            }
            for line in lines
        ],
        "area": notice.area,
        "affected_buildings": selectors.affected_count(notice),
    }


def _draft(city: City, payload: NoticeIn) -> services.NoticeDraft:
    return services.NoticeDraft(
        kind=payload.kind,
        title=payload.title.dict(),
        reason=payload.reason.dict(),
        starts_at=in_city_time(city, payload.starts_at),
        ends_at=maybe_in_city_time(city, payload.ends_at),
        is_emergency=payload.is_emergency,
        addresses=[services.AddressLine(**line.dict()) for line in payload.addresses],
        area=payload.area,
    )


def _city(slug: str) -> City:
    return city_selectors.city_by_slug(slug)


@router.get(
    "/{slug}/notices",
    response=list[NoticeOut],
    summary="Notices of outages and works that are on now or still to come",
)
@decorate_view(public_read)
def list_notices(request: HttpRequest, slug: str, params: Query[KindQuery]) -> list[dict]:
    city = _city(slug)
    notices = selectors.notices_of(city, kind=params.kind).select_related("city")
    return [notice_out(n) for n in notices]


@router.get(
    "/{slug}/notices/affecting",
    response=AffectingOut,
    summary="Does anything affect this address? (a building id, or words of an address)",
    description="Kept for existing clients: client generators cannot send an object "
    "parameter, so new clients call `buildings/{building_id}/notices` or "
    "`notices/affecting-address`.",
    openapi_extra=exactly_one_of("which", "building", "address"),
    deprecated=True,
)
def notices_affecting(request: HttpRequest, slug: str, params: Query[AffectingQuery]) -> dict:
    city = _city(slug)
    return _affecting(city, _building(city, params.building, params.address))


class AffectingAddressQuery(Schema):
    address: str = Field(..., min_length=1, max_length=200, description="Words of an address.")


@router.get(
    "/{slug}/buildings/{building_id}/notices",
    response=AffectingOut,
    summary="Notices on now or to come that affect a building",
)
def notices_affecting_building(request: HttpRequest, slug: str, building_id: int) -> dict:
    city = _city(slug)
    return _affecting(city, _building(city, building_id, None))


@router.get(
    "/{slug}/notices/affecting-address",
    response=AffectingOut,
    summary="Notices on now or to come that affect the building an address names",
)
def notices_affecting_address(
    request: HttpRequest, slug: str, params: Query[AffectingAddressQuery]
) -> dict:
    city = _city(slug)
    return _affecting(city, _building(city, None, params.address))


def _affecting(city: City, building: Building) -> dict:
    notices = selectors.notices_affecting(building)
    for notice in notices:
        notice.city = city
    return {
        "building": {"id": building.pk, "label": building_label(building)},
        "notices": [notice_out(n) for n in notices],
    }


def _building(city: City, building_id: int | None, address: str | None) -> Building:
    if (building_id is None) == (not address):
        raise InvalidQuery(
            _("Give either building (an id) or address (words of an address)."), field="address"
        )
    if building_id is not None:
        building = (
            Building.objects.select_related("street").filter(city=city, pk=building_id).first()
        )
    else:
        found = city_selectors.search_addresses(city, address or "", limit=1).buildings
        building = found[0] if found else None
    if building is None:
        raise NotFound(_("There is no such address in the city's registry."))
    return building


@router.get(
    "/{slug}/notices.geojson",
    summary="Notices on now or to come, as GeoJSON",
    openapi_extra=geojson("Notices with the area or buildings they affect"),
)
@decorate_view(public_read)
def notices_as_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    return HttpResponse(notices_geojson(city), content_type="application/geo+json; charset=utf-8")


@router.get("/{slug}/notices/{notice_id}", response=NoticeDetailOut, summary="One notice")
@decorate_view(public_read)
def get_notice(request: HttpRequest, slug: str, notice_id: int) -> dict:
    return notice_detail_out(selectors.public_notice(_city(slug), notice_id))


@router.post(
    "/{slug}/notices",
    response={201: NoticeDetailOut},
    auth=STAFF,
    summary="Write a notice (a draft; editors of the city)",
    openapi_extra=errors(422),
)
def create_notice(request: HttpRequest, slug: str, payload: NoticeIn) -> Status[dict]:
    city = _city(slug)
    notice = services.save_notice(actor=request.auth, city=city, draft=_draft(city, payload))  # type: ignore[attr-defined]
    return Status(201, notice_detail_out(notice))


@router.put(
    "/{slug}/notices/{notice_id}",
    response=NoticeDetailOut,
    auth=STAFF,
    summary="Change a notice (editors of the city)",
    openapi_extra=errors(409, 422),
)
def change_notice(request: HttpRequest, slug: str, notice_id: int, payload: NoticeIn) -> dict:
    city = _city(slug)
    notice = _editable(city, notice_id)
    notice = services.save_notice(
        actor=request.auth,  # type: ignore[attr-defined]
        city=city,
        notice=notice,
        draft=_draft(city, payload),
    )
    return notice_detail_out(notice)


@router.post(
    "/{slug}/notices/{notice_id}/publish",
    response=NoticeDetailOut,
    auth=STAFF,
    summary="Publish a draft notice and tell the residents it concerns",
    openapi_extra=errors(409, 422),
)
def publish_notice(request: HttpRequest, slug: str, notice_id: int) -> dict:
    notice = services.publish_notice(actor=request.auth, notice=_editable(_city(slug), notice_id))  # type: ignore[attr-defined]
    return notice_detail_out(notice)


@router.post(
    "/{slug}/notices/{notice_id}/withdraw",
    response=NoticeDetailOut,
    auth=STAFF,
    summary="Withdraw a notice",
    openapi_extra=errors(409),
)
def withdraw_notice(request: HttpRequest, slug: str, notice_id: int) -> dict:
    notice = services.withdraw_notice(actor=request.auth, notice=_editable(_city(slug), notice_id))  # type: ignore[attr-defined]
    return notice_detail_out(notice)


def _editable(city: City, notice_id: int) -> Notice:
    notice = Notice.objects.filter(city=city, pk=notice_id).select_related("city").first()
    if notice is None:
        raise NoticeNotFound
    return notice
