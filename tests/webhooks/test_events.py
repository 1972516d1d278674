"""Which endpoints hear of what, and what each payload may carry: the organisation
handling the appeal sees it as its executors do (without the applicant's name and
contacts); the city hears of every appeal but of the text and place only when the
report is public; a notice is public to all."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import answer_appeal, disagree_with_answer, start_work
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Appeal, Result
from mycity.content.services import publish_notice
from mycity.control.reminders import send_reminders
from mycity.webhooks.events import EventType
from mycity.webhooks.models import Message
from mycity.webhooks.services import register_endpoint
from tests.appeal_fixtures import e_appeal_draft, submit_report
from tests.conftest import person

ALL = list(EventType.values)


@pytest.fixture
def city_hook(city, city_admin):
    return register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url="https://city.example.org/hooks",
        events=ALL,
    )


@pytest.fixture
def lighting_hook(city, lighting_service, head_of_lighting):
    return register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url="https://gorsvet.example.org/hooks",
        events=ALL,
    )


@pytest.fixture
def housing_hook(city, organisation, head_of_housing):
    return register_endpoint(
        actor=head_of_housing,
        city=city,
        organisation=organisation,
        url="https://zhes.example.org/hooks",
        events=ALL,
    )


def sent_to(endpoint) -> list[dict]:
    return [json.loads(m.body) for m in Message.objects.filter(endpoint=endpoint).order_by("pk")]


def types(endpoint) -> list[str]:
    return [p["type"] for p in sent_to(endpoint)]


PERSONAL = ("Иванова", "anna@example.org", "Нижне-Покровская", "resident@example.org")


def no_personal_data(endpoint) -> None:
    bodies = " ".join(m.body for m in Message.objects.filter(endpoint=endpoint))
    for value in PERSONAL:
        assert value not in bodies
    for payload in sent_to(endpoint):
        assert not {k for k in payload["data"] if k.startswith("applicant")}


def test_a_report_routed_to_an_organisation_is_heard_by_it_and_the_city_only(
    resident, street_light, city_hook, lighting_hook, housing_hook
):
    appeal = submit_report(resident, street_light)
    assert types(city_hook) == ["appeal.assigned", "appeal.registered"]
    assert types(lighting_hook) == ["appeal.assigned", "appeal.registered"]
    assert types(housing_hook) == []  # another organisation's appeal
    registered = sent_to(lighting_hook)[1]["data"]
    assert registered["id"] == appeal.pk
    assert registered["number"] == appeal.number
    assert registered["organisation"]["slug"] == "gorsvet"
    assert registered["category"]["slug"] == "street-light-out"
    assert registered["description"] == "Не горит фонарь у подъезда"
    assert registered["lat"] == pytest.approx(55.4860)
    no_personal_data(city_hook)
    no_personal_data(lighting_hook)


def test_the_city_sees_a_public_reports_text_masked_as_on_the_map(
    resident, street_light, city_hook
):
    submit_report(resident, street_light, description="Фонарь не горит, звоните +375291234567")
    data = sent_to(city_hook)[-1]["data"]
    assert "+375291234567" not in data["description"]
    assert data["address"] is not None or data["lat"] is not None


def test_an_e_appeals_text_and_place_go_only_to_the_organisation_handling_it(
    city, resident, housing_question, department, city_admin
):
    city_hook = register_endpoint(
        actor=city_admin, city=city, organisation=None, url="https://c.example.org/h", events=ALL
    )
    head = person("head@uzhkh.example.org", RoleKind.HEAD, organisation=department)
    department_hook = register_endpoint(
        actor=head, city=city, organisation=department, url="https://d.example.org/h", events=ALL
    )
    submit_appeal(applicant=resident, city=city, draft=e_appeal_draft(housing_question), files=[])
    for_city = sent_to(city_hook)[-1]["data"]
    for_department = sent_to(department_hook)[-1]["data"]
    assert for_city["kind"] == "e_appeal"
    assert not {"description", "address", "lat", "lon"} & set(for_city)
    assert for_department["description"].startswith("Прошу разъяснить")
    no_personal_data(city_hook)
    no_personal_data(department_hook)


def test_an_answer_and_a_reopening_are_heard(
    resident, street_light, lighting_service, city_hook, lighting_hook
):
    appeal = submit_report(resident, street_light)
    worker = person("worker@gorsvet.example.org", RoleKind.EXECUTOR, organisation=lighting_service)
    start_work(actor=worker, appeal=appeal)
    answer_appeal(actor=worker, appeal=appeal, text="Лампа заменена.", result=Result.SATISFIED)
    appeal.refresh_from_db()
    disagree_with_answer(actor=resident, appeal=appeal, reason="Снова не горит.")
    assert types(lighting_hook)[2:] == ["appeal.answered", "appeal.reopened"]
    answered = sent_to(city_hook)[2]["data"]
    assert (answered["status"], answered["result"]) == ("answered", "satisfied")


def test_only_the_chosen_events_are_sent(city, resident, street_light, city_admin):
    only_answers = register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url="https://a.example.org/h",
        events=["appeal.answered"],
    )
    submit_report(resident, street_light)
    assert types(only_answers) == []


def test_an_overdue_appeal_is_heard_once(resident, street_light, lighting_hook, head_of_lighting):
    appeal = submit_report(resident, street_light)
    Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - timedelta(hours=1))
    send_reminders()
    send_reminders()
    overdue = [p for p in sent_to(lighting_hook) if p["type"] == "appeal.overdue"]
    assert len(overdue) == 1
    assert overdue[0]["data"]["id"] == appeal.pk


def test_a_published_notice_is_heard_by_every_endpoint_that_asked(
    city, editor, city_hook, lighting_hook, housing_hook
):
    from mycity.content.models import Notice

    notice = Notice.objects.create(
        city=city,
        kind="cold_water",
        title_ru="Отключение воды",
        reason_ru="Ремонт сетей",
        starts_at=timezone.now() + timedelta(days=1),
        state="draft",
    )
    publish_notice(actor=editor, notice=notice)
    for hook in (city_hook, lighting_hook, housing_hook):
        [payload] = sent_to(hook)
        assert payload["type"] == "notice.published"
        assert payload["data"]["title"]["ru"] == "Отключение воды"
        assert payload["data"]["url"].endswith(f"/polotsk/notices/{notice.pk}/")


def test_the_event_and_its_messages_commit_together(resident, street_light, city_hook, monkeypatch):
    """A registration that fails after its messages were written leaves none behind."""
    from mycity.appeals import webhook_events

    real = webhook_events.on_registered

    def written_then_failed(appeal):
        real(appeal)
        assert Message.objects.count() == 2
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(webhook_events, "on_registered", written_then_failed)
    with pytest.raises(RuntimeError):
        submit_report(resident, street_light)
    assert Message.objects.count() == 0
