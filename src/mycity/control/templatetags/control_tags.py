"""The control section of the appeal card, and whether the console offers the list of
controlled appeals."""

from typing import Any

from django import template
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.accounts.permissions import roles_of
from mycity.appeals.models import CLOSED_STATUSES, Appeal
from mycity.cities.calendar import calendar_for
from mycity.control.access import may_control, may_work_subtasks
from mycity.control.forms import ControlForm, LiftForm, SubtaskForm
from mycity.control.selectors import active_control, is_controller_in, subtasks_of

register = template.Library()

# The roles that put appeals on control (Action.CONTROL_APPEALS) see the list.
_CONTROLLING_ROLES = frozenset({RoleKind.DISPATCHER, RoleKind.HEAD})


@register.simple_tag
def controls_appeals(user: Any, city: Any) -> bool:
    """A dispatcher or head in the city (no query: roles are loaded once per request),
    or anyone named to control one of its appeals."""
    if city is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    if any(r.kind == RoleKind.PLATFORM_ADMIN for r in roles):
        return True
    if any(r.kind in _CONTROLLING_ROLES and r.city_id == city.pk for r in roles):
        return True
    return is_controller_in(user, city)


@register.inclusion_tag("control/_section.html", takes_context=True)
def control_section(context: Any, appeal: Appeal, user: Any) -> dict[str, Any]:
    calendar = calendar_for(appeal.city)
    today = calendar.local_date(timezone.now())
    running = appeal.status not in CLOSED_STATUSES
    control = active_control(appeal)
    controls = may_control(user, appeal)
    works = may_work_subtasks(user, appeal)
    subtasks = subtasks_of(appeal)
    return {
        "appeal": appeal,
        "city": appeal.city,
        "csrf_token": context.get("csrf_token"),
        "control": control,
        "controls": controls,
        "works": works,
        "running": running,
        "today": today,
        "subtasks": [{"subtask": s, "overdue": s.is_open and s.term_on < today} for s in subtasks],
        "control_form": ControlForm(appeal, auto_id="control-%s")
        if controls and running and not control
        else None,
        "lift_form": LiftForm(auto_id="lift-%s") if controls and control else None,
        "subtask_form": SubtaskForm(initial={"started_on": today}, auto_id="subtask-%s")
        if works and running
        else None,
    }
