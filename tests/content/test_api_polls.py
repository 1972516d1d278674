"""Polls through the API: the answers, one vote each, and the results when the page
would show them (tests/content/test_events_places_polls.py holds the rules)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.content.models import Poll, PollOption, ResultsShown, Vote
from tests.api_tokens import bearer, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(city):
    found = Poll.objects.create(
        city=city,
        question_ru="Где поставить новую детскую площадку?",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=7),
        is_published=True,
    )
    for position, text in enumerate(["У школы № 1", "В парке", "На Задвинье"]):
        PollOption.objects.create(poll=found, text_ru=text, position=position)
    return found


@pytest.fixture
def voter(city):
    return UserFactory(home_city=city)


@pytest.fixture
def token(city, voter):
    return bearer(token_for(voter, city))


def cast_vote(client, poll, option_ids, credentials):
    return client.post(
        f"/api/v1/cities/polotsk/polls/{poll.pk}/votes",
        {"options": option_ids},
        content_type="application/json",
        **credentials,
    )


def option_ids(poll):
    return [o.pk for o in poll.options.all()]


def test_anyone_reads_a_poll_without_its_results_before_voting(client, poll):
    body = client.get(f"/api/v1/cities/polotsk/polls/{poll.pk}").json()
    assert body["question"] == poll.question_ru and body["is_open"]
    assert [o["id"] for o in body["options"]] == option_ids(poll)
    assert body["voted"] is False and body["results"] is None


def test_a_resident_votes_with_a_token_and_then_sees_the_results(client, poll, voter, token):
    second = option_ids(poll)[1]
    voted = cast_vote(client, poll, [second], token)
    assert voted.status_code == 201, voted.content
    body = voted.json()
    assert body["voted"] is True
    assert body["results"]["ballots"] == 1
    assert [r["votes"] for r in body["results"]["options"]] == [0, 1, 0]
    assert Vote.objects.get().voter == voter
    again = client.get(f"/api/v1/cities/polotsk/polls/{poll.pk}", **token).json()
    assert again["voted"] is True and again["results"]["ballots"] == 1


def test_a_browser_session_votes_too(client, poll, voter):
    client.force_login(voter)
    assert cast_vote(client, poll, option_ids(poll)[:1], {}).status_code == 201


def test_a_second_vote_is_a_409_and_the_first_stands(client, poll, token):
    first, second, _third = option_ids(poll)
    assert cast_vote(client, poll, [first], token).status_code == 201
    again = cast_vote(client, poll, [second], token)
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    assert list(Vote.objects.get().options.values_list("pk", flat=True)) == [first]


def test_results_shown_after_the_close_are_hidden_after_voting(client, poll, token):
    poll.results_shown = ResultsShown.AFTER_CLOSE
    poll.save()
    body = cast_vote(client, poll, option_ids(poll)[:1], token).json()
    assert body["voted"] is True and body["results"] is None


def test_several_answers_in_a_single_answer_poll_are_a_400(client, poll, token):
    refused = cast_vote(client, poll, option_ids(poll)[:2], token)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_vote"
    assert refused.json()["details"][0]["field"] == "options"
    assert not Vote.objects.exists()


def test_an_answer_of_another_poll_is_a_400(client, poll, token, city):
    other = Poll.objects.create(
        city=city,
        question_ru="Другой опрос",
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
        is_published=True,
    )
    foreign = PollOption.objects.create(poll=other, text_ru="Чужой ответ")
    assert cast_vote(client, poll, [foreign.pk], token).status_code == 400


def test_no_answer_is_a_400_naming_the_field(client, poll, token):
    refused = cast_vote(client, poll, [], token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "options"


def test_a_closed_poll_takes_no_vote(client, poll, token):
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.save()
    refused = cast_vote(client, poll, option_ids(poll)[:1], token)
    assert refused.status_code == 409
    assert refused.json()["code"] == "vote_refused"


def test_a_resident_of_another_city_is_refused(client, poll, other_city, city):
    stranger = UserFactory(home_city=other_city)
    refused = cast_vote(client, poll, option_ids(poll)[:1], bearer(token_for(stranger, city)))
    assert refused.status_code == 409
    assert refused.json()["details"][0]["field"] == "home_city"


def test_a_token_without_the_resident_scope_is_a_403(client, poll, voter, city):
    public = bearer(token_for(voter, city, "public"))
    refused = cast_vote(client, poll, option_ids(poll)[:1], public)
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_voting_is_a_401(client, poll):
    assert cast_vote(client, poll, option_ids(poll)[:1], {}).status_code == 401


def test_an_unpublished_poll_or_another_citys_is_not_found(client, poll, other_city, token):
    poll.is_published = False
    poll.save()
    assert client.get(f"/api/v1/cities/polotsk/polls/{poll.pk}").status_code == 404
    assert cast_vote(client, poll, option_ids(poll)[:1], token).status_code == 404
    poll.is_published, poll.city = True, other_city
    poll.save()
    assert client.get(f"/api/v1/cities/polotsk/polls/{poll.pk}").status_code == 404
