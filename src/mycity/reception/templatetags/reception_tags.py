"""Whether the console offers a person the reception pages of a city."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from mycity.accounts.permissions import Action, may
from mycity.reception.forms import WEEKDAYS, WEEKS
from mycity.reception.models import ReceptionRule, Repeat

register = template.Library()


@register.simple_tag
def runs_receptions(user: Any, city: Any) -> bool:
    """The intake clerk keeps the reception schedule and its records."""
    return city is not None and may(user, Action.REGISTER_APPEALS, city)


@register.filter
def rule_days(rule: ReceptionRule) -> str:
    """ "Every Monday", or "The first Tuesday of the month"."""
    day = str(dict(WEEKDAYS).get(rule.weekday, rule.weekday))
    if rule.repeat == Repeat.WEEKLY:
        return _("Every %(weekday)s") % {"weekday": day}
    week = str(dict(WEEKS).get(rule.week or 0, ""))
    return _("The %(week)s %(weekday)s of the month") % {"week": week, "weekday": day}
