"""A signed-in person's invitations to a city's staff: accept or decline each. The role
is granted only on acceptance (`mycity.setup.invitations.answer_invitation`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mycity.accounts.models import User
from mycity.core.errors import NotFound
from mycity.setup.invitations import answer_invitation, pending_invitations
from mycity.web.form_errors import refusals


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "web/invitations.html", {"invitations": pending_invitations(user)})


@login_required
@require_POST
def answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    accept = request.POST.get("answer") == "accept"
    with refusals() as refused:
        try:
            done = answer_invitation(user=user, invitation_id=invitation_id, accept=accept)
        except NotFound:
            # Someone else's invitation is as unknown as one that never was.
            raise Http404 from None
        if accept:
            messages.success(
                request,
                _("You hold the role «%(role)s» in %(city)s now.")
                % {"role": done.get_kind_display(), "city": done.city.name},
            )
            return redirect("console:home")
        messages.info(request, _("The invitation is declined."))
    if refused:
        messages.error(request, refused.message)
    return redirect("web:invitations")
