"""The citizen app's polls: vote once, see the results when the editor allows it."""

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.content.errors import VoteRefused
from mycity.content.models import Poll
from mycity.content.polls import has_voted, may_see_results, polls_of, results, results_csv, vote
from mycity.web.choice import city_or_404


@require_GET
def polls(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    return render(request, "content/polls.html", {"city": city, "polls": list(polls_of(city))})


@require_http_methods(["GET", "POST"])
def poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    city = city_or_404(slug)
    found = polls_of(city).filter(pk=poll_id).first()
    if found is None:
        raise Http404
    user = cast(User, request.user)
    status = 200
    problem = ""
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            ids = [int(v) for v in request.POST.getlist("option")]
            vote(voter=user, poll=found, option_ids=ids)
        except ValueError:
            problem, status = _("Choose among the poll's answers."), 400
        except VoteRefused as exc:
            problem, status = str(exc.message), exc.status
        else:
            messages.success(request, _("Thank you: your vote is counted."))
            return redirect("content:poll", slug=city.slug, poll_id=found.pk)
    voted = has_voted(user, found)
    shown = may_see_results(user, found)
    ballots, rows = results(found) if shown else (0, [])
    return render(
        request,
        "content/poll.html",
        {
            "city": city,
            "poll": found,
            "voted": voted,
            "shown": shown,
            "ballots": ballots,
            "rows": rows,
            "problem": problem,
        },
        status=status,
    )


@require_GET
def poll_csv(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """The results as CSV: for the city's editors, or for anyone once they are public."""
    city = city_or_404(slug)
    editor = may(request.user, Action.EDIT_CONTENT, city)
    # An unpublished poll is the editors' alone, whatever its dates.
    found = (
        (Poll.objects.filter(city=city) if editor else polls_of(city)).filter(pk=poll_id).first()
    )
    if found is None:
        raise Http404
    if not editor and not may_see_results(cast(User, request.user), found):
        raise Http404
    response = HttpResponse(results_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{found.pk}.csv"'
    return response
