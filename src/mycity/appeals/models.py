"""Categories, appeals (problem reports and e-appeals), their events, photos and answers."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import LATITUDE, LONGITUDE, Activity
from mycity.core.translated import TranslatedName, pick_translation


class AppealKind(models.TextChoices):
    PROBLEM = "problem", _("Problem report")
    E_APPEAL = "e_appeal", _("E-appeal")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class Category(TranslatedName):
    """A node of a city's catalogue; appeals are filed under leaves."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=AppealKind.choices)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    # Residents look for "яма" or "выбоина" where the catalogue says "Ямы на проезжей
    # части": the city lists the words they use, and the report form's search finds them.
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Words residents use for this problem, in any language, separated by commas: "
            "«яма, выбоина, колдобина»."
        ),
    )
    activity = models.CharField(
        _("activity"), max_length=20, choices=Activity.choices, default=Activity.GENERAL
    )
    is_public = models.BooleanField(_("public on the map"), default=True)
    needs_moderation = models.BooleanField(_("needs moderation"), default=False)
    default_organisation = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default executor"),
    )
    service_time_value = models.PositiveIntegerField(_("service time"), default=10)
    service_time_unit = models.CharField(
        _("service time unit"),
        max_length=20,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAYS,
    )
    # [{"name", "label": {ru, be, en}, "type": text|integer|plate|choice, "required", ...}]
    extra_fields = models.JSONField(_("extra fields"), default=list, blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # What a resident reads when choosing the category, e.g. "for an emergency call 112".
    notice_ru = models.CharField(_("notice to residents (Russian)"), max_length=300, blank=True)
    notice_be = models.CharField(_("notice to residents (Belarusian)"), max_length=300, blank=True)
    notice_en = models.CharField(_("notice to residents (English)"), max_length=300, blank=True)

    @property
    def notice(self) -> str:
        return pick_translation({"ru": self.notice_ru, "be": self.notice_be, "en": self.notice_en})

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["city", "display_order", "name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="category_slug_unique_in_city"),
            models.CheckConstraint(
                condition=Q(kind__in=["problem", "e_appeal"]), name="category_kind_known"
            ),
        ]

    @property
    def synonym_list(self) -> list[str]:
        return synonym_list(self.synonyms)


def synonym_list(text: str) -> list[str]:
    """The synonyms written as a list (commas, semicolons or lines), each once."""
    words = (" ".join(word.split()) for word in re.split(r"[,;\n]", text))
    return list(dict.fromkeys(word for word in words if word))


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MODERATION = "moderation", _("In moderation")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REDIRECTED = "redirected", _("Redirected")
    DUPLICATE = "duplicate", _("Duplicate")
    REOPENED = "reopened", _("Reopened")
    # Art. 15 of the Law on appeals: a ground from `appeals.policy.Ground`.
    NOT_CONSIDERED = "not_considered", _("Left without consideration")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


# Open311 and the public map speak of open and closed only.
CLOSED_STATUSES = frozenset(
    {
        Status.CLOSED,
        Status.REJECTED,
        Status.REDIRECTED,
        Status.DUPLICATE,
        Status.NOT_CONSIDERED,
        Status.WITHDRAWN,
    }
)


class Result(models.TextChoices):
    """How an appeal ended, as the committee's reports count it."""

    SATISFIED = "satisfied", _("Satisfied")
    EXPLAINED = "explained", _("Explained")
    REFUSED = "refused", _("Refused")
    NOT_CONSIDERED = "not_considered", _("Left without consideration")
    REDIRECTED = "redirected", _("Redirected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    THANKS = "thanks", _("Thanks")
    DUPLICATE = "duplicate", _("Joined to another appeal")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Person")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class Channel(models.TextChoices):
    APP = "app", _("Web app")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    # Registered by the committee's staff from what arrived some other way.
    POST = "post", _("Post")
    RECEPTION = "reception", _("Personal reception")
    HOTLINE = "hotline", _("Direct phone line")
    BOOK = "book", _("Book of remarks and suggestions")
    NATIONAL = "national", _("National unified system of e-appeals")


# What an intake clerk registers; they come on paper or from another system, without a
# resident's account (and without the app's consent tick: the Law on appeals is the
# ground for processing what the applicant sent).
STAFF_CHANNELS = frozenset(
    {Channel.POST, Channel.RECEPTION, Channel.HOTLINE, Channel.BOOK, Channel.NATIONAL}
)


class Appeal(models.Model):
    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="appeals")
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=AppealKind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="appeals")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Bumped by every transition: two staff acting at once cannot both win.
    version = models.PositiveIntegerField(default=1)

    description = models.TextField(_("description"))
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE)
    lon = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE)
    building = models.ForeignKey(
        "cities.Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        "cities.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # E-appeals go to an addressee (the executive committee or a department).
    addressee = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addressed_appeals",
    )
    # The executor the appeal is assigned to.
    organisation = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_appeals",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    redirected_to = models.CharField(_("redirected to"), max_length=300, blank=True)

    # Personal data: shown only to the applicant and the staff handling the appeal.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    applicant_type = models.CharField(
        max_length=20, choices=ApplicantType.choices, default=ApplicantType.PERSON
    )
    applicant_name = models.CharField(_("full name"), max_length=200, blank=True)
    applicant_address = models.CharField(_("postal address"), max_length=300, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    legal_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    legal_reg_number = models.CharField(_("registration number"), max_length=20, blank=True)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    # `appeals.policy.name_key`: finds the same person's earlier appeals (repeats).
    applicant_key = models.CharField(max_length=600, blank=True, editable=False)
    consent_policy_version = models.CharField(max_length=20, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    # Registered by staff: when it arrived, the registering organisation's number for it,
    # who registered it, and the source system's own number (imports are idempotent on it).
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    registrar = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by organisation"),
    )
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    source_number = models.CharField(_("number in the source"), max_length=60, blank=True)
    # The integrator whose Open311 key filed it: that system may read its updates back,
    # with the answer's text (open311.service_request_updates).
    api_client = models.ForeignKey(
        "ApiClient", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    is_public = models.BooleanField(default=False)
    me_too_count = models.PositiveIntegerField(default=0)

    submitted_at = models.DateTimeField(_("submitted"))
    registered_on = models.DateField(_("registered"))
    # The date the term started from (it starts again at redirection).
    term_start = models.DateField()
    deadline = models.DateTimeField(_("deadline"))
    extended = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    # How it ended (set with the final move) and, when left without consideration, on
    # which ground of the law.
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    ground = models.CharField(_("ground"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["city", "number"], name="appeal_number_unique"),
            models.UniqueConstraint(
                fields=["registrar", "registration_number"],
                condition=~Q(registration_number=""),
                name="appeal_registration_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="appeal_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(kind="e_appeal") | Q(lat__isnull=False, lon__isnull=False),
                name="appeal_report_has_point",
            ),
            models.CheckConstraint(
                condition=Q(kind="problem") | Q(is_public=False),
                name="appeal_e_appeal_never_public",
            ),
        ]
        indexes = [
            # The public map: a city's public reports in a box, newest first. Ordered by
            # id with the point alongside, so the newest rows in a box are found by walking
            # the index backwards and testing the point in it, never sorting the box.
            models.Index(
                fields=["city", "id", "lat", "lon"],
                condition=Q(is_public=True),
                name="appeal_public_newest",
            ),
            models.Index(
                fields=["city", "category", "id", "lat", "lon"],
                condition=Q(is_public=True),
                name="appeal_public_category_newest",
            ),
            # A dense box of one category (a street's lights): the box itself is small.
            models.Index(
                fields=["city", "category", "lat", "lon"],
                condition=Q(is_public=True),
                name="appeal_public_category_point",
            ),
            models.Index(fields=["city", "status", "deadline"], name="appeal_queue"),
            models.Index(fields=["organisation", "status"], name="appeal_executor_queue"),
            # An executor's queue newest first: a walk that stays in their organisation.
            models.Index(fields=["organisation", "id"], name="appeal_executor_newest"),
            models.Index(fields=["applicant", "-submitted_at"], name="appeal_of_applicant"),
            models.Index(
                fields=["city", "applicant_key"],
                condition=~Q(applicant_key=""),
                name="appeal_of_named_applicant",
            ),
            models.Index(
                fields=["city", "applicant_email"],
                condition=~Q(applicant_email=""),
                name="appeal_of_emailed_applicant",
            ),
            # The committee's reports: a city's appeals registered in a period.
            models.Index(fields=["city", "registered_on"], name="appeal_registered"),
        ]

    def __str__(self) -> str:
        return self.number

    def public_path(self) -> str:
        """The address of the report's public page (only a public report has one)."""
        return reverse("web:public_report", kwargs={"slug": self.city.slug, "appeal_id": self.pk})


class AppealSearch(models.Model):
    """The stems an appeal is found by (`appeals.search`), written with its text.

    Indexed outside Django (migration 0003): on SQLite by the FTS5 table
    `appeals_appeal_fts`, which triggers on this table keep in step; on PostgreSQL by a
    GIN index on the generated column `vector`, `to_tsvector('simple', terms)`, that
    the model does not declare. A migration that makes SQLite rebuild this table drops
    the triggers, and one that changes `terms` on PostgreSQL must drop `vector` first:
    each must make them again."""

    appeal = models.OneToOneField(
        Appeal, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    terms = models.TextField(blank=True)
    # A copy of the appeal's executor, kept in step by the services, so that an
    # executor's search reads only their organisation's matches on PostgreSQL.
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.terms[:40]}"


class AppealPolicy(models.Model):
    """A city's settings for appeals; a city without a row gets the defaults."""

    city = models.OneToOneField(
        "cities.City", on_delete=models.CASCADE, related_name="appeal_policy"
    )
    disagreement_window_days = models.PositiveSmallIntegerField(
        _("days to disagree with an answer"), default=10
    )

    def __str__(self) -> str:
        return f"{self.city_id}: {self.disagreement_window_days}"


class AppealCounter(models.Model):
    """The last number given to an appeal in a city in a year."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="appeal_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.city_id}/{self.year}: {self.last}"


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    EXTENDED = "extended", _("Term extended")
    ANSWER = "answer", _("Answer")
    RATED = "rated", _("Rated")
    ME_TOO = "me_too", _("Me too")
    MERGED = "merged", _("Duplicate merged")
    EDITED = "edited", _("Text edited by a moderator")
    PHOTO_HIDDEN = "photo_hidden", _("Photo hidden")
    PHOTO_BLURRED = "photo_blurred", _("Photo blurred")
    INFO_REQUESTED = "info_requested", _("More information requested")
    INFO_ADDED = "info_added", _("Information added by the applicant")
    REPEAT_MARKED = "repeat_marked", _("Marked as a repeat appeal")
    CORRESPONDENCE_STOPPED = "corr_stopped", _("Correspondence stopped")
    NOTICE_SENT = "notice_sent", _("Notice sent to the applicant")
    COLLECTIVE_ANSWER = "collective", _("Answered by a publication")
    SUBTASK_OPENED = "subtask_opened", _("Sub-task opened")
    SUBTASK_CLOSED = "subtask_closed", _("Sub-task done")
    CONTROL_SET = "control_set", _("Put on control")
    CONTROL_LIFTED = "control_lifted", _("Taken off control")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated to the head")
    # Personal data (`mycity.privacy`): the applicant's account erased, the appeal kept
    # apart from it; and the applicant's data removed when the retention period ended.
    SEPARATED = "pd_separated", _("Personal data separated from the account")
    ANONYMISED = "pd_anonymised", _("Personal data anonymised")
    # Open311 out (`appeals.open311_out`): filed in the executor's own system, or not;
    # an update from there that changed nothing here.
    OPEN311_SENT = "open311_sent", _("Sent to the executor's own system")
    OPEN311_FAILED = "open311_failed", _("Not sent to the executor's own system")
    OPEN311_UPDATE = "open311_update", _("Update from the executor's own system")


class AppealEvent(models.Model):
    """Append-only: one row per thing that happened to an appeal."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    visible_to_applicant = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="appeal_event_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}→{self.to_status}"


class FileRole(models.TextChoices):
    PHOTO = "photo", _("Photo")
    ATTACHMENT = "attachment", _("Attachment")
    ANSWER = "answer", _("Answer attachment")
    # The executor's photo of the place after the work: as public as the report's own
    # photos (the answer's letters are not: they name the applicant).
    AFTER = "after", _("Photo after the work")


class AppealFile(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=20, choices=FileRole.choices)
    file = models.FileField(upload_to="appeals/%Y/%m/")
    thumbnail = models.FileField(upload_to="appeals/%Y/%m/", blank=True)
    # A moderator's blurred photo keeps the resident's original here, for staff only.
    original = models.FileField(upload_to="appeals/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "position", "pk"]

    def __str__(self) -> str:
        return str(self.file.name)


class Answer(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField()
    # Set when the answer is a publication for many appeals on one subject.
    publication = models.ForeignKey(
        "CollectiveAnswer", on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.text[:40]}"


class MeToo(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="me_too")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "user"], name="me_too_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.appeal_id}"


class RegistrationCounter(models.Model):
    """The last registration number an organisation gave in a year."""

    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="registration_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class SubmissionKey(models.Model):
    """A client's idempotency key: a retried submission returns the first appeal."""

    key = models.CharField(max_length=100)
    # The applicant, or the API client for anonymous Open311 posts.
    owner = models.CharField(max_length=100)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    # What was submitted under the key (`actions.submission.fingerprint`): the same key
    # with another body is refused, not answered with the first appeal. Empty for keys
    # kept before it was recorded.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="submission_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"


class MoveKey(models.Model):
    """A staff member's idempotency key for a move: a phone that sends again what it
    prepared offline (its answer's response lost on the way) gets the appeal back
    instead of a second answer (`actions.once`)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    # What was sent under the key (the move, its text and files): the same key with
    # another request is refused, never answered with the first one's result.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="move_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key}"


class ReportAlertKind(models.TextChoices):
    AREA = "area", _("New reports within a radius of a point")
    DISTRICT = "district", _("New reports in a district")
    CATEGORY = "category", _("New reports of a category")
    REPORT = "report", _("Updates of a report")


class ReportAlert(models.Model):
    """A resident's alert about public problem reports (as FixMyStreet's by area and
    radius): new ones around a point, in a district or of a category, or the updates of
    one report, theirs or not. Delivered through the notification outbox
    (`appeals.alerts`) on the channels chosen here, in the app always."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_alerts"
    )
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportAlertKind.choices)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    # The circle's box: a new report finds the areas around it on an index.
    min_lat = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    # What the resident typed for the point (an address), to show it back.
    label = models.CharField(max_length=200, blank=True)
    district = models.ForeignKey(
        "cities.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channels = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="report_alert_target_matches_kind",
                condition=(
                    Q(
                        kind="area",
                        lat__isnull=False,
                        lon__isnull=False,
                        radius_m__isnull=False,
                        min_lat__isnull=False,
                        district__isnull=True,
                        category__isnull=True,
                        appeal__isnull=True,
                    )
                    | Q(
                        kind="district",
                        district__isnull=False,
                        lat__isnull=True,
                        category__isnull=True,
                        appeal__isnull=True,
                    )
                    | Q(
                        kind="category",
                        category__isnull=False,
                        lat__isnull=True,
                        district__isnull=True,
                        appeal__isnull=True,
                    )
                    | Q(
                        kind="report",
                        appeal__isnull=False,
                        lat__isnull=True,
                        district__isnull=True,
                        category__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "appeal"], condition=Q(kind="report"), name="report_alert_once"
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=Q(kind="district"),
                name="report_alert_district_once",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(kind="category"),
                name="report_alert_category_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["city", "min_lat", "max_lat"],
                condition=Q(kind="area"),
                name="report_alert_area_box",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class ApiScope(models.TextChoices):
    """What a token may be used for. A scope never grants more than its person has:
    `staff` acts with the roles the person holds when the token is used."""

    PUBLIC = "public", _("Read public data")
    RESIDENT = "resident", _("Act as me: my appeals, notifications and tokens")
    STAFF = "staff", _("Act with my staff roles")
    OPEN311 = "open311", _("Post Open311 requests")


# The scopes a person may give their own tokens; Open311 keys are an integrator's, issued
# by an administrator without a person.
PERSONAL_SCOPES = (ApiScope.PUBLIC, ApiScope.RESIDENT, ApiScope.STAFF)


class ApiClient(models.Model):
    """An integrator's key for Open311 POST and personal access tokens for the REST API."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    # The user the client acts as (a staff member for staff tokens; null for Open311 keys).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # False once revoked by its owner or switched off by an administrator.
    is_active = models.BooleanField(default=True)
    scopes = models.JSONField(_("scopes"), default=list)
    # Null: never expires (keys issued by an administrator; tokens older than scopes).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    NOT_CONSIDERED = "not_considered", _("Left without consideration")
    REDIRECTED = "redirected", _("Sent to the competent body")
    PROLONGED = "prolonged", _("The work needs more than a month")
    CORRESPONDENCE_STOPPED = "corr_stopped", _("Correspondence stopped")
    COLLECTIVE_ANSWER = "collective", _("Answered by a publication")


class NoticeDelivery(models.TextChoices):
    ACCOUNT = "account", _("In the app")
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post")


class ApplicantNotice(models.Model):
    """A notice the law obliges the organisation to send the applicant, with the day it
    is due. One with an account or an e-mail address is sent at once; a letter waits in
    the register until a clerk has posted it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    text = models.TextField(_("text"))
    due_on = models.DateField(_("due"))
    delivery = models.CharField(_("delivery"), max_length=10, choices=NoticeDelivery.choices)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(sent_at__isnull=True), name="applicant_notice_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.kind}"


class CorrespondenceStop(models.Model):
    """The decision to stop correspondence with an applicant on a subject (art. 15):
    later appeals of that person on it are left without consideration."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    # Who: the resident's account, or, for letters, their name and address as written.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    applicant_key = models.CharField(max_length=600)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="+")
    ground = models.TextField(_("ground"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["city", "applicant_key", "category"], name="corr_stop_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_key} / {self.category_id}"


class CollectiveAnswer(models.Model):
    """One answer, published on the organisation's page, to more than ten appeals on
    the same subject; each appeal links to it and each applicant is sent it."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.PROTECT, related_name="collective_answers"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"))

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class Open311Link(models.Model):
    """An organisation's own Open311 GeoReport v2 system: the appeals assigned to the
    organisation are sent there, and its status updates pulled back (docs/open311.md,
    «Open311 out»)."""

    organisation = models.OneToOneField(
        "cities.Organisation", on_delete=models.CASCADE, related_name="open311_link"
    )
    # The base URL: requests.json and servicerequestupdates.xml are under it.
    endpoint = models.URLField(_("endpoint"), max_length=500)
    jurisdiction_id = models.CharField(_("jurisdiction_id"), max_length=100, blank=True)
    # The key their system issued us. A secret: shown back only by its last characters.
    api_key = models.CharField(_("API key"), max_length=200)
    # Our category's slug → their service_code; a category not here is not sent.
    service_codes = models.JSONField(_("service codes"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Updates up to this moment (their clock) have been pulled.
    pulled_until = models.DateTimeField(null=True, blank=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_pull_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Open311 connection")
        verbose_name_plural = _("Open311 connections")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.endpoint}"


class DispatchState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class Open311Dispatch(models.Model):
    """One appeal sent to an organisation's own system; at most one per appeal and
    system, so it is never filed there twice. Their id arrives with the answer to our
    POST (or later for their token)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="open311_dispatches")
    link = models.ForeignKey(Open311Link, on_delete=models.CASCADE, related_name="dispatches")
    state = models.CharField(max_length=10, choices=DispatchState.choices, default="pending")
    service_code = models.CharField(max_length=100)
    attempts = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    remote_id = models.CharField(max_length=100, blank=True)
    remote_token = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "link"], name="open311_dispatch_once"),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="open311_dispatch_due")]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.link_id}: {self.state}"


class UpdateOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    RECORDED = "recorded", _("Recorded only")


class Open311Update(models.Model):
    """A status update pulled from an organisation's own system, kept as it came, and
    what became of it here. Their update_id makes a second pull of it a no-op."""

    link = models.ForeignKey(Open311Link, on_delete=models.CASCADE, related_name="updates")
    dispatch = models.ForeignKey(Open311Dispatch, on_delete=models.CASCADE, related_name="updates")
    update_id = models.CharField(max_length=100)
    status = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    updated_datetime = models.DateTimeField()
    media_url = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=10, choices=UpdateOutcome.choices)
    # Why it was only recorded: an unknown status, a move our rules do not allow now.
    reason = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["updated_datetime", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["link", "update_id"], name="open311_update_once"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}/{self.update_id}: {self.status}"
