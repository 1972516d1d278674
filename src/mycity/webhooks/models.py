"""Webhooks: an organisation's or the city's HTTPS endpoint, the messages written for
it in the producer's transaction (the webhook outbox), and every attempt to deliver
each of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Endpoint(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        # Switched off by the platform after its deliveries kept failing.
        DISABLED = "disabled", _("Switched off after failures")

    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, related_name="+", verbose_name=_("city")
    )
    # Empty: the city's own endpoint (the city administrator's), which hears of every
    # appeal; else the organisation's, which hears of those assigned to it.
    organisation = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("address"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # The Standard Webhooks secret, "whsec_" + base64; the platform signs with it, so
    # it is kept, not hashed.
    secret = models.CharField(_("secret"), max_length=100)
    # After a rotation the old secret signs too for a day, so the receiver can switch.
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    # Since when every delivery has failed (none succeeded since); empty when healthy.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    disabled_reason = models.TextField(_("why switched off"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["active", "paused", "disabled"]),
                name="webhook_endpoint_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["city", "state"], name="webhook_endpoint_city")]

    def __str__(self) -> str:
        return self.url


class Message(models.Model):
    """One event for one endpoint: the body is fixed when written, so that every retry
    sends the same bytes under the same `webhook-id`."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="messages", verbose_name=_("endpoint")
    )
    webhook_id = models.CharField(_("webhook id"), max_length=40, unique=True)
    event_type = models.CharField(_("event"), max_length=40)
    body = models.TextField(_("payload"))
    # What the message is about ("appeal-event:12"): a producer run twice never
    # doubles a message to one endpoint.
    dedupe_key = models.CharField(_("deduplication key"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "dedupe_key"], name="webhook_message_unique_per_endpoint"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "delivered", "failed"]),
                name="webhook_message_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(state="pending"), name="webhook_message_due"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="webhook_message_sending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id} ({self.state})"


class Attempt(models.Model):
    """One try at delivering a message, as the owner sees it in the console."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attempt_rows", verbose_name=_("message")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration, ms"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response = models.TextField(_("response (start)"), blank=True)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="webhook_attempt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} #{self.number}: {self.status_code or self.error[:40]}"
