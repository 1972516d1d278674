"""A resident's own appeals: the list, and each one with its timeline and answer, where
they rate the answer, disagree with it, or add what staff asked for."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.models import User
from mycity.appeals import consideration, selectors
from mycity.appeals.access import get_own_appeal
from mycity.appeals.actions.moderation import add_information
from mycity.appeals.actions.moves import disagree_with_answer, disagreement_window, rate_answer
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import Appeal, FileRole, Status
from mycity.appeals.workflow import Actor, Move, allowed
from mycity.cities.addresses import building_label
from mycity.cities.selectors import nearest_buildings
from mycity.notify import services as notify_services
from mycity.web.form_errors import refusals

PAGE = 20


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Your rating of the answer"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"), required=False, max_length=2000
    )


class DisagreementForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with the answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InformationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your reply"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawalForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FORMS: dict[str, type[forms.Form]] = {
    "rate": RatingForm,
    "disagree": DisagreementForm,
    "add_information": InformationForm,
    "withdraw": WithdrawalForm,
}


NOTIFICATIONS_PAGE = 50


@require_safe
@login_required
def my_notifications(request: HttpRequest) -> HttpResponse:
    """The resident's notifications, newest first; those shown are marked read."""
    before = request.GET.get("before", "")
    page = notify_services.read_page(
        cast(User, request.user),
        before_id=int(before) if before.isdigit() else None,
        limit=NOTIFICATIONS_PAGE,
    )
    return render(request, "web/my_notifications.html", {"page": page})


@require_safe
def appeal_link(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """Where notifications written before "my appeals" existed point: that page now."""
    return redirect("web:my_appeal", appeal_id=appeal_id, permanent=True)


@require_safe
@login_required
def my_appeals(request: HttpRequest) -> HttpResponse:
    after = request.GET.get("after")
    after_id = int(after) if after and after.isdigit() else None
    appeals = selectors.appeals_of(request.user, after_id=after_id, limit=PAGE + 1)
    more = len(appeals) > PAGE
    appeals = appeals[:PAGE]
    return render(
        request,
        "web/my_appeals.html",
        {"appeals": appeals, "next_after": appeals[-1].pk if more else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    appeal = _own(user, appeal_id)
    bound: dict[str, forms.Form] = {}
    error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = FORMS.get(action)
        if form_class is None:
            return render(request, "web/error.html", {"title": _("Unknown action.")}, status=400)
        form = form_class(request.POST)
        if form.is_valid():
            with refusals() as refused:
                _act(user, appeal, action, form.cleaned_data, request.FILES.getlist("files"))
                messages.success(request, _DONE[action])
                return redirect("web:my_appeal", appeal_id=appeal.pk)
            error, status = refused.message, refused.status
        else:
            status = 400
        bound[action] = form
    context = _context(appeal, bound) | {"error": error}
    return render(request, "web/my_appeal.html", context, status=status)


_DONE = {
    "rate": gettext_lazy("Thank you for your rating."),
    "disagree": gettext_lazy("Your appeal is reopened; the answer will be reconsidered."),
    "add_information": gettext_lazy("Your reply has been sent."),
    "withdraw": gettext_lazy("Your appeal is withdrawn; the work on it has stopped."),
}


def _own(user: User, appeal_id: int) -> Appeal:
    try:
        return get_own_appeal(user, appeal_id)
    except AppealNotFound:
        raise Http404 from None


def _act(user: User, appeal: Appeal, action: str, data: dict[str, Any], files: list) -> None:
    if action == "rate":
        rate_answer(actor=user, appeal=appeal, rating=data["rating"], comment=data["comment"])
    elif action == "disagree":
        disagree_with_answer(actor=user, appeal=appeal, reason=data["reason"])
    elif action == "withdraw":
        consideration.withdraw_appeal(actor=user, appeal=appeal, note=data["note"])
    else:
        add_information(actor=user, appeal=appeal, text=data["text"], files=files)


def place_of(appeal: Appeal) -> str:
    """Where a report is, in words: its address; for a pin far from any registry
    building, the nearest one ("near …") or, with none, the pin's coordinates."""
    if appeal.address:
        return appeal.address
    if appeal.building is not None:
        return building_label(appeal.building)
    if appeal.lat is None or appeal.lon is None:
        return ""
    near = nearest_buildings(appeal.city, lat=appeal.lat, lon=appeal.lon, limit=1)
    if near:
        return _("near %(address)s") % {"address": building_label(near[0])}
    return f"{appeal.lat:.5f}, {appeal.lon:.5f}"


def _context(appeal: Appeal, bound: dict[str, forms.Form]) -> dict[str, Any]:
    seen = selectors.seen_by_applicant(appeal)
    answered = appeal.answered_at is not None and appeal.status in (
        Status.ANSWERED,
        Status.CLOSED,
    )
    window_ends = (
        appeal.answered_at + disagreement_window(appeal.city) if appeal.answered_at else None
    )
    return {
        "appeal": appeal,
        "timeline": seen.timeline,
        # The executor's files (an after-photo) apart from the resident's, and labelled.
        "files": [f for f in seen.files if f.role != FileRole.ANSWER],
        "answer_files": [f for f in seen.files if f.role == FileRole.ANSWER],
        "place": place_of(appeal),
        "answers": seen.answers,
        "open_questions": seen.open_questions,
        "can_rate": answered and appeal.rating is None,
        "can_disagree": answered and window_ends is not None and timezone.now() <= window_ends,
        "window_ends": window_ends,
        "rating_form": bound.get("rate") or RatingForm(),
        "disagreement_form": bound.get("disagree") or DisagreementForm(),
        "information_form": bound.get("add_information") or InformationForm(),
        "can_withdraw": allowed(Move.WITHDRAW, appeal, {Actor.APPLICANT}),
        "withdrawal_form": bound.get("withdraw") or WithdrawalForm(),
    }
