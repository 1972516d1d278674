"""The audit trail: what staff did to a city's appeals, for the city's administrators."""

import pytest
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.accounts.services import grant_role
from mycity.appeals.actions.moderation import redact_description, request_information
from mycity.appeals.models import Appeal, AppealEvent
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db


def audit_url(city):
    return reverse("console:audit", kwargs={"slug": city.slug})


def card_url(appeal):
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


@pytest.fixture
def redacted(moderator, resident, noisy_neighbours) -> Appeal:
    appeal = submit_report(
        resident, noisy_neighbours, description="Шумят соседи из кв. 5, Иван Петров"
    )
    return redact_description(
        actor=moderator, appeal=appeal, text="Шумят соседи", reason="Имя соседа"
    )


def test_the_audit_page_is_404_for_a_dispatcher(client, dispatcher, city):
    client.force_login(dispatcher)
    assert client.get(audit_url(city)).status_code == 404


@pytest.mark.parametrize("who", ["moderator", "executor", "resident"])
def test_the_audit_page_is_404_for_everyone_but_administrators(client, request, city, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(audit_url(city)).status_code == 404


def test_the_audit_page_is_404_for_the_admin_of_another_city(client, city, other_city):
    from tests.conftest import person

    client.force_login(person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(audit_url(city)).status_code == 404


def test_the_city_admin_sees_the_moderators_edit_with_before_and_after(
    client, city_admin, moderator, redacted
):
    client.force_login(city_admin)
    response = client.get(audit_url(redacted.city))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Текст отредактирован модератором" in page
    assert moderator.email in page
    assert "<del>Шумят соседи из кв. 5, Иван Петров</del>" in page
    assert "<ins>Шумят соседи</ins>" in page
    assert "<q>Имя соседа</q>" in page


def test_a_platform_admin_reads_the_audit(client, platform_admin, redacted):
    client.force_login(platform_admin)
    assert "Иван Петров" in client.get(audit_url(redacted.city)).content.decode()


def test_the_audit_filters_by_person(client, city_admin, moderator, dispatcher, redacted):
    request_information(actor=dispatcher, appeal=redacted, question="Какой этаж?")
    client.force_login(city_admin)
    page = client.get(audit_url(redacted.city), {"actor": moderator.email.upper()})
    rows = page.context["rows"]
    assert rows and {event.actor for event, _changes in rows} == {moderator}


def test_the_audit_filters_by_appeal(client, city_admin, resident, street_light, redacted):
    other = submit_report(resident, street_light)
    client.force_login(city_admin)
    page = client.get(audit_url(redacted.city), {"number": redacted.number})
    numbers = {event.appeal.number for event, _changes in page.context["rows"]}
    assert numbers == {redacted.number} and other.number != redacted.number


def test_the_audit_pages_fifty_events_at_a_time_newest_first(
    client, city_admin, resident, street_light, settings
):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0
    for _ in range(20):
        submit_report(resident, street_light)  # three events each
    client.force_login(city_admin)
    first = client.get(audit_url(street_light.city))
    ids = [event.pk for event, _changes in first.context["rows"]]
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    assert first.context["more"] == f"before={ids[-1]}"
    rest = client.get(audit_url(street_light.city), {"before": ids[-1]})
    more = [event.pk for event, _changes in rest.context["rows"]]
    assert len(more) == 10 and max(more) < ids[-1]
    assert rest.context["more"] is None


def test_the_audit_costs_the_same_for_a_few_and_many_events(
    client, city_admin, resident, street_light, settings
):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(audit_url(street_light.city)).status_code == 200
        return len(captured)

    client.force_login(city_admin)
    submit_report(resident, street_light)
    few = queries()
    for _ in range(20):
        submit_report(resident, street_light)
    assert AppealEvent.objects.count() > 50
    assert queries() == few


def test_the_card_links_to_the_appeals_audit_for_those_who_may_read_it(
    client, dispatcher, resident, street_light
):
    appeal = submit_report(resident, street_light)
    client.force_login(dispatcher)
    link = f'{audit_url(appeal.city)}?number={appeal.number}"'
    assert link not in client.get(card_url(appeal)).content.decode()
    grant_role(actor=None, user=dispatcher, kind=RoleKind.CITY_ADMIN, city=appeal.city)
    assert link in client.get(card_url(appeal)).content.decode()


def test_the_city_admins_console_opens_on_the_onboarding_checklist(client, city_admin, city):
    client.force_login(city_admin)
    response = client.get(reverse("console:home"))
    assert response["Location"] == reverse("console:setup", kwargs={"slug": city.slug})
