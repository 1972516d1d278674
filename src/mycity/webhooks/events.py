"""The events an endpoint can ask for: their names are the `type` of the payload and
stay stable (integrators switch on them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    APPEAL_REGISTERED = "appeal.registered", _("Appeal registered")
    APPEAL_ASSIGNED = "appeal.assigned", _("Appeal assigned to the organisation")
    APPEAL_ANSWERED = "appeal.answered", _("Appeal answered")
    APPEAL_REOPENED = "appeal.reopened", _("Appeal reopened")
    APPEAL_OVERDUE = "appeal.overdue", _("Appeal overdue")
    NOTICE_PUBLISHED = "notice.published", _("Notice published")


# Sent by "send a test ping" whatever the endpoint asked for; never chosen.
PING = "webhook.ping"


class Audience(models.TextChoices):
    """Whose endpoint a payload is written for: what it may carry depends on it."""

    CITY = "city", _("The city")
    ORGANISATION = "organisation", _("The organisation handling the appeal")
