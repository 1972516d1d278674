"""The Law on appeals' actions through the API with a staff token: a repeat, the stop of
correspondence, a term beyond a month, and the letters a clerk posts; the same rules as
the card's law section."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.appeals.actions.moves import answer_appeal
from mycity.appeals.consideration import leave_without_consideration
from mycity.appeals.models import Appeal, ApplicantNotice, CorrespondenceStop, NoticeKind, Status
from tests.appeal_fixtures import letter
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def answered_and_again(clerk, official, department, housing_question):
    first = letter(clerk, department, housing_question, days_ago(30))
    answer_appeal(actor=official, appeal=first, text="Разъясняем порядок учёта.")
    again = letter(clerk, department, housing_question, days_ago(0))
    return first, again


def test_the_head_marks_a_repeat_and_it_is_left_without_consideration(
    client, city, head, answered_and_again
):
    first, again = answered_and_again
    response = post(
        client, f"/api/v1/appeals/{again.pk}/repeat", {"repeat_of": first.pk}, bearer(head, city)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.NOT_CONSIDERED
    again.refresh_from_db()
    assert again.ground == "repeat"


def test_an_executor_may_not_decide_a_repeat_without_new_facts(
    client, city, official, answered_and_again
):
    first, again = answered_and_again
    response = post(
        client,
        f"/api/v1/appeals/{again.pk}/repeat",
        {"repeat_of": first.pk},
        bearer(official, city),
    )
    assert response.status_code == 403
    assert Appeal.objects.get(pk=again.pk).status == Status.ASSIGNED


def test_a_repeat_of_an_appeal_that_is_not_the_applicants_earlier_one_is_refused(
    client, city, head, answered_and_again
):
    _first, again = answered_and_again
    response = post(
        client, f"/api/v1/appeals/{again.pk}/repeat", {"repeat_of": again.pk}, bearer(head, city)
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "repeat_of"
    missing = post(client, f"/api/v1/appeals/{again.pk}/repeat", {}, bearer(head, city))
    assert missing.status_code == 400
    assert missing.json()["details"][0]["field"] == "repeat_of"


def test_the_head_stops_correspondence_after_a_repeat(client, city, head, answered_and_again):
    first, again = answered_and_again
    response = post(
        client,
        f"/api/v1/appeals/{again.pk}/correspondence-stop",
        {"ground": "Третье обращение по тому же вопросу.", "repeat_of": first.pk},
        bearer(head, city),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.NOT_CONSIDERED
    assert CorrespondenceStop.objects.filter(appeal=again).exists()


def test_a_term_beyond_a_month_tells_the_applicant(
    client, city, clerk, official, department, housing_question
):
    appeal = letter(clerk, department, housing_question, days_ago(1))
    until = (appeal.deadline + timedelta(days=20)).date().isoformat()
    stale = post(
        client,
        f"/api/v1/appeals/{appeal.pk}/prolongation",
        {"until": until, "reason": "Нужна экспертиза.", "expected_version": appeal.version + 5},
        bearer(official, city),
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_appeal"
    response = post(
        client,
        f"/api/v1/appeals/{appeal.pk}/prolongation",
        {"until": until, "reason": "Нужна экспертиза."},
        bearer(official, city),
    )
    assert response.status_code == 200, response.content
    assert ApplicantNotice.objects.filter(appeal=appeal, kind=NoticeKind.PROLONGED).exists()


def test_a_problem_reports_term_is_not_prolonged_by_the_month(
    client, city, dispatcher, resident, leaking_roof
):
    from tests.appeal_fixtures import submit_report

    report = submit_report(resident, leaking_roof, extra={"entrance": 1})
    response = post(
        client,
        f"/api/v1/appeals/{report.pk}/prolongation",
        {"until": "2099-01-01", "reason": "Нужна экспертиза."},
        bearer(dispatcher, city),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "move_not_allowed"


def test_a_clerk_lists_and_posts_the_letters_owed(
    client, city, clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, days_ago(1))
    leave_without_consideration(
        actor=head,
        appeal=appeal,
        ground="other_procedure",
        note="Решается судом.",
        where_to_apply="Полоцкий районный суд",
    )
    headers = bearer(clerk, city)
    waiting = client.get("/api/v1/cities/polotsk/letters", **headers).json()
    assert [row["number"] for row in waiting] == [appeal.registration_number]
    url = f"/api/v1/cities/polotsk/letters/{waiting[0]['id']}/posted"
    posted = post(client, url, {}, headers)
    assert posted.status_code == 200 and posted.json()["sent_at"] is not None
    assert ApplicantNotice.objects.get().sent_by == clerk
    assert post(client, url, {}, headers).status_code == 409
    assert client.get("/api/v1/cities/polotsk/letters", **headers).json() == []
    sent = client.get("/api/v1/cities/polotsk/letters?sent=true", **headers).json()
    assert [row["id"] for row in sent] == [waiting[0]["id"]]


def test_letters_are_for_intake_clerks_of_the_city(
    client, city, other_city, executor, clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, days_ago(1))
    leave_without_consideration(
        actor=head, appeal=appeal, ground="other_procedure", note="Суд.", where_to_apply="Суд"
    )
    notice = ApplicantNotice.objects.get()
    assert client.get("/api/v1/cities/polotsk/letters", **bearer(executor, city)).status_code == 403
    # A clerk of another city does not learn that the letter exists.
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    stranger = person("intake@orsha.example.org", RoleKind.INTAKE, city=other_city)
    response = post(
        client,
        f"/api/v1/cities/polotsk/letters/{notice.pk}/posted",
        {},
        bearer(stranger, other_city),
    )
    assert response.status_code == 404
    assert client.get("/api/v1/cities/polotsk/letters").status_code == 401
    refused = client.get("/api/v1/cities/polotsk/letters", **bearer(clerk, city, "resident"))
    assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"
    assert ApplicantNotice.objects.get().sent_at is None


def test_another_citys_staff_cannot_act_on_an_appeal(
    client, other_city, executor_of_other_city, answered_and_again
):
    first, again = answered_and_again
    response = post(
        client,
        f"/api/v1/appeals/{again.pk}/repeat",
        {"repeat_of": first.pk},
        bearer(executor_of_other_city, other_city),
    )
    assert response.status_code == 404
