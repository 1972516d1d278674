"""More than ten appeals on the same subject answered by one publication on the
organisation's page: each appeal links to it and each applicant is sent it; fewer,
mixed subjects or someone else's appeals are refused, and nothing is written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.collective import publish_collective_answer
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import (
    Answer,
    Appeal,
    ApplicantNotice,
    CollectiveAnswer,
    Result,
    Status,
)
from tests.appeal_fixtures import e_appeal_draft
from tests.conftest import person
from tests.factories import CategoryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def letters(clerk, department, category, count):
    return [
        register_received_appeal(
            actor=clerk,
            city=department.city,
            registrar=department,
            channel="post",
            received_at=timezone.now() - timedelta(days=2),
            draft=AppealDraft(
                category_slug=category.slug,
                description="Когда отремонтируют дорогу на ул. Октябрьской?",
                applicant_name=f"Житель Номер{n} Иванович",
                applicant_address=f"г. Полоцк, ул. Октябрьская, {n + 1}",
            ),
        ).appeal
        for n in range(count)
    ]


def test_eleven_appeals_are_answered_by_one_publication(
    client, clerk, official, department, housing_question, resident, head
):
    online = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    appeals = [*letters(clerk, department, housing_question, 10), online]
    publication = publish_collective_answer(
        actor=head,
        organisation=department,
        appeals=appeals,
        title="О ремонте ул. Октябрьской",
        text="<p>Ремонт запланирован на май.</p>",
        result=Result.EXPLAINED,
    )
    assert Answer.objects.filter(publication=publication).count() == 11
    assert set(
        Appeal.objects.filter(pk__in=[a.pk for a in appeals]).values_list("status", "result")
    ) == {(Status.ANSWERED, Result.EXPLAINED)}
    notices = ApplicantNotice.objects.filter(kind="collective")
    assert notices.count() == 11
    assert notices.filter(delivery="post", sent_at__isnull=True).count() == 10
    assert resident.notifications.filter(topic="appeal.notice").exists()
    page = client.get(f"/polotsk/answers/{publication.pk}/").content.decode()
    assert "О ремонте ул. Октябрьской" in page and "Ремонт запланирован на май." in page
    assert "Номер3" not in page  # no applicant on the public page
    assert f"/polotsk/answers/{publication.pk}/" in notices.first().text


def test_ten_appeals_are_answered_one_by_one(clerk, official, department, housing_question, head):
    appeals = letters(clerk, department, housing_question, 10)
    with pytest.raises(InvalidAppeal) as refused:
        publish_collective_answer(
            actor=head,
            organisation=department,
            appeals=appeals,
            title="О ремонте",
            text="Ремонт в мае.",
            result=Result.EXPLAINED,
        )
    assert [d["field"] for d in refused.value.as_dict()["details"]] == ["appeals"]
    assert not CollectiveAnswer.objects.exists() and not Answer.objects.exists()
    assert set(Appeal.objects.values_list("status", flat=True)) == {Status.ASSIGNED}


def test_appeals_on_other_subjects_or_of_other_organisations_are_refused(
    clerk, official, department, housing_question, city, head
):
    roads = CategoryFactory(
        city=city, slug="roads-question", kind="e_appeal", default_organisation=department
    )
    appeals = [
        *letters(clerk, department, housing_question, 10),
        *letters(clerk, department, roads, 1),
    ]
    with pytest.raises(InvalidAppeal):
        publish_collective_answer(
            actor=head,
            organisation=department,
            appeals=appeals,
            title="О ремонте",
            text="Ремонт в мае.",
            result=Result.EXPLAINED,
        )
    stranger = person(
        "other@example.org",
        RoleKind.EXECUTOR,
        organisation=OrganisationFactory(city=city),
    )
    with pytest.raises(PermissionDenied):
        publish_collective_answer(
            actor=stranger,
            organisation=department,
            appeals=appeals[:11],
            title="О ремонте",
            text="Ремонт в мае.",
            result=Result.EXPLAINED,
        )
    assert not CollectiveAnswer.objects.exists()


def test_the_console_page_publishes_for_the_subject(
    client, clerk, official, department, housing_question, head
):
    appeals = letters(clerk, department, housing_question, 11)
    client.force_login(head)
    page = client.get(
        f"/console/polotsk/collective/?organisation={department.slug}&category={housing_question.slug}"
    ).content.decode()
    assert all(a.registration_number in page for a in appeals)
    response = client.post(
        "/console/polotsk/collective/",
        {
            "organisation": department.slug,
            "category": housing_question.slug,
            "appeal": [a.pk for a in appeals],
            "title": "О ремонте",
            "text": "Ремонт в мае.",
            "result": "explained",
        },
    )
    assert response.status_code == 302
    assert CollectiveAnswer.objects.count() == 1
    bad = client.post(
        "/console/polotsk/collective/",
        {
            "organisation": department.slug,
            "category": housing_question.slug,
            "appeal": [],
            "title": "",
            "text": "",
            "result": "explained",
        },
    )
    assert bad.status_code == 400
    assert CollectiveAnswer.objects.count() == 1


def test_the_organisation_sees_its_thanks(client, clerk, official, department, housing_question):
    from mycity.appeals.consideration import record_thanks

    (appeal,) = letters(clerk, department, housing_question, 1)
    record_thanks(actor=official, appeal=appeal)
    client.force_login(official)
    page = client.get("/console/polotsk/thanks/").content.decode()
    assert "Октябрьской" in page


def test_only_who_decides_is_offered_one_answer_to_many(
    client, official, head, department, housing_question
):
    url = f"/console/polotsk/collective/?organisation={department.slug}"
    client.force_login(official)
    queue = client.get("/console/polotsk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/console/polotsk/collective/" not in queue
    assert client.get(url).status_code == 404
    client.force_login(head)
    queue = client.get("/console/polotsk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/console/polotsk/collective/" in queue
    assert client.get(url).status_code == 200
