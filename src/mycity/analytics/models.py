"""What the dashboards read: one row per city, day and group of appeals (daily
figures), one row per city, day, category and cell of the grid (the heat map), the
city's map of categories to the republic's sectors, and the observers above a city (an
oblast executive committee, a ministry). Definitions: docs/analytics.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import Region

# Upper bounds, in hours, of the buckets the times to first action and to answer are
# counted in; the last bucket has no bound. A median or a 90th percentile is the bound
# of the bucket it falls in, so the figure read from a year of rows is the same as the
# one counted from the appeals themselves.
DURATION_BOUNDS_HOURS: tuple[int, ...] = (1, 4, 8, 24, 48, 72, 120, 168, 360, 720)
DURATION_BUCKETS = len(DURATION_BOUNDS_HOURS) + 1


class Sector(models.TextChoices):
    """The republic's list of sectors; a city maps its categories onto it."""

    HOUSING = "housing", _("Housing")
    ROADS = "roads", _("Roads")
    TRANSPORT = "transport", _("Transport")
    UTILITIES = "utilities", _("Utilities")
    IMPROVEMENT = "improvement", _("Improvement and greenery")
    SOCIAL = "social", _("Social services")
    TRADE = "trade", _("Trade and services")
    SAFETY = "safety", _("Safety and emergencies")
    OTHER = "other", _("Other")


class CategorySector(models.Model):
    """The city's choice of sector for a category (a group covers its leaves). Without
    one, the category's activity decides (`sectors.DEFAULT_SECTOR`)."""

    category = models.OneToOneField(
        "appeals.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        verbose_name = _("sector of a category")
        verbose_name_plural = _("sectors of categories")

    def __str__(self) -> str:
        return f"{self.category_id}: {self.sector}"


class GroupFigures(models.Model):
    """One group of a city's appeals (category, sector, district, executor, channel) and
    its counts over a span of time: a day or a month."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("appeals.Category", on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(max_length=20, choices=Sector.choices)
    district = models.ForeignKey(
        "cities.District", on_delete=models.CASCADE, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    channel = models.CharField(max_length=20)
    received = models.PositiveIntegerField(default=0)
    first_actions = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyFigures(GroupFigures):
    """What happened on one day (in the city's time zone) to one group of a city's
    appeals: the category, sector, district, executor and channel they have when the
    day is aggregated. Flows only: each count belongs to the day its event happened."""

    day = models.DateField()
    # first_action_0 … first_action_10 and answer_0 … answer_10 are added below: one
    # column per bucket of DURATION_BOUNDS_HOURS, so the database sums them.

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        indexes = [
            models.Index(fields=["city", "day"], name="daily_figures_city_day"),
            models.Index(fields=["day", "city"], name="daily_figures_day_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.day} {self.category_id} {self.channel}"


class MonthlyFigures(GroupFigures):
    """The sums of a city's daily figures over one calendar month, per group: what a
    long period reads (a year is 12 rows per group instead of 365). Written from the
    daily rows in the same transaction that writes them, so a month's row is always
    the exact sum of its days' rows (durations as bucket counts, never as medians)."""

    # The month's first day.
    month = models.DateField()

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        indexes = [
            models.Index(fields=["city", "month"], name="monthly_figures_city_month"),
            models.Index(fields=["month", "city"], name="monthly_figures_month_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.month:%Y-%m} {self.category_id} {self.channel}"


def duration_columns(measure: str) -> list[str]:
    return [f"{measure}_{i}" for i in range(DURATION_BUCKETS)]


# What a monthly row sums from the daily ones: every count and every bucket.
SUMMED_COLUMNS: tuple[str, ...] = (
    "received",
    "first_actions",
    "answered",
    "finished",
    "finished_on_time",
    "reopened",
    "ratings",
    "rating_sum",
    *duration_columns("first_action"),
    *duration_columns("answer"),
)

for _model in (DailyFigures, MonthlyFigures):
    for _column in (*duration_columns("first_action"), *duration_columns("answer")):
        models.PositiveIntegerField(default=0).contribute_to_class(_model, _column)


class DailyCell(models.Model):
    """Problem reports received on a day in one cell of the grid (`grid.CELL_*`), per
    group (category, district, executor, channel), so the heat map narrows with every
    filter of the dashboard and a head of department's map shows only their appeals."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    category = models.ForeignKey("appeals.Category", on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(max_length=20, choices=Sector.choices)
    district = models.ForeignKey(
        "cities.District", on_delete=models.CASCADE, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    channel = models.CharField(max_length=20, default="")
    row = models.IntegerField()
    col = models.IntegerField()
    reports = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["city", "day"], name="daily_cell_city_day")]

    def __str__(self) -> str:
        return f"{self.city_id} {self.day} {self.row}:{self.col}"


class AggregatedDay(models.Model):
    """A city's day whose rows are written: the nightly task's bookmark."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    written_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "day"], name="aggregated_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.day}"


class ObserverKind(models.TextChoices):
    # The chair of the city's executive committee and the deputies: the whole city.
    MAYOR = "mayor", _("Head of the city executive committee")
    OBLAST = "oblast", _("Oblast executive committee")
    MINISTRY = "ministry", _("Ministry")


class Observer(models.Model):
    """Someone who reads figures, never an appeal or a person: the head of a city's
    executive committee (that city), an oblast executive committee's official (the
    cities of one region) or a ministry's (every city)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observer_roles"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObserverKind.choices)
    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("observer")
        verbose_name_plural = _("observers")
        constraints = [
            models.CheckConstraint(
                name="observer_region_matches_kind",
                condition=models.Q(kind="mayor", city__isnull=False, region="")
                | (models.Q(kind="oblast", city__isnull=True) & ~models.Q(region=""))
                | models.Q(kind="ministry", city__isnull=True, region=""),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "city"],
                condition=models.Q(city__isnull=False),
                name="observer_unique_in_city",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "region"],
                condition=models.Q(city__isnull=True),
                name="observer_unique_above_cities",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.city or self.region}".strip()
