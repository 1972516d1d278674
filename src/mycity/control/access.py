"""Who may put appeals on control and work their sub-tasks, and the guarded lookups
the views use (an appeal or sub-task the person does not handle is "not found")."""

from typing import Any

from mycity.accounts.permissions import Action, may
from mycity.appeals.access import Audience, get_appeal_for
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import Appeal
from mycity.control.errors import SubtaskNotFound
from mycity.control.models import Subtask


def may_control(user: Any, appeal: Appeal) -> bool:
    """A dispatcher of the city, or the head of the organisation the appeal is assigned
    to (a head's role covers only their own organisation's appeals)."""
    return may(user, Action.CONTROL_APPEALS, appeal)


def may_work_subtasks(user: Any, appeal: Appeal) -> bool:
    """Those who control appeals, and the executor the appeal is assigned to: it is the
    executor who asks another organisation for documents."""
    if may_control(user, appeal):
        return True
    return appeal.organisation_id is not None and may(user, Action.EXECUTE, appeal)


def staff_appeal(
    user: Any, city_id: int | None, appeal_id: int, *, for_update: bool = False
) -> Appeal:
    """An appeal of the city that `user` handles as staff, else AppealNotFound. The API
    names no city (`None`): a token acts in its own city only."""
    appeal, audience = get_appeal_for(user, appeal_id, for_update=for_update)
    if audience != Audience.STAFF or (city_id is not None and appeal.city_id != city_id):
        raise AppealNotFound(field="appeal")
    return appeal


def staff_subtask(user: Any, city_id: int | None, subtask_id: int) -> Subtask:
    """A sub-task of an appeal of the city that `user` handles as staff."""
    subtasks = Subtask.objects.filter(pk=subtask_id)
    if city_id is not None:
        subtasks = subtasks.filter(appeal__city_id=city_id)
    subtask = subtasks.first()
    if subtask is None:
        raise SubtaskNotFound(field="subtask")
    try:
        subtask.appeal = staff_appeal(user, city_id, subtask.appeal_id)
    except AppealNotFound:
        raise SubtaskNotFound(field="subtask") from None
    return subtask
