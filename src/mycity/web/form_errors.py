"""A service's refusal shown on the form that asked for it."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django import forms

from mycity.core.errors import DomainError

# A service's name for a field, where the form calls it otherwise.
RENAMED = {"files": "photos"}


def show_problems(
    form: forms.BaseForm, error: DomainError, *, hidden: tuple[str, ...] = ()
) -> list[str]:
    """Put each problem next to its field; return those without one (or whose field is
    hidden), to be listed above the form."""
    above = []
    details = error.as_dict()["details"] or [{"field": None, "message": str(error.message)}]
    for detail in details:
        field = RENAMED.get(detail.get("field") or "", detail.get("field"))
        if field in form.fields and field not in hidden:
            form.add_error(field, detail["message"])
        else:
            above.append(detail["message"])
    return above


@dataclass
class Refusal:
    """What a page shows when a service refused: the problems to list above the form
    (the rest sit next to their fields) and the HTTP status. Empty when nothing was
    refused."""

    problems: list[str] = field(default_factory=list)
    status: int = 200
    message: str = ""
    # Every problem's message, for a page without a form to put them in.
    messages: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.message)


@contextmanager
def refusals(
    form: forms.BaseForm | None = None, *, hidden: tuple[str, ...] = ()
) -> Iterator[Refusal]:
    """The one way a page turns a service's refusal into what it shows: run the command
    inside the block; a domain error is caught and its problems are put next to the
    form's fields (or kept as the message when there is no form).

        with refusals(form) as refused:
            return done(service(...))
        return page(problems=refused.problems, status=refused.status)
    """
    refused = Refusal()
    try:
        yield refused
    except DomainError as error:
        refused.status = error.status
        refused.message = refusal_text(error)
        details = error.as_dict()["details"]
        refused.messages = [str(d["message"]) for d in details] or [str(error.message)]
        refused.problems = show_problems(form, error, hidden=hidden) if form is not None else []


def refusal_text(error: DomainError) -> str:
    """A refusal in one line: its field problems, or its message."""
    details = "; ".join(str(d["message"]) for d in error.as_dict()["details"])
    return details or str(error.message)
