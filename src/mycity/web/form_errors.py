"""A service's refusal shown on the form that asked for it."""

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
