"""The staff console: who gets in, the queue, the card and its actions."""

import pytest
from django.urls import reverse

from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def queue_url(city):
    return reverse("console:queue", kwargs={"slug": city.slug})


def card_url(appeal):
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def act_url(appeal):
    return reverse("console:act", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def test_the_console_asks_for_sign_in(client, city):
    response = client.get(queue_url(city))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_resident_has_no_console(client, resident, city):
    client.force_login(resident)
    assert client.get(queue_url(city)).status_code == 404
    assert client.get(reverse("console:home")).status_code == 404


def test_the_console_home_opens_the_persons_city(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.get(reverse("console:home"))
    assert response["Location"] == queue_url(city)


def test_a_dispatcher_sees_new_appeals_with_counts(client, dispatcher, resident, city):
    from tests.factories import CategoryFactory

    unrouted = submit_report(resident, CategoryFactory(city=city, slug="gas", activity="gas"))
    client.force_login(dispatcher)
    page = client.get(queue_url(city)).content.decode()
    assert unrouted.number in page
    assert 'aria-current="page">Новые <span class="count">1</span>' in page


def test_a_dispatcher_of_another_city_gets_404(client, other_city, resident, street_light):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    appeal = submit_report(resident, street_light)
    stranger = person("d@orsha.example.org", RoleKind.DISPATCHER, city=other_city)
    client.force_login(stranger)
    assert client.get(queue_url(appeal.city)).status_code == 404
    assert client.get(card_url(appeal)).status_code == 404


def test_an_executor_gets_404_for_another_organisations_appeal(
    client, executor, resident, street_light, leaking_roof
):
    theirs = submit_report(resident, street_light)  # the lighting service's
    ours = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    assert client.get(card_url(theirs)).status_code == 404
    page = client.get(card_url(ours)).content.decode()
    assert resident.email in page  # the applicant's details, for the handling executor
    queue = client.get(queue_url(ours.city), {"tab": "work"}).content.decode()
    assert ours.number in queue and theirs.number not in queue


def test_the_dispatcher_routes_an_appeal_in_place(client, dispatcher, resident, city):
    from tests.factories import CategoryFactory, OrganisationFactory

    gas = OrganisationFactory(city=city, slug="gorgaz", activities=["gas"])
    appeal = submit_report(resident, CategoryFactory(city=city, slug="gas", activity="gas"))
    client.force_login(dispatcher)
    response = client.post(
        act_url(appeal),
        {"action": "assign", "organisation": "gorgaz", "expected_version": appeal.version},
        **HTMX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('\n<article id="card"') or 'id="card"' in fragment[:200]
    assert "<html" not in fragment
    assert Appeal.objects.get(pk=appeal.pk).organisation == gas


def test_without_htmx_an_action_redirects_back_to_the_card(client, dispatcher, resident, city):
    from tests.factories import CategoryFactory

    appeal = submit_report(resident, CategoryFactory(city=city, slug="gas", activity="gas"))
    client.force_login(dispatcher)
    response = client.post(act_url(appeal), {"action": "reject", "note": "Не к нам"})
    assert response["Location"] == card_url(appeal)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.REJECTED


def test_a_rejection_without_reason_shows_the_error_and_changes_nothing(
    client, dispatcher, resident, street_light
):
    appeal = submit_report(resident, street_light)
    client.force_login(dispatcher)
    response = client.post(act_url(appeal), {"action": "reject", "note": ""}, **HTMX)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


def test_a_forged_action_is_refused_and_changes_nothing(client, dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light)
    client.force_login(dispatcher)
    response = client.post(act_url(appeal), {"action": "close"}, **HTMX)
    assert response.status_code == 409
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


def test_a_stale_card_loses_to_a_newer_action(client, executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    seen = appeal.version
    client.force_login(executor)
    client.post(act_url(appeal), {"action": "start", "expected_version": seen}, **HTMX)
    response = client.post(
        act_url(appeal), {"action": "return", "note": "не наше", "expected_version": seen}, **HTMX
    )
    assert response.status_code == 409
    assert Appeal.objects.get(pk=appeal.pk).status == Status.IN_PROGRESS


def test_the_executor_answers_with_safe_markup(client, executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    client.post(act_url(appeal), {"action": "start"}, **HTMX)
    response = client.post(
        act_url(appeal),
        {"action": "answer", "text": "<p>Кровля <b>отремонтирована</b></p><script>x()</script>"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "<b>отремонтирована</b>" in response.content.decode()
    assert "<script>x()" not in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ANSWERED


def test_the_queue_costs_the_same_for_10_and_100_rows(
    client, dispatcher, resident, street_light, settings, monkeypatch
):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(queue_url(street_light.city), {"tab": "work"}).status_code == 200
        return len(captured)

    from mycity.console import views

    monkeypatch.setattr(views, "QUEUE_PAGE", 100)
    client.force_login(dispatcher)
    for _ in range(10):
        submit_report(resident, street_light)
    ten = queries_for_queue()
    for _ in range(90):
        submit_report(resident, street_light)
    response = client.get(queue_url(street_light.city), {"tab": "work"})
    assert response.content.decode().count('<tr class="state-') == 100
    assert queries_for_queue() == ten


def test_the_demo_sign_in_is_absent_outside_the_demo(client, settings, db):
    settings.MYCITY_DEMO_SIGNIN = False
    assert client.get(reverse("console:demo")).status_code == 404


def test_the_demo_signs_in_as_the_dispatcher_in_one_click(client, settings, city):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    settings.MYCITY_DEMO_SIGNIN = True
    person("dispatcher@polotsk.example", RoleKind.DISPATCHER, city=city)
    response = client.post(reverse("console:demo"), {"as": "dispatcher"})
    assert response["Location"] == reverse("console:home")
    assert client.get(queue_url(city)).status_code == 200
    assert client.post(reverse("console:demo"), {"as": "mayor"}).status_code == 400


def test_the_queue_sorts_by_the_nearest_deadline(client, dispatcher, resident, street_light):
    from datetime import timedelta

    from django.utils import timezone

    sooner = submit_report(resident, street_light)
    later = submit_report(resident, street_light)  # the newer one, first by default
    Appeal.objects.filter(pk=later.pk).update(deadline=timezone.now() + timedelta(days=5))
    Appeal.objects.filter(pk=sooner.pk).update(deadline=timezone.now() + timedelta(days=1))
    client.force_login(dispatcher)
    page = client.get(queue_url(street_light.city), {"tab": "work", "sort": "deadline"})
    html = page.content.decode()
    assert html.index(sooner.number) < html.index(later.number)
    html = client.get(queue_url(street_light.city), {"tab": "work"}).content.decode()
    assert html.index(later.number) < html.index(sooner.number)


def test_the_card_maps_the_appeal_and_open_reports_nearby(
    client, dispatcher, resident, street_light
):
    neighbour = submit_report(resident, street_light)
    appeal = submit_report(resident, street_light)
    client.force_login(dispatcher)
    response = client.get(card_url(appeal))
    drawn = response.context["card_map"]
    assert [(p["label"].split(" ")[0], p.get("main", False)) for p in drawn["points"]] == [
        (appeal.number, True),
        (neighbour.number, False),
    ]
    assert drawn["points"][1]["url"] == card_url(neighbour)
    assert f'data-map="card-map-{appeal.pk}"' in response.content.decode()
    # The page may load the tiles, and images from nowhere else.
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in policy


def test_an_e_appeal_has_no_map(client, dispatcher, resident, city, housing_question):
    from tests.appeal_fixtures import e_appeal_draft

    appeal = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    client.force_login(dispatcher)
    response = client.get(card_url(appeal))
    assert response.status_code == 200
    assert response.context["card_map"] is None
    assert "data-map=" not in response.content.decode()


@pytest.mark.parametrize("few_rows", [0, 5000], ids=["walk", "ids-first"])
def test_a_working_tab_lists_its_appeals_newest_first_either_way(
    client, dispatcher, resident, street_light, monkeypatch, few_rows
):
    from mycity.appeals import selectors

    monkeypatch.setattr(selectors, "FEW_ROWS", few_rows)
    made = [submit_report(resident, street_light) for _ in range(3)]
    Appeal.objects.filter(pk=made[1].pk).update(status=Status.CLOSED)
    client.force_login(dispatcher)
    page = client.get(queue_url(street_light.city), {"tab": "work"}).content.decode()
    assert page.index(made[2].number) < page.index(made[0].number)
    assert made[1].number not in page


def test_the_finished_tab_is_not_counted(client, dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light)
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.CLOSED)
    client.force_login(dispatcher)
    response = client.get(queue_url(street_light.city), {"tab": "closed"})
    finished = dict((key, count) for key, _label, count in response.context["tabs"])
    assert finished == {"new": 0, "work": 0, "answered": 0, "closed": None}
    assert appeal.number in response.content.decode()
