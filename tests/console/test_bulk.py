"""The dispatcher's bulk actions in the queue: accept or route several appeals, each
through the same service and checks, each in its own transaction."""

import pytest
from django.urls import reverse

from mycity.appeals import staff_notices
from mycity.appeals.actions.moves import assign_appeal, reject_appeal
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import Appeal, AppealEvent, Status
from mycity.console.services import BULK_ACCEPT, bulk_act
from mycity.notify.models import Notification
from tests.appeal_fixtures import submit_report
from tests.factories import CategoryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def bulk_url(city):
    return reverse("console:bulk", kwargs={"slug": city.slug})


def queue_url(city):
    return reverse("console:queue", kwargs={"slug": city.slug})


def ticked(*appeals):
    return [f"{a.pk}:{a.version}" for a in appeals]


@pytest.fixture(autouse=True)
def _enough_submissions(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    # The reasons come from the appeals' error messages, already translated into Russian.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def gas_service(city):
    return OrganisationFactory(city=city, slug="gorgaz", activities=["gas"])


@pytest.fixture
def unrouted(resident, city):
    """Two accepted reports no organisation's activity covers."""
    category = CategoryFactory(city=city, slug="gas", activity="gas-leak")
    return [submit_report(resident, category) for _ in range(2)]


@pytest.fixture
def waiting(resident, noisy_neighbours):
    """Two reports waiting in moderation."""
    return [submit_report(resident, noisy_neighbours) for _ in range(2)]


def status_of(appeal):
    return Appeal.objects.get(pk=appeal.pk).status


def test_a_dispatcher_accepts_several_appeals_at_once(client, dispatcher, city, waiting):
    client.force_login(dispatcher)
    response = client.post(bulk_url(city), {"action": "accept", "appeals": ticked(*waiting)})
    assert response.status_code == 200
    assert [status_of(a) for a in waiting] == [Status.ACCEPTED, Status.ACCEPTED]


def test_a_dispatcher_routes_several_appeals_to_an_organisation(
    client, dispatcher, city, unrouted, gas_service
):
    client.force_login(dispatcher)
    client.post(
        bulk_url(city),
        {"action": "assign", "organisation": "gorgaz", "appeals": ticked(*unrouted)},
    )
    for appeal in unrouted:
        fresh = Appeal.objects.get(pk=appeal.pk)
        assert (fresh.status, fresh.organisation) == (Status.ASSIGNED, gas_service)


def test_each_appeal_is_reported_done_or_refused_with_the_reason(
    client, dispatcher, city, unrouted, gas_service
):
    finished, open_one = unrouted
    reject_appeal(actor=dispatcher, appeal=finished, note="Не к нам")
    client.force_login(dispatcher)
    response = client.post(
        bulk_url(city),
        {"action": "assign", "organisation": "gorgaz", "appeals": ticked(finished, open_one)},
    )
    outcomes = {o.number: o for o in response.context["outcomes"]}
    assert outcomes[open_one.number].done
    assert not outcomes[finished.number].done
    assert "not possible" in outcomes[finished.number].reason
    assert "not possible" in response.content.decode()
    assert status_of(finished) == Status.REJECTED


def test_an_appeal_changed_since_the_queue_was_loaded_is_refused_and_left_alone(
    client, dispatcher, city, unrouted, gas_service, lighting_service
):
    seen = ticked(*unrouted)
    assign_appeal(actor=dispatcher, appeal=unrouted[0], organisation=lighting_service)
    client.force_login(dispatcher)
    response = client.post(
        bulk_url(city), {"action": "assign", "organisation": "gorgaz", "appeals": seen}
    )
    outcome = response.context["outcomes"][0]
    assert not outcome.done
    assert "changed this appeal" in outcome.reason
    assert Appeal.objects.get(pk=unrouted[0].pk).organisation == lighting_service


def test_a_failure_midway_through_one_appeal_leaves_all_of_it_unchanged(
    monkeypatch, dispatcher, resident, city, organisation, noisy_neighbours
):
    # Approving this one also routes it (housing): two moves, then the executors' notice.
    routed = submit_report(
        resident,
        CategoryFactory(city=city, slug="roof-noise", activity="housing", needs_moderation=True),
    )
    plain = submit_report(resident, noisy_neighbours)  # approved, routed nowhere

    def broken(appeal, **kwargs):
        raise InvalidAppeal("the outbox is broken")

    monkeypatch.setattr(staff_notices, "notify_assignment", broken)
    events_before = AppealEvent.objects.filter(appeal=routed).count()
    outcomes = bulk_act(
        actor=dispatcher,
        city=city,
        action=BULK_ACCEPT,
        selected=[(routed.pk, routed.version), (plain.pk, plain.version)],
    )
    assert [(o.done, o.reason) for o in outcomes] == [(False, "the outbox is broken"), (True, "")]
    fresh = Appeal.objects.get(pk=routed.pk)
    assert (fresh.status, fresh.organisation_id, fresh.version) == (
        Status.MODERATION,
        None,
        routed.version,
    )
    assert AppealEvent.objects.filter(appeal=routed).count() == events_before
    assert status_of(plain) == Status.ACCEPTED


def test_an_appeal_of_another_city_is_refused_as_not_found(
    client, dispatcher, city, other_city, resident, unrouted, gas_service
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    theirs = submit_report(
        person("r@orsha.example.org", RoleKind.RESIDENT, city=other_city),
        CategoryFactory(city=other_city, slug="gas", activity="gas-leak", needs_moderation=True),
        lat=54.5153,
        lon=30.4053,
    )
    client.force_login(dispatcher)
    response = client.post(bulk_url(city), {"action": "accept", "appeals": ticked(theirs)})
    [outcome] = response.context["outcomes"]
    assert not outcome.done
    assert outcome.reason == "There is no such appeal."
    assert status_of(theirs) == Status.MODERATION


def test_an_executor_has_no_bulk_actions(client, executor, city, waiting):
    client.force_login(executor)
    response = client.post(bulk_url(city), {"action": "accept", "appeals": ticked(*waiting)})
    assert response.status_code == 404
    assert [status_of(a) for a in waiting] == [Status.MODERATION, Status.MODERATION]


def test_only_dispatchers_see_the_checkboxes(
    client, dispatcher, executor, city, leaking_roof, resident
):
    submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    page = client.get(queue_url(city), {"tab": "work"}).content.decode()
    assert 'form="bulk-form"' not in page and 'id="bulk-form"' not in page
    client.force_login(dispatcher)
    page = client.get(queue_url(city), {"tab": "work"}).content.decode()
    assert 'form="bulk-form"' in page and 'id="bulk-form"' in page


def test_routing_without_an_organisation_is_refused(client, dispatcher, city, unrouted):
    client.force_login(dispatcher)
    response = client.post(
        bulk_url(city), {"action": "assign", "organisation": "", "appeals": ticked(*unrouted)}
    )
    assert response.status_code == 400
    assert "Choose the organisation." in response.content.decode()
    assert [status_of(a) for a in unrouted] == [Status.ACCEPTED, Status.ACCEPTED]


def test_routing_to_an_organisation_of_another_city_is_refused(
    client, dispatcher, city, unrouted, other_organisation
):
    client.force_login(dispatcher)
    response = client.post(
        bulk_url(city),
        {"action": "assign", "organisation": other_organisation.slug, "appeals": ticked(*unrouted)},
    )
    assert response.status_code == 400
    assert [status_of(a) for a in unrouted] == [Status.ACCEPTED, Status.ACCEPTED]


def test_nothing_selected_is_refused(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.post(bulk_url(city), {"action": "accept"})
    assert response.status_code == 400
    assert "Select at least one appeal." in response.content.decode()


def test_with_htmx_the_report_is_a_fragment_that_refreshes_the_rows(
    client, dispatcher, city, waiting
):
    client.force_login(dispatcher)
    response = client.post(
        bulk_url(city),
        {"action": "accept", "appeals": ticked(*waiting)},
        HTTP_HX_CURRENT_URL=f"http://testserver{queue_url(city)}?tab=new&kind=problem&evil=1",
        **HTMX,
    )
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'hx-get="{queue_url(city)}?tab=new&amp;kind=problem"' in fragment


def test_routing_in_bulk_notifies_the_organisations_executors(
    client, dispatcher, city, unrouted, gas_service
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    gas_executor = person("gas@example.org", RoleKind.EXECUTOR, organisation=gas_service)
    client.force_login(dispatcher)
    client.post(
        bulk_url(city),
        {"action": "assign", "organisation": "gorgaz", "appeals": ticked(*unrouted)},
    )
    assert Notification.objects.filter(recipient=gas_executor, topic="appeal.assigned").count() == 2
