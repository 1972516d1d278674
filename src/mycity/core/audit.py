"""Writing and naming the setup's audit trail (`SetupChange`)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mycity.core.models import SetupChange

# What each action is called in the audit trail.
CHANGES = {
    "role.granted": _("Role granted"),
    "role.withdrawn": _("Role withdrawn"),
    "staff.invited": _("Staff member invited"),
    "staff.deactivated": _("Staff member deactivated"),
    "work.handed_over": _("Work handed over"),
    "category.saved": _("Category saved"),
    "organisation.saved": _("Organisation saved"),
    "city.saved": _("City settings saved"),
    "district.saved": _("District saved"),
    "city.terms_saved": _("City's terms and contacts saved"),
    "operator.saved": _("Personal data notice's operator saved"),
    "calendar.day_set": _("Working-day exception set"),
    "calendar.day_cleared": _("Working-day exception removed"),
    "city.went_live": _("City went live"),
    "addresses.imported": _("Address registry imported"),
    "webhook.registered": _("Webhook endpoint registered"),
    "webhook.changed": _("Webhook endpoint changed"),
    "webhook.paused": _("Webhook endpoint paused"),
    "webhook.resumed": _("Webhook endpoint resumed"),
    "webhook.secret_rotated": _("Webhook secret rotated"),
    "webhook.deleted": _("Webhook endpoint deleted"),
    "open311_link.saved": _("Organisation's own system connected"),
    "open311_link.removed": _("Organisation's own system disconnected"),
    "reception.official_added": _("Receiving official added"),
    "reception.reminder_set": _("Reception reminder set"),
    "reception.rule_saved": _("Reception rule saved"),
    "reception.rule_retired": _("Reception rule retired"),
    "reception.day_cancelled": _("Reception day cancelled"),
    "reception.day_added": _("Extra reception added"),
    "reception.exception_removed": _("Reception exception removed"),
    "staff.invitation_answered": _("Staff invitation answered"),
    "address.mapped": _("Vanished address mapped to its successor"),
    "address.kept_historical": _("Vanished address kept as historical"),
}


def record_change(
    *,
    actor: Any,
    city: Any,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> SetupChange:
    """Write one change of the setup. Call it inside the transaction that makes the
    change, so that the row and the change stand or fall together."""
    if action not in CHANGES:
        raise ValueError(f"Unknown setup change {action!r}")
    return SetupChange.objects.create(
        city=city,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject=subject[:300],
        before=before or {},
        after=after or {},
    )


def record_differences(
    *,
    actor: Any,
    city: Any,
    action: str,
    subject: str,
    fields: Sequence[str],
    before: dict[str, Any],
    after: dict[str, Any],
) -> SetupChange | None:
    """Write the change of `fields` that differ between `before` and `after` (a new
    thing has no `before`); nothing when none differs."""
    changed = [name for name in fields if before.get(name) != after[name]]
    if not changed:
        return None
    return record_change(
        actor=actor,
        city=city,
        action=action,
        subject=subject,
        before={name: before[name] for name in changed if name in before},
        after={name: after[name] for name in changed},
    )


def change_name(action: str) -> str:
    return str(CHANGES.get(action, action))


def setup_changes(city: Any, *, limit: int = 50) -> list[SetupChange]:
    """The city's newest changes of the setup, with who made them; one query."""
    return list(
        SetupChange.objects.filter(city=city).select_related("actor").order_by("-pk")[:limit]
    )
