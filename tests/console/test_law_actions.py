"""The appeal card's actions under the Law on appeals: an official leaves an appeal
without consideration, marks a repeat, a clerk posts the notice, an anonymous letter is
registered; bad input comes back as a 400 with the reason and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import answer_appeal
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import Appeal, ApplicantNotice, Result, Status
from mycity.appeals.policy import is_anonymous
from tests.conftest import person

pytestmark = pytest.mark.django_db

ANNA = {
    "applicant_name": "Иванова Анна Петровна",
    "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
}


def letter(clerk, department, category, days_ago=1, **values):
    return register_received_appeal(
        actor=clerk,
        city=department.city,
        registrar=department,
        channel="post",
        received_at=timezone.now() - timedelta(days=days_ago),
        draft=AppealDraft(
            category_slug=category.slug,
            description="Прошу разъяснить порядок постановки на учёт.",
            **(ANNA | values),
        ),
    ).appeal


def act(client, appeal, **data):
    return client.post(f"/console/polotsk/appeals/{appeal.pk}/act", data)


def test_the_head_leaves_a_letter_and_the_clerk_posts_the_notice(
    client, clerk, official, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question)
    client.force_login(official)
    card = client.get(f"/console/polotsk/appeals/{appeal.pk}/").content.decode()
    assert 'value="leave"' not in card
    client.force_login(head)
    card = client.get(f"/console/polotsk/appeals/{appeal.pk}/").content.decode()
    assert 'value="leave"' in card and 'value="other_procedure"' in card
    assert 'name="where_to_apply"' in card
    missing = act(client, appeal, action="leave", ground="other_procedure", note="Решается судом.")
    assert missing.status_code == 400
    response = act(
        client,
        appeal,
        action="leave",
        ground="other_procedure",
        note="Решается судом.",
        where_to_apply="Полоцкий районный суд",
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.NOT_CONSIDERED and appeal.result == Result.NOT_CONSIDERED
    notice = ApplicantNotice.objects.get(appeal=appeal)
    assert notice.sent_at is None

    client.force_login(clerk)
    page = client.get("/console/polotsk/letters/").content.decode()
    assert "Решается судом." in page and appeal.registration_number in page
    assert client.post("/console/polotsk/letters/", {"notice": notice.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.sent_by == clerk


def test_a_ground_of_another_kind_comes_back_as_a_400_and_nothing_changes(
    client, clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question)
    client.force_login(head)
    response = client.post(
        f"/console/polotsk/appeals/{appeal.pk}/act",
        {"action": "leave", "ground": "made-up"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "does not apply" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED
    assert not ApplicantNotice.objects.exists()


def test_the_card_shows_earlier_appeals_and_the_head_leaves_a_repeat(
    client, clerk, official, head, department, housing_question
):
    first = letter(clerk, department, housing_question, days_ago=30)
    answer_appeal(actor=official, appeal=first, text="Разъясняем порядок учёта.")
    again = letter(clerk, department, housing_question, days_ago=0)
    client.force_login(official)
    card = client.get(f"/console/polotsk/appeals/{again.pk}/").content.decode()
    assert first.registration_number in card and "Разъясняем порядок учёта." in card
    # The executor may say it repeats, but leaving it is the head's decision.
    assert act(client, again, action="mark_repeat", repeat_of=first.number).status_code == 403
    client.force_login(head)
    response = act(client, again, action="mark_repeat", repeat_of=first.number)
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == Status.NOT_CONSIDERED and again.ground == "repeat"


def test_an_answer_from_the_card_carries_its_result(
    client, clerk, official, department, housing_question
):
    appeal = letter(clerk, department, housing_question)
    client.force_login(official)
    response = act(client, appeal, action="answer", text="Ваш вопрос решён.", result="satisfied")
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).result == Result.SATISFIED


def test_a_clerk_registers_an_anonymous_letter_from_the_intake_page(
    client, clerk, department, housing_question
):
    client.force_login(clerk)
    response = client.post(
        "/console/polotsk/intake/",
        {
            "channel": "post",
            "received_at": "2026-11-02T10:00",
            "registrar": department.pk,
            "category": housing_question.slug,
            "applicant_type": "person",
            "applicant_name": "",
            "applicant_address": "",
            "description": "Соседи по ночам шумят, примите меры.",
            "anonymous": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.registration_number and not appeal.applicant_name
    assert is_anonymous(appeal)


def test_without_the_anonymous_tick_a_letter_needs_a_name(
    client, clerk, department, housing_question
):
    client.force_login(clerk)
    response = client.post(
        "/console/polotsk/intake/",
        {
            "channel": "post",
            "received_at": "2026-11-02T10:00",
            "registrar": department.pk,
            "category": housing_question.slug,
            "applicant_type": "person",
            "applicant_name": "",
            "applicant_address": "",
            "description": "Соседи по ночам шумят.",
        },
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_second_post_of_the_same_letter_changes_nothing(
    client, clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question)
    client.force_login(head)
    act(client, appeal, action="leave", ground="not_competent", where_to_apply="Облисполком")
    notice = ApplicantNotice.objects.get(appeal=appeal)
    client.force_login(clerk)
    client.post("/console/polotsk/letters/", {"notice": notice.pk})
    sent = ApplicantNotice.objects.get(pk=notice.pk).sent_at
    client.post("/console/polotsk/letters/", {"notice": notice.pk})
    assert ApplicantNotice.objects.get(pk=notice.pk).sent_at == sent
    assert appeal.events.filter(kind="notice_sent").count() == 1


def test_a_resident_cannot_open_the_letters(client, resident):
    client.force_login(resident)
    assert client.get("/console/polotsk/letters/").status_code in (403, 404)


def test_a_resident_withdraws_their_appeal_from_its_page(client, resident, housing_question):
    from tests.appeal_fixtures import e_appeal_draft

    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    client.force_login(resident)
    page = client.get(f"/my/appeals/{appeal.pk}/").content.decode()
    assert 'value="withdraw"' in page
    response = client.post(f"/my/appeals/{appeal.pk}/", {"action": "withdraw", "note": ""})
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).status == Status.WITHDRAWN
    page = client.get(f"/my/appeals/{appeal.pk}/").content.decode()
    assert 'value="withdraw"' not in page


def test_another_organisations_earlier_appeal_shows_no_answer(
    client, clerk, official, department, housing_question, city
):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(city=city, slug="other-dept", kind="department")
    first = letter(clerk, department, housing_question, days_ago=30)
    answer_appeal(actor=official, appeal=first, text="Ответ другой организации.")
    again = letter(clerk, department, housing_question)
    Appeal.objects.filter(pk=again.pk).update(organisation=other)
    stranger = person("stranger@example.org", RoleKind.EXECUTOR, organisation=other)
    client.force_login(stranger)
    card = client.get(f"/console/polotsk/appeals/{again.pk}/").content.decode()
    assert first.registration_number in card
    assert "Ответ другой организации." not in card


def test_a_malformed_letter_number_is_not_an_error_page(client, clerk):
    client.force_login(clerk)
    response = client.post("/console/polotsk/letters/", {"notice": "abc"})
    assert response.status_code == 302
