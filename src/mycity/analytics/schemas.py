from typing import Any

from ninja import Field, Schema


class FiguresQuery(Schema):
    date_from: str | None = Field(
        None, max_length=10, description="First day, YYYY-MM-DD; default: 90 days before today"
    )
    date_to: str | None = Field(
        None, max_length=10, description="Last day, included, YYYY-MM-DD; default: yesterday"
    )
    sector: str | None = Field(None, max_length=20, description="housing, roads, transport, …")
    category: str | None = Field(
        None, max_length=80, description="A category's or a group's slug (one city only)"
    )
    district: str | None = Field(None, max_length=50, description="A district's slug")
    organisation: str | None = Field(None, max_length=80, description="An executor's slug")
    channel: str | None = Field(None, max_length=20, description="app, post, national, …")


class AnalyticsColumnOut(Schema):
    key: str
    label: str


class AnalyticsRowOut(Schema):
    key: str
    label: str
    values: dict[str, Any] = Field(
        description="By column key; null where fewer than five appeals stand behind a figure"
    )


class AnalyticsTableOut(Schema):
    key: str
    title: str
    columns: list[AnalyticsColumnOut]
    rows: list[AnalyticsRowOut]


class FiguresOut(Schema):
    cities: list[str]
    date_from: str
    date_to: str
    tables: list[AnalyticsTableOut]


class OpenDataOut(Schema):
    city: str
    date_from: str
    date_to: str
    license: str
    license_url: str
    definitions: str
    fields: list[str]
    rows: list[dict[str, Any]]
