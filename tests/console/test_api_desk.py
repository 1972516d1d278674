"""A staff member's own tools through the API: answer templates, the daily digest
preference and the dispatcher's bulk actions, with a staff token."""

import json

import pytest

from mycity.appeals.models import Appeal, Status
from mycity.console.models import AnswerTemplate, StaffPreferences
from mycity.console.services import create_answer_template
from tests.appeal_fixtures import submit_report
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

TEMPLATES = "/api/v1/cities/polotsk/answer-templates"


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


@pytest.fixture(autouse=True)
def _enough_submissions(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0


@pytest.fixture
def done(executor, organisation):
    return create_answer_template(
        actor=executor,
        organisation=organisation,
        title="Выполнено",
        text="По обращению № {number} работы выполнены {date}.",
    )


def test_an_executor_writes_changes_and_deletes_a_template_by_token(
    client, city, executor, organisation
):
    headers = bearer(executor, city)
    made = send(client, "post", TEMPLATES, {"title": "Отказ", "text": "Нет оснований."}, headers)
    assert made.status_code == 201, made.content
    assert made.json()["organisation"] == organisation.slug
    url = f"{TEMPLATES}/{made.json()['id']}"
    changed = send(client, "put", url, {"title": "Отказ", "text": "Оснований нет."}, headers)
    assert changed.status_code == 200 and changed.json()["text"] == "Оснований нет."
    assert [t["title"] for t in client.get(TEMPLATES, **headers).json()] == ["Отказ"]
    assert client.delete(url, **headers).status_code == 204
    assert not AnswerTemplate.objects.exists()


def test_a_second_template_with_the_same_title_is_refused_on_its_field(
    client, city, executor, done
):
    response = send(
        client,
        "post",
        TEMPLATES,
        {"title": "Выполнено", "text": "Ещё раз."},
        bearer(executor, city),
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "title"
    empty = send(client, "post", TEMPLATES, {"title": " ", "text": ""}, bearer(executor, city))
    assert empty.status_code == 400
    assert {d["field"] for d in empty.json()["details"]} == {"title", "text"}
    assert AnswerTemplate.objects.count() == 1


def test_a_dispatcher_of_a_city_of_several_organisations_names_one(
    client, city, dispatcher, organisation, lighting_service
):
    headers = bearer(dispatcher, city)
    unnamed = send(client, "post", TEMPLATES, {"title": "Т", "text": "Текст"}, headers)
    assert unnamed.status_code == 400
    assert unnamed.json()["details"][0]["field"] == "organisation"
    named = send(
        client,
        "post",
        TEMPLATES,
        {"title": "Т2", "text": "Текст", "organisation": organisation.slug},
        headers,
    )
    assert named.status_code == 201


def test_another_organisations_template_is_a_404(
    client, city, other_city, done, executor_of_other_city, lighting_service
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    lamplighter = person("lamp@example.org", RoleKind.EXECUTOR, organisation=lighting_service)
    url = f"{TEMPLATES}/{done.pk}"
    change = {"title": "Чужой", "text": "Чужой"}
    assert send(client, "put", url, change, bearer(lamplighter, city)).status_code == 404
    assert client.delete(url, **bearer(lamplighter, city)).status_code == 404
    elsewhere = f"/api/v1/cities/{city.slug}/answer-templates/{done.pk}"
    assert client.delete(elsewhere, **bearer(executor_of_other_city, other_city)).status_code in (
        403,
        404,
    )
    assert AnswerTemplate.objects.get().title == "Выполнено"


def test_a_moderator_writes_no_templates_and_anonymous_callers_none_at_all(
    client, city, moderator, executor
):
    refused = client.get(TEMPLATES, **bearer(moderator, city))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get(TEMPLATES).status_code == 401
    no_scope = client.get(TEMPLATES, **bearer(executor, city, "resident"))
    assert no_scope.status_code == 403 and no_scope.json()["code"] == "missing_scope"


def test_the_answer_text_is_filled_in_for_the_appeal(
    client, city, resident, executor, leaking_roof, done
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    response = client.get(
        f"/api/v1/appeals/{appeal.pk}/answer-text?template={done.pk}", **bearer(executor, city)
    )
    assert response.status_code == 200, response.content
    assert f"№ {appeal.number}" in response.json()["text"]


def test_the_daily_digest_preference_is_set_by_token(client, city, executor, resident):
    headers = bearer(executor, city)
    url = "/api/v1/me/staff-preferences"
    response = send(client, "put", url, {"daily_digest": True}, headers)
    assert response.status_code == 200 and response.json() == {"daily_digest": True}
    assert StaffPreferences.objects.get(user=executor).daily_digest is True
    assert client.get(url, **headers).json() == {"daily_digest": True}
    assert send(client, "put", url, {"daily_digest": "yes"}, headers).status_code == 400
    # A resident has no desk in the console.
    assert client.get(url, **bearer(resident, city)).status_code == 403


def test_a_dispatcher_accepts_appeals_in_bulk_and_a_stale_one_is_refused_alone(
    client, city, dispatcher, resident, noisy_neighbours
):
    first = submit_report(resident, noisy_neighbours)
    second = submit_report(resident, noisy_neighbours)
    second_was = second.status
    body = {
        "action": "accept",
        "appeals": [{"id": first.pk}, {"id": second.pk, "expected_version": 999}],
    }
    response = send(client, "post", "/api/v1/cities/polotsk/bulk", body, bearer(dispatcher, city))
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["done"], report["refused"]) == (1, 1)
    assert Appeal.objects.get(pk=first.pk).status == Status.ACCEPTED
    assert Appeal.objects.get(pk=second.pk).status == second_was


def test_bulk_is_for_dispatchers(client, city, executor):
    body = {"action": "accept", "appeals": [{"id": 1}]}
    url = "/api/v1/cities/polotsk/bulk"
    assert send(client, "post", url, body, bearer(executor, city)).status_code == 403
    assert (
        send(
            client, "post", url, {"action": "delete", "appeals": []}, bearer(executor, city)
        ).status_code
        == 400
    )
