"""A poll through the API: its answers, voting once, and the results when the page would
show them. The same functions as the page (content/poll_views.py)."""

from datetime import datetime
from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.appeals.api import RESIDENT, viewer_of
from mycity.cities.selectors import city_by_slug
from mycity.content.errors import PollNotFound
from mycity.content.models import Poll, ResultsShown
from mycity.content.polls import has_voted, may_see_results, polls_of, results, vote
from mycity.core.api_contract import errors
from mycity.core.api_formats import MAX_ID, NOT_BOOL

router = Router(tags=["polls"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class PollOptionOut(Schema):
    id: int
    text: str


class PollResultOut(Schema):
    option_id: int
    text: str
    votes: int
    share: float = Field(description="Of the ballots; with several answers they add up to more.")


class PollResultsOut(Schema):
    ballots: int
    options: list[PollResultOut]


class PollDetailOut(Schema):
    id: int
    question: str
    is_multiple: bool
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    results_shown: ResultsShown = Field(
        description="`after_voting`: to each resident after they vote; `after_close`: to "
        "everyone after the close (every poll's results are public once it is closed)."
    )
    options: list[PollOptionOut]
    voted: bool = Field(description="Whether the caller has voted (false for anonymous).")
    results: PollResultsOut | None = Field(
        description="The results, when the caller may see them; otherwise null."
    )


class VoteIn(Schema):
    options: list[Annotated[int, Field(ge=1, le=MAX_ID), NOT_BOOL]] = Field(
        min_length=1, description="The chosen answers' ids: one, or several when `is_multiple`."
    )


def _poll_in(slug: str, poll_id: int) -> Poll:
    found = polls_of(city_by_slug(slug)).filter(pk=poll_id).first()
    if found is None:
        raise PollNotFound(field="poll_id")
    return found


def _poll_out(poll: Poll, viewer: Any) -> dict:
    shown = may_see_results(viewer, poll)
    out: dict[str, Any] = {
        "id": poll.pk,
        "question": poll.question,
        "is_multiple": poll.is_multiple,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "is_open": poll.is_open(),
        "results_shown": poll.results_shown,
        "options": [{"id": o.pk, "text": o.text} for o in poll.options.all()],
        "voted": has_voted(viewer, poll),
        "results": None,
    }
    if shown:
        ballots, rows = results(poll)
        out["results"] = {
            "ballots": ballots,
            "options": [
                {
                    "option_id": r.option.pk,
                    "text": r.option.text,
                    "votes": r.votes,
                    "share": r.share,
                }
                for r in rows
            ],
        }
    return out


@router.get(
    "/{slug}/polls/{poll_id}",
    response=PollDetailOut,
    summary="One poll: its answers, whether I voted, and the results when I may see them",
)
def get_poll(request: HttpRequest, slug: str, poll_id: Id) -> dict:
    return _poll_out(_poll_in(slug, poll_id), viewer_of(request))


@router.post(
    "/{slug}/polls/{poll_id}/votes",
    response={201: PollDetailOut},
    auth=RESIDENT,
    summary="Vote in a poll (once; residents of the city whose home city it is)",
    description="409 `already_voted`; 409 `vote_refused` when the poll is closed or the "
    "person's home city is another (field `home_city`); 400 `invalid_vote` when the "
    "answers are not the poll's, or several where one is allowed.",
    openapi_extra=errors(409),
)
def vote_in_poll(request: HttpRequest, slug: str, poll_id: Id, payload: VoteIn) -> Status:
    poll = _poll_in(slug, poll_id)
    voter = cast(User, request.auth)  # type: ignore[attr-defined]
    vote(voter=voter, poll=poll, option_ids=payload.options)
    return Status(201, _poll_out(poll, voter))
