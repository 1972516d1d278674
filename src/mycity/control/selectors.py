"""Reads of control and sub-tasks: the card's section, the "on my control" page, the
digest and the reminders."""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from mycity.accounts.models import Role, RoleKind, User
from mycity.appeals.models import CLOSED_STATUSES, Appeal, Status
from mycity.cities.models import City
from mycity.control.models import Control, Subtask

# Statuses in which an appeal's term still runs: not finished, not answered.
RUNNING = sorted({s.value for s in Status} - {s.value for s in CLOSED_STATUSES | {Status.ANSWERED}})


def active_control(appeal: Appeal) -> Control | None:
    return (
        Control.objects.filter(appeal=appeal, lifted_at__isnull=True)
        .select_related("controller", "set_by")
        .first()
    )


def subtasks_of(appeal: Appeal) -> list[Subtask]:
    return list(Subtask.objects.filter(appeal=appeal).select_related("author"))


def officials_for(appeal: Appeal) -> QuerySet[User]:
    """Who may be named to control the appeal: the active staff who handle it and so
    may open its card (`appeals.access.is_handling_staff`): the city's dispatchers,
    and the executors and head of the organisation it is assigned to."""
    handling = Q(kind=RoleKind.DISPATCHER, city_id=appeal.city_id)
    if appeal.organisation_id is not None:
        handling |= Q(
            kind__in=[RoleKind.EXECUTOR, RoleKind.HEAD], organisation_id=appeal.organisation_id
        )
    staff = Role.objects.filter(handling, user=OuterRef("pk"))
    return User.objects.filter(Exists(staff), is_active=True).order_by("full_name", "email")


def controls_in(city: City, *, controller: Any | None = None) -> QuerySet[Control]:
    """The city's active controls (one official's, when named), by the appeals' terms."""
    controls = Control.objects.filter(appeal__city=city, lifted_at__isnull=True)
    if controller is not None:
        controls = controls.filter(controller=controller)
    return controls.select_related(
        "appeal", "appeal__category", "appeal__organisation", "controller"
    ).order_by("appeal__deadline", "pk")


def open_subtasks_by_appeal(appeal_ids: list[int]) -> dict[int, list[Subtask]]:
    """The open sub-tasks of these appeals, in one query."""
    found: dict[int, list[Subtask]] = {}
    for subtask in Subtask.objects.filter(appeal_id__in=appeal_ids, closed_at__isnull=True):
        found.setdefault(subtask.appeal_id, []).append(subtask)
    return found


def controlled_by(user: Any, city: City) -> QuerySet[Appeal]:
    """The running appeals of the city on `user`'s control."""
    mine = Control.objects.filter(appeal=OuterRef("pk"), controller=user, lifted_at__isnull=True)
    return Appeal.objects.filter(Exists(mine), city=city, status__in=RUNNING)


def subtasks_due_for(
    user: Any, city: City, handled: QuerySet[Appeal] | None, *, until: date
) -> QuerySet[Subtask]:
    """Open sub-tasks whose next step is due by `until` (or overdue), of the appeals
    `user` handles (`handled`) or controls in the city."""
    controlled = Control.objects.filter(
        appeal=OuterRef("appeal"), controller=user, lifted_at__isnull=True
    )
    mine = Q(Exists(controlled))
    if handled is not None:
        mine |= Q(appeal__in=handled.values("pk"))
    return (
        Subtask.objects.filter(mine, appeal__city=city, closed_at__isnull=True)
        .filter(
            Q(done_on__isnull=True, due_on__lte=until)
            | Q(done_on__isnull=False, report_due_on__lte=until)
        )
        .select_related("appeal")
        .order_by("due_on", "pk")
    )


def is_controller_in(user: Any, city: City) -> bool:
    return Control.objects.filter(
        controller=user, appeal__city=city, lifted_at__isnull=True
    ).exists()
