"""Control of appeals by an official, sub-tasks with their own terms, and the reminders
and escalations the daily job has sent (so that it never sends one twice)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Control(models.Model):
    """An appeal put on the control of a named official. Lifting keeps the row: the
    history of who watched an appeal stays, and only one control is active at a time."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="controls")
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="controls",
        verbose_name=_("controlling official"),
    )
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("put on control"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("taken off control"), null=True, blank=True)
    lift_note = models.TextField(_("why taken off control"), blank=True)

    class Meta:
        verbose_name = _("control")
        verbose_name_plural = _("controls")
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(lifted_at__isnull=True),
                name="control_one_active_per_appeal",
            ),
        ]
        indexes = [
            models.Index(
                fields=["controller", "appeal"],
                condition=Q(lifted_at__isnull=True),
                name="control_active_of_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.controller_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class SubtaskKind(models.TextChoices):
    # Documents or information asked of another organisation: it has 15 days.
    REQUEST = "request", _("Request for documents or information")
    # An order of a higher body: done within a month, reported within 3 working days.
    ORDER = "order", _("Order of a higher body")


class Subtask(models.Model):
    """Work an appeal waits on, with its own term. A request is finished when the answer
    came; an order when the higher body has been told it is done."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="subtasks")
    kind = models.CharField(_("kind"), max_length=20, choices=SubtaskKind.choices)
    counterpart = models.CharField(_("organisation or body"), max_length=300)
    description = models.TextField(_("description"))
    # The day a request was sent, or the day an order was received.
    started_on = models.DateField(_("sent or received"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    report_due_on = models.DateField(_("report due"), null=True, blank=True)
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sub-task")
        verbose_name_plural = _("sub-tasks")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["request", "order"]), name="subtask_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("started_on")), name="subtask_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=models.F("started_on")),
                name="subtask_done_after_start",
            ),
            # Only an order is reported, and only once done.
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True)
                | Q(kind="order", done_on__isnull=False, reported_on__gte=models.F("done_on")),
                name="subtask_reported_after_done",
            ),
            models.CheckConstraint(
                condition=Q(report_due_on__isnull=True) | Q(kind="order", done_on__isnull=False),
                name="subtask_report_due_of_done_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(closed_at__isnull=True), name="subtask_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.get_kind_display()} — {self.counterpart}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def term_on(self) -> date:
        """The day the next step is due: the work itself, then (an order) the report."""
        if self.done_on is not None and self.report_due_on is not None:
            return self.report_due_on
        return self.due_on


class NudgeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the term")
    ESCALATION = "escalation", _("Escalation of an overdue appeal")


class Nudge(models.Model):
    """A reminder or escalation the daily job has claimed: the unique constraints are
    what makes a second run (or a second worker) send nothing twice."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="+")
    subtask = models.ForeignKey(
        Subtask, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NudgeKind.choices)
    # The term it was about: an appeal's deadline, or the end of a sub-task's due day.
    term_at = models.DateTimeField()
    # Working days before the term (0 for an escalation).
    offset = models.PositiveSmallIntegerField(default=0)
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "kind", "term_at", "offset"],
                condition=Q(subtask__isnull=True),
                name="nudge_once_per_appeal_term",
            ),
            models.UniqueConstraint(
                fields=["subtask", "kind", "term_at", "offset"],
                condition=Q(subtask__isnull=False),
                name="nudge_once_per_subtask_term",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reminder", "escalation"]), name="nudge_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.appeal_id}/{self.subtask_id} {self.term_at:%Y-%m-%d} -{self.offset}"
        )
