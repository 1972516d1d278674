"""Personal reception of citizens (the Law «Об обращениях граждан и юридических лиц»,
art. 6 and the chapter on personal receptions).

An organisation's officials receive people on a schedule: a `ReceptionRule` says when
(every week on a weekday, or the n-th weekday of the month, with hours), and dated
`ReceptionSession`s are generated from it on the working days of the city's calendar.
A session is cut into slots; an `Appointment` holds one slot. After the reception the
appointment keeps the record of what was said and how it ended: answered orally with
the applicant's agreement, a written appeal registered, or the applicant did not come.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MAX_SLOT_MINUTES = 120


class Official(models.Model):
    """Someone who receives citizens for an organisation: the head, a deputy, a chief."""

    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, related_name="reception_officials"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    # The official's own staff account, when they have one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reception_duties",
    )
    is_active = models.BooleanField(_("receives"), default=True)
    # How long before a booked time the resident is reminded; 0: no reminder.
    remind_hours = models.PositiveSmallIntegerField(_("remind hours before"), default=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("receiving official")
        verbose_name_plural = _("receiving officials")
        ordering = ["organisation", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.position}"


class Repeat(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Once a month")


class ReceptionRule(models.Model):
    """When an official receives: every `weekday`, or (monthly) on the `week`-th such
    weekday of the month; -1 is the month's last one."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="rules")
    repeat = models.CharField(_("repeats"), max_length=10, choices=Repeat.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday is 0
    week = models.SmallIntegerField(_("week of the month"), null=True, blank=True)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per person"), default=15)
    place = models.CharField(_("place"), max_length=300)
    # The dates between which the rule holds; open at either end.
    valid_from = models.DateField(_("from the date"), null=True, blank=True)
    valid_until = models.DateField(_("until the date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception rule")
        verbose_name_plural = _("reception rules")
        ordering = ["official", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat__in=["weekly", "monthly"]), name="reception_rule_repeat_known"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="reception_rule_weekday"),
            models.CheckConstraint(
                condition=Q(repeat="weekly", week__isnull=True)
                | Q(repeat="monthly", week__in=[1, 2, 3, 4, -1]),
                name="reception_rule_week_fits_repeat",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="reception_rule_hours_ordered"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=MAX_SLOT_MINUTES),
                name="reception_rule_slot_length",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="reception_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} {self.repeat} {self.weekday} {self.starts_at}"

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day <= self.valid_until
        )


class ExceptionKind(models.TextChoices):
    CANCELLED = "cancelled", _("No reception that day")
    EXTRA = "extra", _("An extra reception")


class ReceptionException(models.Model):
    """A dated exception to an official's rules: a day without reception (leave, a
    business trip), or an extra reception on a day the rules do not give."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    kind = models.CharField(_("exception"), max_length=10, choices=ExceptionKind.choices)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per person"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception exception")
        verbose_name_plural = _("reception exceptions")
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "day", "kind"], name="reception_exception_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind="cancelled")
                | Q(kind="extra", starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="reception_exception_extra_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} {self.day} {self.kind}"


class ReceptionSession(models.Model):
    """One dated reception of an official; its slots are `slot_minutes` long."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="sessions")
    rule = models.ForeignKey(
        ReceptionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per person"))
    place = models.CharField(_("place"), max_length=300)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            # Generating the schedule twice finds the sessions already there.
            models.UniqueConstraint(
                fields=["official", "starts_at"], name="reception_session_once_per_official"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="reception_session_hours_ordered"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=MAX_SLOT_MINUTES),
                name="reception_session_slot_length",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="reception_session_starts")]

    def __str__(self) -> str:
        return f"{self.official} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def slots(self) -> list[datetime]:
        step = timedelta(minutes=self.slot_minutes)
        times, moment = [], self.starts_at
        while moment + step <= self.ends_at:
            times.append(moment)
            moment += step
        return times

    @property
    def capacity(self) -> int:
        return len(self.slots)


class BookedThrough(models.TextChoices):
    ONLINE = "online", _("Online, by the resident")
    PHONE = "phone", _("By phone")
    WALK_IN = "walk_in", _("Came without an appointment")


class Outcome(models.TextChoices):
    ORAL_ANSWER = "oral", _("Answered orally with the applicant's agreement")
    WRITTEN_APPEAL = "written", _("Written appeal registered")
    NO_SHOW = "no_show", _("Did not come")


class Appointment(models.Model):
    """One person's slot at a session, and afterwards the record of the reception."""

    session = models.ForeignKey(
        ReceptionSession, on_delete=models.CASCADE, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("time"))
    # The resident who booked online; empty for a phone booking or a walk-in.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reception_appointments",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_through = models.CharField(
        _("booked"), max_length=10, choices=BookedThrough.choices, default=BookedThrough.ONLINE
    )
    applicant_name = models.CharField(_("full name"), max_length=200)
    applicant_address = models.CharField(_("postal address"), max_length=300)
    applicant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    record = models.TextField(_("what was said"), blank=True)
    # The law allows an oral answer only when the applicant agrees to it.
    agreed_to_oral_answer = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appeal = models.OneToOneField(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_appointment",
    )

    class Meta:
        verbose_name = _("reception appointment")
        verbose_name_plural = _("reception appointments")
        ordering = ["starts_at", "pk"]
        constraints = [
            # Two people booking the same slot at once: the database lets one in.
            models.UniqueConstraint(
                fields=["session", "starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="reception_slot_booked_once",
            ),
            models.UniqueConstraint(
                fields=["session", "resident"],
                condition=Q(cancelled_at__isnull=True, resident__isnull=False),
                name="reception_one_booking_per_resident",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "oral", "written", "no_show"]),
                name="reception_outcome_known",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="oral") | Q(agreed_to_oral_answer=True),
                name="reception_oral_answer_agreed",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="written") | Q(appeal__isnull=False),
                name="reception_written_has_appeal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.starts_at:%H:%M} {self.applicant_name}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
