"""What the city tells its residents: notices of outages and works (and, to come, news,
events, places, contacts and polls).

A notice names the addresses it affects as editors think of them (whole streets, house
ranges, single buildings, a drawn area); the service resolves them against the address
registry into `AffectedBuilding` rows, so "does this affect my address?" is one indexed
lookup, and so is finding whom to tell.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import Parity
from mycity.core.translated import pick_translation


class NoticeKind(models.TextChoices):
    COLD_WATER = "cold_water", _("Cold water")
    HOT_WATER = "hot_water", _("Hot water")
    HEATING = "heating", _("Heating")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    ROAD = "road", _("Road works and closures")
    TRANSPORT = "transport", _("Public transport")
    OTHER = "other", _("Other works")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Notice(models.Model):
    """A notice of an outage or of works: what, why, from when to when, where."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    is_emergency = models.BooleanField(
        _("emergency"), default=False, help_text=_("Unplanned: an accident, a breakdown.")
    )
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_be = models.CharField(_("title (Belarusian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    reason_ru = models.TextField(_("reason (Russian)"), blank=True)
    reason_be = models.TextField(_("reason (Belarusian)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: not known yet.")
    )
    # A drawn area (GeoJSON Polygon or MultiPolygon), besides the listed addresses.
    area = models.JSONField(_("area (GeoJSON)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="notice_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "published", "withdrawn"]),
                name="notice_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["city", "starts_at"],
                condition=Q(state="published"),
                name="notice_published_by_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_translation({"ru": self.title_ru, "be": self.title_be, "en": self.title_en})

    @property
    def reason(self) -> str:
        return pick_translation({"ru": self.reason_ru, "be": self.reason_be, "en": self.reason_en})

    def is_current(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.starts_at <= moment and (self.ends_at is None or self.ends_at > moment)


class NoticeAddress(models.Model):
    """One line of a notice's addresses as the editor gave it: a whole street, a range
    of house numbers on a street, or one building."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="addresses")
    street = models.ForeignKey(
        "cities.Street", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    building = models.ForeignKey(
        "cities.Building", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number_from = models.PositiveIntegerField(_("from number"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("to number"), null=True, blank=True)
    parity = models.CharField(
        _("numbers"), max_length=4, choices=Parity.choices, default=Parity.ALL
    )

    class Meta:
        verbose_name = _("notice address")
        verbose_name_plural = _("notice addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(street__isnull=False) | Q(building__isnull=False),
                name="notice_address_names_a_place",
            ),
        ]

    def __str__(self) -> str:
        if self.building_id:
            return str(self.building)
        numbers = (
            f" {self.number_from or ''}–{self.number_to or ''}"
            if (self.number_from or self.number_to)
            else ""
        )
        return f"{self.street}{numbers}"


class AffectedBuilding(models.Model):
    """A building a notice affects: its addresses resolved against the registry."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="affected")
    building = models.ForeignKey("cities.Building", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("affected building")
        verbose_name_plural = _("affected buildings")
        constraints = [
            models.UniqueConstraint(fields=["notice", "building"], name="affected_building_once"),
        ]
        # "Does anything affect my address?" starts from the building.
        indexes = [models.Index(fields=["building", "notice"], name="affected_by_building")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.building_id}"


class NewsState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class News(models.Model):
    """A news item: shown from its publish time (which may be in the future: scheduled),
    until archived. The body is HTML cleaned on save (nh3)."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="news")
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_be = models.CharField(_("title (Belarusian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead_ru = models.TextField(_("lead (Russian)"), blank=True)
    lead_be = models.TextField(_("lead (Belarusian)"), blank=True)
    lead_en = models.TextField(_("lead (English)"), blank=True)
    body_ru = models.TextField(_("text (Russian)"))
    body_be = models.TextField(_("text (Belarusian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    cover = models.FileField(_("cover image"), upload_to="news/", blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NewsState.choices, default=NewsState.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    announced = models.BooleanField(_("subscribers told"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(publish_at__isnull=False),
                name="news_published_has_a_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["city", "-publish_at"],
                condition=Q(state="published"),
                name="news_published_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _text(self, name: str) -> str:
        return pick_translation(
            {lang: getattr(self, f"{name}_{lang}") for lang in ("ru", "be", "en")}
        )

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def lead(self) -> str:
        return self._text("lead")

    @property
    def body(self) -> str:
        return self._text("body")

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows.all()]

    def is_visible(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return (
            self.state == NewsState.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= moment
        )


class NewsTag(models.Model):
    news = models.ForeignKey(News, on_delete=models.CASCADE, related_name="tag_rows")
    tag = models.SlugField(_("tag"), max_length=50, allow_unicode=True)

    class Meta:
        verbose_name = _("news tag")
        verbose_name_plural = _("news tags")
        constraints = [models.UniqueConstraint(fields=["news", "tag"], name="news_tag_once")]
        indexes = [models.Index(fields=["tag", "news"], name="news_by_tag")]

    def __str__(self) -> str:
        return self.tag


class Translated(models.Model):
    """A name in three languages, Russian required, the others falling back to it."""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_be = models.CharField(_("name (Belarusian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_be = models.TextField(_("description (Belarusian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_translation({"ru": self.name_ru, "be": self.name_be, "en": self.name_en})

    @property
    def description(self) -> str:
        return pick_translation(
            {"ru": self.description_ru, "be": self.description_be, "en": self.description_en}
        )


class PlaceKind(models.TextChoices):
    SIGHT = "sight", _("Sights")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")
    MEDICINE = "medicine", _("Medicine")
    EDUCATION = "education", _("Education")
    SERVICE = "service", _("Services")
    OFFICE = "office", _("Executive committee and offices")


class Place(Translated):
    """A place on the city's map: a sight, a theatre, a clinic, an office."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # [{"days": ["Mo", "Tu", …], "opens": "09:00", "closes": "18:00"}] (schema.org style)
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.FileField(_("photo"), upload_to="places/", blank=True)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["city", "kind"], name="place_by_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="place_on_earth",
            )
        ]


class EventCategory(models.TextChoices):
    CONCERT = "concert", _("Concerts")
    THEATRE = "theatre", _("Theatre")
    EXHIBITION = "exhibition", _("Exhibitions")
    EXCURSION = "excursion", _("Excursions")
    FESTIVAL = "festival", _("Festivals and holidays")
    SPORT = "sport", _("Sport")
    CHILDREN = "children", _("For children")
    OTHER = "other", _("Other")


class Event(Translated):
    """An event of the city's listings (афиша), once or repeating (an RRULE)."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="events")
    category = models.CharField(_("category"), max_length=20, choices=EventCategory.choices)
    venue = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    # RFC 5545 recurrence rule, e.g. "FREQ=WEEKLY;BYDAY=SA;COUNT=8"; empty: once.
    recurrence = models.CharField(_("repeats"), max_length=200, blank=True)
    price = models.CharField(_("price"), max_length=100, blank=True)
    age_limit = models.PositiveSmallIntegerField(_("age limit"), default=0)
    image = models.FileField(_("image"), upload_to="events/", blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["city", "starts_at"], name="event_by_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(age_limit__in=[0, 6, 12, 16, 18]), name="event_age_limit_valid"
            ),
        ]


class ContactGroup(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency services")
    CITY = "city", _("City services")
    HOUSING = "housing", _("Housing and utilities")
    HEALTH = "health", _("Health")
    TRANSPORT = "transport", _("Transport")
    COMMITTEE = "committee", _("Executive committee")


class Contact(Translated):
    """A useful phone number of the city."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="contacts")
    group = models.CharField(_("group"), max_length=20, choices=ContactGroup.choices)
    phone = models.CharField(_("phone"), max_length=50)
    hours = models.CharField(_("hours"), max_length=100, blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["group", "display_order", "name_ru"]


class ResultsShown(models.TextChoices):
    AFTER_VOTING = "after_voting", _("To each resident after they vote")
    AFTER_CLOSE = "after_close", _("To everyone after the poll closes")


class Poll(models.Model):
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="polls")
    question_ru = models.CharField(_("question (Russian)"), max_length=300)
    question_be = models.CharField(_("question (Belarusian)"), max_length=300, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    is_multiple = models.BooleanField(_("several answers allowed"), default=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    results_shown = models.CharField(
        _("results shown"),
        max_length=20,
        choices=ResultsShown.choices,
        default=ResultsShown.AFTER_VOTING,
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="poll_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def question(self) -> str:
        return pick_translation(
            {"ru": self.question_ru, "be": self.question_be, "en": self.question_en}
        )

    def is_open(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.opens_at <= moment < self.closes_at


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text_ru = models.CharField(_("answer (Russian)"), max_length=200)
    text_be = models.CharField(_("answer (Belarusian)"), max_length=200, blank=True)
    text_en = models.CharField(_("answer (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_translation({"ru": self.text_ru, "be": self.text_be, "en": self.text_en})


class Vote(models.Model):
    """One resident's ballot in a poll: the database holds them to one each."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    options = models.ManyToManyField(PollOption, related_name="votes")
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="one_vote_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.voter_id}"


class ContentSearch(models.Model):
    """One searchable item of the city's information: its stems (see
    mycity.appeals.search.search_terms) under the database's full-text index."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10)  # news, notice, event, place
    object_id = models.PositiveBigIntegerField(_("object"))
    terms = models.TextField(_("search terms"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="content_search_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
