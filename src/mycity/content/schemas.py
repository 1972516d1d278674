"""Shapes of the content API."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from mycity.core.api_formats import NOT_BOOL, IsoDateTime, JsonBool, JsonInt


class Texts(Schema):
    ru: str = ""
    be: str = ""
    en: str = ""


class NoticeAddressOut(Schema):
    label: str
    street_id: int | None
    building_id: int | None
    number_from: int | None
    number_to: int | None
    parity: str


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    is_emergency: bool
    title: str
    reason: str
    starts_at: datetime
    ends_at: datetime | None
    state: str
    is_current: bool
    url: str


class NoticeDetailOut(NoticeOut):
    titles: Texts
    reasons: Texts
    addresses: list[NoticeAddressOut]
    area: dict[str, Any] | None
    affected_buildings: int


class NoticeAddressIn(Schema):
    street_id: JsonInt | None = None
    building_id: JsonInt | None = None
    number_from: Annotated[int, Field(ge=0, le=100000), NOT_BOOL] | None = None
    number_to: Annotated[int, Field(ge=0, le=100000), NOT_BOOL] | None = None
    parity: str = "all"


class NoticeIn(Schema):
    kind: str
    title: Texts
    # A factory, not an instance: the document then states no object default, which
    # client generators cannot represent (openapi-python-client drops the schema).
    reason: Texts = Field(default_factory=Texts)
    starts_at: IsoDateTime
    ends_at: IsoDateTime | None = None
    is_emergency: JsonBool = False
    addresses: list[NoticeAddressIn] = []
    area: dict[str, Any] | None = None


class AffectingOut(Schema):
    building: dict[str, Any]
    notices: list[NoticeOut]
