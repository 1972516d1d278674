"""Errors of the content domain, with stable codes for clients."""

from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class NoticeNotFound(NotFound):
    code = "notice_not_found"
    message = _("There is no such notice.")


class InvalidNotice(DomainError):
    code = "invalid_notice"
    message = _("The notice has mistakes; see the details.")
    status = 422


class NoticeStateError(DomainError):
    code = "notice_state"
    message = _("The notice cannot do that in its present state.")
    status = 409


class NewsNotFound(NotFound):
    code = "news_not_found"
    message = _("There is no such news item.")


class InvalidNews(DomainError):
    code = "invalid_news"
    message = _("The news item has mistakes; see the details.")
    status = 422


class InvalidEvent(DomainError):
    code = "invalid_event"
    message = _("The event has mistakes; see the details.")
    status = 422


class VoteRefused(DomainError):
    code = "vote_refused"
    message = _("The vote cannot be taken.")
    status = 409


class PollNotFound(NotFound):
    code = "poll_not_found"
    message = _("There is no such poll.")


class InvalidVote(VoteRefused):
    """A ballot whose answers are not the poll's, or too many of them."""

    code = "invalid_vote"
    status = 400


class AlreadyVoted(VoteRefused):
    code = "already_voted"
    message = _("You have already voted in this poll.")


class InvalidPoll(DomainError):
    code = "invalid_poll"
    message = _("The poll has mistakes.")
