"""Polls of the city's residents: one ballot each (a unique constraint in the database,
not a check here), results after voting or after the close as the editor chose, and a
CSV of the results without personal data."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City
from mycity.content.errors import AlreadyVoted, InvalidPoll, InvalidVote, VoteRefused
from mycity.content.models import Poll, PollOption, ResultsShown, Vote


def polls_of(city: City) -> QuerySet[Poll]:
    return (
        Poll.objects.filter(city=city, is_published=True, opens_at__lte=timezone.now())
        .prefetch_related("options")
        .order_by("-opens_at")
    )


def vote(*, voter: User, poll: Poll, option_ids: Sequence[int]) -> Vote:
    if not poll.is_published or not poll.is_open():
        raise VoteRefused(_("The poll is not open."))
    if voter.home_city_id != poll.city_id:
        raise VoteRefused(
            _("Only residents of the city vote: choose it as your home city in the settings."),
            field="home_city",
        )
    chosen = set(option_ids)
    valid = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if not chosen or valid != chosen:
        raise InvalidVote(_("Choose among the poll's answers."), field="options")
    if len(chosen) > 1 and not poll.is_multiple:
        raise InvalidVote(_("Choose one answer."), field="options")
    try:
        with transaction.atomic():
            ballot = Vote.objects.create(poll=poll, voter=voter)
            ballot.options.set(chosen)
    except IntegrityError:
        raise AlreadyVoted() from None
    return ballot


def has_voted(voter: User, poll: Poll) -> bool:
    return voter.is_authenticated and Vote.objects.filter(poll=poll, voter=voter).exists()


def may_see_results(viewer: User, poll: Poll) -> bool:
    if not poll.is_open() and timezone.now() >= poll.closes_at:
        return True
    return poll.results_shown == ResultsShown.AFTER_VOTING and has_voted(viewer, poll)


@dataclass(frozen=True)
class Result:
    option: PollOption
    votes: int
    share: float  # of the ballots; with several answers the shares add up to more than 1


def results(poll: Poll) -> tuple[int, list[Result]]:
    ballots = Vote.objects.filter(poll=poll).count()
    # Meta.ordering is not applied to a query with GROUP BY: the order is said here.
    options = (
        PollOption.objects.filter(poll=poll).annotate(n=Count("votes")).order_by("position", "pk")
    )
    return ballots, [
        Result(option, option.n, option.n / ballots if ballots else 0.0) for option in options
    ]


def results_csv(poll: Poll) -> str:
    """Answers and their counts: no voter, no time of a vote."""
    ballots, rows = results(poll)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["answer", "votes", "share"])
    for row in rows:
        writer.writerow([row.option.text_ru, row.votes, f"{row.share:.4f}"])
    writer.writerow(["(ballots)", ballots, ""])
    return out.getvalue()


def save_poll(*, actor: User, poll: Poll, answers: Sequence[str]) -> Poll:
    """Write a poll and its answers (one per line as the editor typed them). The answers
    of a poll that has votes stay as they are: changing them would change the votes."""
    require(actor, Action.EDIT_CONTENT, poll.city)
    answers = [a.strip() for a in answers if a.strip()]
    if len(answers) < 2:
        raise InvalidPoll(_("Give at least two answers."), field="answers")
    if poll.closes_at <= poll.opens_at:
        raise InvalidPoll(_("The poll must close after it opens."), field="closes_at")
    with transaction.atomic():
        poll.save()
        current = [o.text_ru for o in poll.options.all()] if poll.pk else []
        # Unchanged answers keep their translations; votes fix the answers for good.
        if current != answers and not Vote.objects.filter(poll=poll).exists():
            poll.options.all().delete()
            PollOption.objects.bulk_create(
                PollOption(poll=poll, text_ru=text, position=n) for n, text in enumerate(answers)
            )
    city_pages_changed(poll.city_id)
    return poll
