"""The setup's audit trail: every change a city's administrator (or the platform's) makes
to the city's configuration, with the values before and after; and the clock's ticks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SetupChange(models.Model):
    """One change of a city's setup: a role granted, a category edited, … Written by the
    service that makes the change, in the same transaction, and never edited."""

    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A stable name of what was done, e.g. "role.granted" (`mycity.core.audit.CHANGES`).
    action = models.CharField(_("what"), max_length=40)
    # What was changed, as it read when it was changed ("dispatcher@…: Dispatcher").
    subject = models.CharField(_("subject"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("change of the setup")
        verbose_name_plural = _("changes of the setup")
        indexes = [models.Index(fields=["city", "-id"], name="setup_change_of_city")]

    def __str__(self) -> str:
        return f"{self.action}: {self.subject}"


class ClockTick(models.Model):
    """A periodic job's slot handed to the task workers (mycity.core.clock). The unique
    pair is the claim: of two clocks, only the one whose row went in enqueues the job."""

    job = models.CharField(max_length=60)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="clock_tick_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
