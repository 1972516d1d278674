"""Errors of control and sub-tasks, with stable codes."""

from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class InvalidSubtask(DomainError):
    code = "invalid_subtask"
    message = _("Some values of the sub-task are not valid.")


class InvalidControl(DomainError):
    code = "invalid_control"
    message = _("This official cannot control the appeal.")


class AlreadyOnControl(DomainError):
    code = "already_on_control"
    message = _("The appeal is already on control; take it off control first.")
    status = 409


class NotOnControl(DomainError):
    code = "not_on_control"
    message = _("The appeal is not on control.")
    status = 409


class AppealFinished(DomainError):
    code = "appeal_finished"
    message = _("The appeal's consideration has ended.")
    status = 409


class SubtaskClosed(DomainError):
    code = "subtask_closed"
    message = _("This sub-task is finished already.")
    status = 409


class SubtaskNotFound(NotFound):
    code = "subtask_not_found"
    message = _("There is no such sub-task.")
