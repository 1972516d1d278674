"""The applicant withdraws an appeal through the API, as on the appeal's page
(web:my_appeal, action `withdraw`), with the same service."""

import pytest

from mycity.appeals.actions.moves import answer_appeal
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Status
from tests.api_tokens import bearer, token_for
from tests.appeal_fixtures import e_appeal_draft
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(resident, housing_question):
    return submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal


def withdraw(client, appeal, credentials, **body):
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/withdrawal",
        body,
        content_type="application/json",
        **credentials,
    )


def test_the_applicant_withdraws_with_a_token(client, city, resident, appeal):
    done = withdraw(client, appeal, bearer(token_for(resident, city)), note="Решилось само")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "withdrawn"
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN
    assert appeal.events.filter(to_status="withdrawn", actor=resident).exists()


def test_the_applicant_withdraws_with_the_browser_session(client, resident, appeal):
    client.force_login(resident)
    assert withdraw(client, appeal, {}).status_code == 200


def test_nothing_is_withdrawn_after_the_answer(client, city, resident, official, appeal):
    answer_appeal(actor=official, appeal=appeal, text="Ответ.")
    refused = withdraw(client, appeal, bearer(token_for(resident, city)))
    assert refused.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status != Status.WITHDRAWN


def test_another_persons_appeal_is_not_found(client, city, appeal):
    stranger = person("stranger@example.org", None)
    refused = withdraw(client, appeal, bearer(token_for(stranger, city)))
    assert refused.status_code == 404


def test_a_too_long_note_is_a_400_naming_the_field(client, city, resident, appeal):
    refused = withdraw(client, appeal, bearer(token_for(resident, city)), note="x" * 2001)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "note"


def test_a_token_without_the_resident_scope_is_a_403(client, city, resident, appeal):
    refused = withdraw(client, appeal, bearer(token_for(resident, city, "public")))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_is_a_401(client, appeal):
    assert withdraw(client, appeal, {}).status_code == 401
