"""Saved views: the queue's filters kept under a name, listed above the tabs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.console import services
from mycity.console.errors import InvalidInput, TooMany
from mycity.console.models import SavedView
from tests.conftest import person

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def queue_url(city):
    return reverse("console:queue", kwargs={"slug": city.slug})


def save_url(city):
    return reverse("console:save_view", kwargs={"slug": city.slug})


def delete_url(view):
    return reverse("console:delete_view", kwargs={"slug": view.city.slug, "view_id": view.pk})


@pytest.fixture
def overdue_problems(dispatcher, city):
    return services.save_view(
        user=dispatcher, city=city, name="Просроченные", query="tab=work&band=overdue"
    )


def test_the_current_filters_are_saved_under_a_name(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.post(save_url(city), {"name": "В работе", "query": "tab=work&kind=problem"})
    view = SavedView.objects.get(user=dispatcher)
    assert (view.name, view.query) == ("В работе", "tab=work&kind=problem")
    assert response["Location"] == f"{queue_url(city)}?tab=work&kind=problem"


def test_with_htmx_the_filters_come_from_the_pages_address(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.post(
        save_url(city),
        {"name": "Газ", "query": "tab=new"},  # the page was rendered before the filters changed
        HTTP_HX_CURRENT_URL=f"http://testserver{queue_url(city)}?tab=new&category=gas",
        **HTMX,
    )
    assert SavedView.objects.get(user=dispatcher).query == "tab=new&category=gas"
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{queue_url(city)}?tab=new&category=gas"


def test_only_the_queues_filters_are_kept(dispatcher, city):
    view = services.save_view(
        user=dispatcher, city=city, name="Мусор", query="tab=work&evil=<script>&band=bogus&page=2"
    )
    assert view.query == "tab=work"


def test_saved_views_are_listed_as_links_above_the_tabs(client, dispatcher, city, overdue_problems):
    client.force_login(dispatcher)
    page = client.get(queue_url(city)).content.decode()
    link = '<a href="?tab=work&amp;band=overdue">Просроченные</a>'
    assert link in page
    assert page.index(link) < page.index('class="tabs"')


def test_saving_under_the_same_name_replaces_the_filters(dispatcher, city, overdue_problems):
    services.save_view(user=dispatcher, city=city, name="Просроченные", query="tab=new")
    assert list(SavedView.objects.values_list("name", "query")) == [("Просроченные", "tab=new")]


def test_a_view_without_a_name_is_refused(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.post(save_url(city), {"name": "  ", "query": "tab=work"})
    assert response["Location"] == f"{queue_url(city)}?tab=work"
    assert not SavedView.objects.exists()


def test_a_view_is_deleted(client, dispatcher, city, overdue_problems):
    client.force_login(dispatcher)
    response = client.post(delete_url(overdue_problems), {"query": "tab=new"})
    assert response["Location"] == f"{queue_url(city)}?tab=new"
    assert not SavedView.objects.exists()


def test_another_persons_view_is_404_to_delete(client, city, overdue_problems):
    colleague = person("d2@example.org", RoleKind.DISPATCHER, city=city)
    client.force_login(colleague)
    assert client.post(delete_url(overdue_problems)).status_code == 404
    assert SavedView.objects.filter(pk=overdue_problems.pk).exists()


def test_another_persons_views_are_not_listed(client, city, overdue_problems):
    colleague = person("d2@example.org", RoleKind.DISPATCHER, city=city)
    client.force_login(colleague)
    assert "Просроченные" not in client.get(queue_url(city)).content.decode()


def test_views_are_kept_per_city(client, dispatcher, other_city, overdue_problems):
    from mycity.accounts.services import grant_role

    grant_role(actor=None, user=dispatcher, kind=RoleKind.DISPATCHER, city=other_city)
    client.force_login(dispatcher)
    assert "Просроченные" not in client.get(queue_url(other_city)).content.decode()


def test_a_resident_cannot_save_views(client, resident, city):
    client.force_login(resident)
    assert client.post(save_url(city), {"name": "Моё", "query": ""}).status_code == 404
    assert not SavedView.objects.exists()


def test_a_name_too_long_is_refused(dispatcher, city):
    with pytest.raises(InvalidInput):
        services.save_view(user=dispatcher, city=city, name="x" * 101, query="")


def test_a_person_keeps_a_bounded_number_of_views_per_city(monkeypatch, dispatcher, city):
    monkeypatch.setattr(services, "MAX_VIEWS_PER_CITY", 2)
    services.save_view(user=dispatcher, city=city, name="1", query="")
    services.save_view(user=dispatcher, city=city, name="2", query="")
    with pytest.raises(TooMany):
        services.save_view(user=dispatcher, city=city, name="3", query="")


def test_the_queue_costs_the_same_with_1_and_10_saved_views(client, dispatcher, city):
    client.force_login(dispatcher)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(queue_url(city)).status_code == 200
        return len(captured)

    services.save_view(user=dispatcher, city=city, name="0", query="tab=new")
    one = queries()
    for n in range(1, 10):
        services.save_view(user=dispatcher, city=city, name=str(n), query="tab=work")
    assert queries() == one
