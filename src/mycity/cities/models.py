import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mycity.cities.maps import validate_tiles_url
from mycity.core.translated import TranslatedName

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]

# A city's slug is the first segment of its public URL, so it may not shadow
# one of the site's own top-level paths.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "accounts",
        "console",
        "static",
        "media",
        "healthz",
        "readyz",
        "open311",
        "open-data",
        "cities",
        "language",
        "demo",
        "bench",
        "i18n",
        "settings",
    }
)


class Region(models.TextChoices):
    BREST = "brest", _("Brest Region")
    VITEBSK = "vitebsk", _("Vitebsk Region")
    GOMEL = "gomel", _("Gomel Region")
    GRODNO = "grodno", _("Grodno Region")
    MINSK = "minsk", _("Minsk Region")
    MOGILEV = "mogilev", _("Mogilev Region")
    MINSK_CITY = "minsk-city", _("Minsk (city)")


class BoxedArea(models.Model):
    """A GeoJSON area with its bounding box in indexed columns, for a cheap first filter."""

    min_lat = models.FloatField(editable=False, default=0)
    min_lon = models.FloatField(editable=False, default=0)
    max_lat = models.FloatField(editable=False, default=0)
    max_lon = models.FloatField(editable=False, default=0)

    class Meta:
        abstract = True


REGISTRATION_NUMBER_LENGTH = 40


def validate_registration_format(value: str) -> None:
    import string

    invalid = ValidationError(_("The format is not valid."), code="format")
    try:
        parsed = list(string.Formatter().parse(value))
        # A width of thousands (given outright or by a nested field, `{seq:{year}}`)
        # would make every number that long: only one or two digits of padding.
        if any(spec and (re.search(r"[0-9]{3,}|[{}]", spec)) for *_t, spec, _c in parsed):
            raise invalid
        fields = {name for _text, name, _spec, _conv in parsed if name}
        value.format(org="X", year=2026, yy="26", seq=1)
    except (ValueError, KeyError, IndexError):
        raise invalid from None
    if "seq" not in fields or not fields <= {"org", "year", "yy", "seq"}:
        raise ValidationError(
            _("The format must contain {seq} and may contain {org}, {year} and {yy}."),
            code="format",
        )
    # Appeal.registration_number keeps 40 characters (appeals may not be imported here):
    # a longer number would fail every registration, long after the format was saved.
    longest = value.format(org="x" * 10, year=2026, yy="26", seq=999_999)
    if len(longest) > REGISTRATION_NUMBER_LENGTH:
        raise ValidationError(
            _("The numbers this format gives would be longer than %(limit)d characters.")
            % {"limit": REGISTRATION_NUMBER_LENGTH},
            code="format",
        )


class City(TranslatedName, BoxedArea):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    population = models.PositiveIntegerField(_("population"), default=0)
    centre_lat = models.FloatField(_("centre latitude"), validators=LATITUDE)
    centre_lon = models.FloatField(_("centre longitude"), validators=LONGITUDE)
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Minsk")
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    # When the city's administrator declared its setup complete (the onboarding
    # checklist, `mycity.setup.checklist.go_live`); empty while it is being set up.
    live_since = models.DateTimeField(_("live since"), null=True, blank=True)
    map_tiles_url = models.CharField(
        _("map tiles"),
        max_length=300,
        blank=True,
        validators=[validate_tiles_url],
        help_text=_(
            "A tile URL template with {z}, {x} and {y}, e.g. the city's own tile server; "
            "empty for the platform's default."
        ),
    )
    map_attribution = models.CharField(
        _("map attribution"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the map; required by most tile providers."),
    )
    # The executive committee's own contacts, shown to residents and set by the city's
    # administrator (`mycity.setup.city_terms`).
    committee_address = models.CharField(_("committee's address"), max_length=300, blank=True)
    committee_phone = models.CharField(_("committee's phone"), max_length=40, blank=True)
    committee_email = models.EmailField(_("committee's e-mail"), blank=True)
    committee_hours = models.CharField(_("committee's opening hours"), max_length=200, blank=True)
    # How an organisation numbers what it registers: {org} (its short code), {year},
    # {yy}, {seq} with an optional width ({seq:05}). See appeals.registration.
    registration_format = models.CharField(
        _("registration number format"),
        max_length=60,
        default="{org}-{seq}/{yy}",
        validators=[validate_registration_format],
    )

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["-population", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    centre_lat__gte=-90,
                    centre_lat__lte=90,
                    centre_lon__gte=-180,
                    centre_lon__lte=180,
                ),
                name="city_centre_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class District(TranslatedName, BoxedArea):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    slug = models.SlugField(_("slug"), max_length=50)
    boundary = models.JSONField(_("boundary (GeoJSON)"))

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city", "name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="district_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.TextChoices):
    """What an organisation does; routing matches a category's activity to these."""

    GENERAL = "general", _("General administration")
    HOUSING = "housing", _("Housing maintenance")
    WATER = "water", _("Water and sewerage")
    HEATING = "heating", _("Heating")
    LIGHTING = "lighting", _("Street lighting")
    ROADS = "roads", _("Roads")
    LANDSCAPING = "landscaping", _("Landscaping and greenery")
    WASTE = "waste", _("Waste collection")
    TRANSPORT = "transport", _("Public transport")
    GAS = "gas", _("Gas supply")
    ELECTRICITY = "electricity", _("Electricity supply")
    TRADE = "trade", _("Trade and services")
    SOCIAL = "social", _("Social protection")
    ARCHITECTURE = "architecture", _("Architecture and construction")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health care")
    CULTURE = "culture", _("Culture and sport")
    EMERGENCY = "emergency", _("Emergencies")


class Organisation(TranslatedName, BoxedArea):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department of the executive committee")
        EXECUTOR = "executor", _("Executor organisation")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="organisations")
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    short_name_ru = models.CharField(_("short name (Russian)"), max_length=100, blank=True)
    short_name_be = models.CharField(_("short name (Belarusian)"), max_length=100, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=100, blank=True)
    activities = models.JSONField(_("activities"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    working_hours = models.JSONField(_("working hours"), default=dict, blank=True)
    # None: the organisation serves the whole city.
    service_area = models.JSONField(_("service area (GeoJSON)"), null=True, blank=True)
    # Served by the streets and house ranges of `service_addresses` (from the registry)
    # instead of a drawn area; `service_area` is then empty.
    serves_addresses = models.BooleanField(_("serves listed streets and houses"), default=False)
    # Lower comes first in lists: the executive committee before its departments.
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["city", "kind", "display_order", "name_ru"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"], name="organisation_slug_unique_in_city"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["department", "executor"]), name="organisation_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Parity(models.TextChoices):
    """Which house numbers of a range: a street's odd side, its even side, or both."""

    ALL = "all", _("All numbers")
    ODD = "odd", _("Odd numbers")
    EVEN = "even", _("Even numbers")


class StreetKind(models.TextChoices):
    STREET = "street", _("street")
    AVENUE = "avenue", _("avenue")
    LANE = "lane", _("lane")
    SQUARE = "square", _("square")
    BOULEVARD = "boulevard", _("boulevard")
    EMBANKMENT = "embankment", _("embankment")
    PASSAGE = "passage", _("passage")
    HIGHWAY = "highway", _("highway")
    DRIVEWAY = "driveway", _("driveway")


class Street(TranslatedName):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="streets")
    kind = models.CharField(
        _("kind"), max_length=20, choices=StreetKind.choices, default=StreetKind.STREET
    )
    # Lower-cased words of the Russian and Belarusian names (ё→е), each preceded
    # by a space, so a word-prefix search is one LIKE that behaves the same on
    # SQLite (whose LOWER() knows only ASCII) and PostgreSQL.
    search_words = models.TextField(editable=False, default="")
    source_id = models.CharField(_("id in the source registry"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["city", "name_ru"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "name_ru"], name="street_name_unique_in_city"
            ),
        ]


class Building(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="buildings")
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="buildings")
    number = models.CharField(_("house number"), max_length=20)
    # Leading number of the house number, for natural order (2, 10, 10А, 12).
    number_sort = models.PositiveIntegerField(editable=False, default=0)
    lat = models.FloatField(_("latitude"), validators=LATITUDE)
    lon = models.FloatField(_("longitude"), validators=LONGITUDE)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="buildings"
    )
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    # Set when a re-import of the registry no longer lists the building. It is kept, since
    # appeals may point at it, until the administrator maps it to its successor (its
    # appeals then point there) or keeps it as a historical address.
    vanished_at = models.DateTimeField(_("no longer in the registry since"), null=True, blank=True)
    kept_as_historical = models.BooleanField(_("kept as a historical address"), default=False)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["street", "number_sort", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "number"], name="building_number_unique_on_street"
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="building_on_earth",
            ),
        ]
        indexes = [models.Index(fields=["city", "lat", "lon"], name="building_city_lat_lon")]

    def __str__(self) -> str:
        return f"{self.street}, {self.number}"


class ServiceAddress(models.Model):
    """A street, or a range of its house numbers, that an organisation serves: its service
    area given from the registry rather than drawn, as a notice's addresses are."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_addresses"
    )
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    number_from = models.PositiveIntegerField(_("from number"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("to number"), null=True, blank=True)
    parity = models.CharField(
        _("numbers"), max_length=4, choices=Parity.choices, default=Parity.ALL
    )

    class Meta:
        verbose_name = _("served street")
        verbose_name_plural = _("served streets")
        constraints = [
            models.CheckConstraint(
                condition=Q(number_from__isnull=True)
                | Q(number_to__isnull=True)
                | Q(number_from__lte=F("number_to")),
                name="service_address_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        numbers = (
            f" {self.number_from or ''}–{self.number_to or ''}"
            if (self.number_from or self.number_to)
            else ""
        )
        return f"{self.street}{numbers}"


class CalendarDay(models.Model):
    """A day whose status the government or the city set apart from the `holidays` package.

    A row with no city applies to the whole republic (e.g. a transfer decreed
    after the installed `holidays` release); a city row overrides for that city.
    """

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_days"
    )
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["city", "date"], name="calendar_day_unique_per_city"),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(city__isnull=True),
                name="calendar_day_unique_nationally",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {'working' if self.is_working else 'day off'}"
