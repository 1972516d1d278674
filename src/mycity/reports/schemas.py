from datetime import date

from ninja import Field, Schema


class ReportQuery(Schema):
    date_from: str | None = Field(
        None,
        max_length=10,
        description="First registration date, YYYY-MM-DD; default: the first day of the "
        "city's current month",
    )
    date_to: str | None = Field(
        None,
        max_length=10,
        description="Last registration date, included, YYYY-MM-DD; default: the last day of "
        "the city's current month; at most five years after date_from",
    )
    organisation: str | None = Field(
        None, max_length=80, description="An executor's slug (a head: one of their own)"
    )
    channel: str | None = Field(
        None, max_length=20, description="How the appeals arrived: app, post, national, …"
    )
    kind: str | None = Field(None, max_length=20, description="problem or e_appeal")


class ColumnOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str = Field(description="A channel's or result's code, an organisation's slug, an id")
    labels: list[str] = Field(description="The row's names, in the request's language")
    values: dict[str, int] = Field(description="Numbers by column key")


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class AppealFiguresOut(Schema):
    city: str
    date_from: date
    date_to: date
    title: str
    tables: list[TableOut]
