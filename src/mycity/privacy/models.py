"""Personal data under Law 99-З «О защите персональных данных»: the operator of a city,
the notice residents read before they consent, their consents, their requests (arts.
10–13) and the register of incidents (art. 17)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operator(models.Model):
    """Who processes residents' data in a city: the executive committee by default.

    `purposes` is a list of {"purpose", "categories", "retention", "ground"}, each a
    {"ru", "be", "en"} text; `processors` a list of {"name", "purpose"} (the purpose a
    {"ru", "be", "en"} text). Empty lists mean the platform's defaults
    (`mycity.privacy.notice.DEFAULT_PURPOSES`)."""

    city = models.OneToOneField(
        "cities.City", on_delete=models.CASCADE, related_name="privacy_operator"
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_be = models.CharField(_("name (Belarusian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    responsible_person = models.CharField(
        _("responsible for internal control over personal data"), max_length=300, blank=True
    )
    purposes = models.JSONField(_("purposes of processing"), default=list, blank=True)
    processors = models.JSONField(_("processors"), default=list, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("years closed appeals keep the applicant's data"), default=5
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal data operator")
        verbose_name_plural = _("personal data operators")
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_years__gte=1), name="operator_retention_at_least_a_year"
            )
        ]

    def __str__(self) -> str:
        return self.name_ru or str(self.city_id)


class PrivacyNotice(models.Model):
    """A published version of a city's notice: what the operator said at the time, so
    that a consent given to it can be shown as it was."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    version = models.CharField(_("version"), max_length=20)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # The operator's fields when published (see `notice.operator_snapshot`).
    snapshot = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="privacy_notice_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.city_id}: {self.version}"


class ConsentRecord(models.Model):
    """A resident's consent to a version of the notice, and when they withdrew it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            # One standing consent per version: a second appeal under the same notice
            # does not pile up records.
            models.UniqueConstraint(
                fields=["user", "city", "notice_version"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_standing_once",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.notice_version}"


class RequestKind(models.TextChoices):
    COPY = "copy", _("Information about the processing and a copy of my data")
    # Law 99-З, art. 12: which third parties received the data, in 15 days.
    TRANSFERS = "transfers", _("Information about transfers of my data to third parties")
    CORRECTION = "correction", _("Correction of my data")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
    DELETION = "deletion", _("Stopping the processing and deletion")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class DataRequest(models.Model):
    """A resident's demand under arts. 10–13 of the Law, with the term the operator has."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests"
    )
    # Whose operator answers it.
    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    details = models.TextField(_("what the resident asks"), blank=True)
    # A correction's new full name, when the resident gave one.
    corrected_name = models.CharField(_("correct full name"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("registered"))
    due_on = models.DateField(_("due"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reason = models.TextField(_("reason of refusal"), blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False)
                | (Q(status="refused", done_at__isnull=False) & ~Q(reason="")),
                name="data_request_finished_consistently",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")), name="data_request_due_after_receipt"
            ),
        ]
        indexes = [
            models.Index(fields=["city", "status", "due_on"], name="data_request_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class RequestEvent(models.Model):
    """Append-only: what happened to a request, by whom."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status}→{self.to_status}"


class Incident(models.Model):
    """A breach of the protection of personal data, as the officer registers it."""

    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what happened"))
    found_at = models.DateTimeField(_("found"))
    affected = models.TextField(_("whom it affects"))
    affected_count = models.PositiveIntegerField(_("approximate number of people"), default=0)
    data_categories = models.TextField(_("categories of data"))
    measures = models.TextField(_("measures taken"), blank=True)
    authority_notified_at = models.DateTimeField(
        _("the National Personal Data Protection Centre notified"), null=True, blank=True
    )
    subjects_notified_at = models.DateTimeField(
        _("the people affected notified"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal data incident")
        verbose_name_plural = _("personal data incidents")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authority_notified_at__isnull=True)
                | Q(authority_notified_at__gte=F("found_at")),
                name="incident_authority_told_after_finding",
            ),
            models.CheckConstraint(
                condition=Q(subjects_notified_at__isnull=True)
                | Q(subjects_notified_at__gte=F("found_at")),
                name="incident_subjects_told_after_finding",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class IncidentChange(models.Model):
    """Append-only: who wrote what into an incident's record, old and new values."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} @ {self.created_at}"
