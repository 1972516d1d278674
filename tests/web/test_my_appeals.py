"""A resident's own appeals in the citizen app: the list, the card, rating the answer,
disagreeing with it, and replying to staff's questions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mycity.appeals.actions.moderation import request_information
from mycity.appeals.actions.moves import answer_appeal, start_work
from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import submit_report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def card_url(appeal):
    return reverse("web:my_appeal", kwargs={"appeal_id": appeal.pk})


@pytest.fixture
def roof(resident, leaking_roof):
    return submit_report(resident, leaking_roof, extra={"entrance": 1})


@pytest.fixture
def answered_roof(roof, executor):
    start_work(actor=executor, appeal=roof)
    answer_appeal(actor=executor, appeal=roof, text="<p>Кровля отремонтирована.</p>")
    roof.refresh_from_db()
    return roof


def test_my_appeals_ask_for_sign_in(client):
    response = client.get(reverse("web:my_appeals"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_has_my_appeals_and_nobody_elses(client, resident, roof, street_light):
    theirs = submit_report(UserFactory(email="other@example.org"), street_light)
    client.force_login(resident)
    page = client.get(reverse("web:my_appeals")).content.decode()
    assert roof.number in page
    assert theirs.number not in page


def test_someone_elses_appeal_is_not_found(client, roof):
    client.force_login(UserFactory(email="nosy@example.org"))
    assert client.get(card_url(roof)).status_code == 404


def test_the_card_shows_the_answer_and_the_timeline(client, resident, answered_roof):
    client.force_login(resident)
    page = client.get(card_url(answered_roof)).content.decode()
    assert "<p>Кровля отремонтирована.</p>" in page
    assert answered_roof.get_status_display() in page
    assert 'value="rate"' in page and 'value="disagree"' in page


def test_rating_the_answer_closes_the_appeal(client, resident, answered_roof):
    client.force_login(resident)
    response = client.post(
        card_url(answered_roof), {"action": "rate", "rating": "5", "comment": "Спасибо"}
    )
    assert response.status_code == 302
    answered_roof.refresh_from_db()
    assert (answered_roof.rating, answered_roof.status) == (5, Status.CLOSED)
    assert 'value="rate"' not in client.get(card_url(answered_roof)).content.decode()


@pytest.mark.parametrize("rating", ["0", "6", "", "пять"])
def test_a_rating_out_of_range_is_refused_in_place(client, resident, answered_roof, rating):
    client.force_login(resident)
    response = client.post(card_url(answered_roof), {"action": "rate", "rating": rating})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    answered_roof.refresh_from_db()
    assert answered_roof.rating is None


def test_there_is_nothing_to_rate_before_the_answer(client, resident, roof):
    client.force_login(resident)
    assert 'value="rate"' not in client.get(card_url(roof)).content.decode()
    response = client.post(card_url(roof), {"action": "rate", "rating": "4"})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    roof.refresh_from_db()
    assert roof.rating is None


def test_disagreeing_reopens_the_appeal(client, resident, answered_roof):
    client.force_login(resident)
    response = client.post(
        card_url(answered_roof), {"action": "disagree", "reason": "Крыша всё ещё течёт"}
    )
    assert response.status_code == 302
    answered_roof.refresh_from_db()
    assert answered_roof.status == Status.REOPENED


def test_after_the_window_one_can_no_longer_disagree(client, resident, answered_roof):
    long_ago = timezone.now() - timedelta(days=60)
    Appeal.objects.filter(pk=answered_roof.pk).update(answered_at=long_ago)
    client.force_login(resident)
    assert 'value="disagree"' not in client.get(card_url(answered_roof)).content.decode()
    response = client.post(card_url(answered_roof), {"action": "disagree", "reason": "Нет"})
    assert response.status_code in (400, 409)
    answered_roof.refresh_from_db()
    assert answered_roof.status == Status.ANSWERED


def test_a_reply_to_staffs_question_is_sent(client, resident, roof, dispatcher):
    request_information(actor=dispatcher, appeal=roof, question="Какой этаж?")
    client.force_login(resident)
    page = client.get(card_url(roof)).content.decode()
    assert "Какой этаж?" in page
    response = client.post(card_url(roof), {"action": "add_information", "text": "Пятый этаж"})
    assert response.status_code == 302
    assert 'value="add_information"' not in client.get(card_url(roof)).content.decode()


def test_an_empty_reply_is_refused(client, resident, roof, dispatcher):
    request_information(actor=dispatcher, appeal=roof, question="Какой этаж?")
    client.force_login(resident)
    response = client.post(card_url(roof), {"action": "add_information", "text": ""})
    assert response.status_code == 400
    assert "Какой этаж?" in response.content.decode()


def test_an_unknown_action_is_a_400(client, resident, roof):
    client.force_login(resident)
    assert client.post(card_url(roof), {"action": "delete"}).status_code == 400


def test_the_header_counts_unread_notifications_and_the_page_reads_them(client, resident, roof):
    client.force_login(resident)
    header = client.get(reverse("web:my_appeals")).content.decode()
    assert "Уведомления (1)" in header  # "your appeal is registered"
    page = client.get(reverse("web:my_notifications")).content.decode()
    assert roof.number in page
    assert f'href="/my/appeals/{roof.pk}/"' in page
    assert "Уведомления (0)" in client.get(reverse("web:my_appeals")).content.decode()


def test_links_of_older_notifications_lead_to_the_appeal(client, resident, roof):
    client.force_login(resident)
    response = client.get(f"/{roof.city.slug}/appeals/{roof.pk}/")
    assert response.status_code == 301
    assert response["Location"] == card_url(roof)
