"""The catalogue of categories through the API: what the console's category pages do, by
the same service, for the city's administrator only; appeals already filed keep what
they were filed with."""

import json

import pytest
from django.forms.models import model_to_dict

from mycity.accounts.models import RoleKind
from mycity.appeals.models import Appeal, Category
from mycity.core.models import SetupChange
from tests.appeal_fixtures import submit_report
from tests.conftest import bearer, person
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/cities/polotsk/staff/categories"


def body(**changes):
    return {
        "slug": "pothole",
        "name_ru": "Яма на дороге",
        "name_be": "Яма на дарозе",
        "name_en": "Pothole",
        "kind": "problem",
        "activity": "housing",
        "service_time_value": 5,
        "service_time_unit": "working_days",
        **changes,
    }


def send(client, method, url, data, **headers):
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **headers
    )


def fields(response):
    return {detail["field"] for detail in response.json()["details"]}


def as_sent(category_json, **changes):
    """A category as the API read it, to send back with a change."""
    keep = set(body()) | {
        "parent",
        "default_organisation",
        "is_public",
        "needs_moderation",
        "notice_ru",
        "notice_be",
        "notice_en",
        "icon",
        "display_order",
        "is_active",
        "extra_fields",
    }
    sent = {key: value for key, value in category_json.items() if key in keep}
    sent["extra_fields"] = [
        {k: v for k, v in field.items() if v is not None and k not in ("pattern", "max_length")}
        for field in sent["extra_fields"]
    ]
    return sent | changes


def test_the_administrator_adds_a_category_and_the_audit_has_it(client, city_admin, organisation):
    client.force_login(city_admin)
    response = send(
        client,
        "post",
        CATEGORIES,
        body(
            notice_ru="При аварии звоните 112",
            needs_moderation=True,
            extra_fields=[
                {
                    "name": "how_many",
                    "type": "choice",
                    "required": True,
                    "label": {"ru": "Сколько ям"},
                    "choices": [{"value": "one", "label": {"ru": "Одна", "en": "One"}}],
                }
            ],
        ),
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["slug"], created["parent"], created["depth"]) == ("pothole", None, 0)
    assert created["notice_ru"] == "При аварии звоните 112"
    assert created["needs_moderation"] is True and created["is_public"] is True
    [field] = created["extra_fields"]
    assert field["label"] == {"ru": "Сколько ям", "be": "Сколько ям", "en": "Сколько ям"}
    assert field["choices"] == [
        {"value": "one", "label": {"ru": "Одна", "be": "Одна", "en": "One"}}
    ]
    change = SetupChange.objects.get(action="category.saved", subject="pothole")
    assert change.before == {} and change.after["name_ru"] == "Яма на дороге"


def test_the_list_is_in_the_trees_order_with_synonyms_and_retired_ones(
    client, city_admin, city, organisation
):
    roads = CategoryFactory(city=city, slug="roads", display_order=20, synonyms="")
    pothole = CategoryFactory(
        city=city, slug="pothole", parent=roads, synonyms="яма, выбоина", activity="housing"
    )
    CategoryFactory(city=city, slug="lamps", display_order=10, is_active=False)
    client.force_login(city_admin)
    listed = client.get(CATEGORIES).json()
    assert [(c["slug"], c["depth"]) for c in listed] == [
        ("lamps", 0),
        ("roads", 0),
        ("pothole", 1),
    ]
    assert listed[0]["is_active"] is False
    assert listed[2]["parent"] == "roads" and listed[2]["synonyms"] == ["яма", "выбоина"]
    assert client.get(f"{CATEGORIES}/pothole").json() == listed[2]
    assert pothole.pk == listed[2]["id"]


def test_a_change_records_before_and_after_and_retiring_is_a_change(
    client, city_admin, leaking_roof
):
    client.force_login(city_admin)
    url = f"{CATEGORIES}/{leaking_roof.slug}"
    response = send(
        client, "put", url, as_sent(client.get(url).json(), is_active=False, icon="roof")
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    change = SetupChange.objects.get(action="category.saved", subject=leaking_roof.slug)
    assert change.before == {"icon": leaking_roof.icon, "is_active": True}
    assert change.after == {"icon": "roof", "is_active": False}


def test_a_change_never_changes_appeals_already_filed(
    client, city_admin, resident, leaking_roof, lighting_service
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 2})
    filed = model_to_dict(Appeal.objects.get(pk=appeal.pk))
    client.force_login(city_admin)
    url = f"{CATEGORIES}/{leaking_roof.slug}"
    response = send(
        client,
        "put",
        url,
        as_sent(
            client.get(url).json(),
            name_ru="Протекает крыша",
            activity="lighting",
            default_organisation=lighting_service.slug,
            service_time_value=1,
            service_time_unit="hours",
            is_public=False,
            needs_moderation=True,
            extra_fields=[{"name": "floor", "type": "integer", "required": True, "min": 1}],
        ),
    )
    assert response.status_code == 200, response.content
    assert response.json()["default_organisation"] == "gorsvet"
    assert model_to_dict(Appeal.objects.get(pk=appeal.pk)) == filed


def test_the_kind_of_a_category_with_appeals_cannot_change(
    client, city_admin, resident, leaking_roof
):
    submit_report(resident, leaking_roof, extra={"entrance": 2})
    client.force_login(city_admin)
    url = f"{CATEGORIES}/{leaking_roof.slug}"
    response = send(client, "put", url, as_sent(client.get(url).json(), kind="e_appeal"))
    assert response.status_code == 400
    assert fields(response) == {"kind"}
    assert Category.objects.get(pk=leaking_roof.pk).kind == "problem"


def test_a_duplicate_slug_is_a_field_error_and_nothing_is_saved(client, city_admin, leaking_roof):
    client.force_login(city_admin)
    response = send(client, "post", CATEGORIES, body(slug=leaking_roof.slug))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert fields(response) == {"slug"}
    assert Category.objects.count() == 1
    assert not SetupChange.objects.filter(action="category.saved").exists()


def test_a_category_without_a_route_is_refused(client, city_admin, city):
    client.force_login(city_admin)
    response = send(client, "post", CATEGORIES, body(activity="roads"))
    assert response.status_code == 400
    assert fields(response) == {"default_organisation"}
    assert not Category.objects.exists()


def test_unknown_parents_and_executors_and_bad_fields_are_field_errors(
    client, city_admin, city, organisation, other_organisation, leaking_roof
):
    client.force_login(city_admin)
    inside = CategoryFactory(city=city, slug="inside", parent=leaking_roof)
    response = send(
        client,
        "post",
        CATEGORIES,
        body(parent=inside.slug, default_organisation=other_organisation.slug),
    )
    assert response.status_code == 400
    assert fields(response) == {"parent", "default_organisation"}
    twice = [{"name": "floor", "type": "text"}, {"name": "floor", "type": "integer"}]
    assert fields(send(client, "post", CATEGORIES, body(extra_fields=twice))) == {"extra_fields"}
    no_options = [{"name": "size", "type": "choice"}]
    refused = send(client, "post", CATEGORIES, body(extra_fields=no_options))
    assert fields(refused) == {"extra_fields"}
    schema = send(client, "post", CATEGORIES, body(slug="Big Hole", service_time_value=0))
    assert schema.status_code == 400
    assert fields(schema) == {"slug", "service_time_value"}
    assert Category.objects.count() == 2


def test_a_category_cannot_go_inside_itself(client, city_admin, leaking_roof):
    client.force_login(city_admin)
    url = f"{CATEGORIES}/{leaking_roof.slug}"
    response = send(client, "put", url, as_sent(client.get(url).json(), parent=leaking_roof.slug))
    assert response.status_code == 400
    assert fields(response) == {"parent"}


def test_the_administrator_of_another_city_and_a_dispatcher_get_a_404(
    client, city, other_city, dispatcher, leaking_roof
):
    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(CATEGORIES).status_code == 404
    assert client.get(f"{CATEGORIES}/{leaking_roof.slug}").status_code == 404
    assert send(client, "post", CATEGORIES, body()).status_code == 404
    client.force_login(dispatcher)
    url = f"{CATEGORIES}/{leaking_roof.slug}"
    assert send(client, "put", url, body(slug=leaking_roof.slug)).status_code == 404
    assert not SetupChange.objects.filter(action="category.saved").exists()


def test_the_platform_administrator_may_and_a_token_needs_the_staff_scope(
    client, city, platform_admin, city_admin, leaking_roof
):
    client.force_login(platform_admin)
    assert client.get(CATEGORIES).status_code == 200
    client.logout()
    assert client.get(CATEGORIES, **bearer(city_admin, city)).status_code == 200
    refused = client.get(CATEGORIES, **bearer(city_admin, city, "public"))
    assert refused.status_code == 403
    assert client.get(CATEGORIES).status_code == 401


def test_an_extra_field_named_twice_is_refused_in_the_requests_language(
    client, city_admin, organisation
):
    client.force_login(city_admin)
    twice = [{"name": "floor", "type": "text"}, {"name": "floor", "type": "integer"}]
    response = send(client, "post", CATEGORIES, body(extra_fields=twice), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == "extra_fields"
    assert "floor" in detail["message"]
    assert detail["message"] == "Два дополнительных поля названы floor."


def test_a_category_with_categories_inside_cannot_go_inside_another(
    client, city_admin, city, leaking_roof
):
    # The catalogue is two levels deep: its tree (the page's, the list's) shows no third.
    client.force_login(city_admin)
    outer = CategoryFactory(city=city, slug="outer")
    inside = CategoryFactory(city=city, slug="inside", parent=outer)
    url = f"{CATEGORIES}/{outer.slug}"
    response = send(client, "put", url, as_sent(client.get(url).json(), parent=leaking_roof.slug))
    assert response.status_code == 400, response.content
    assert fields(response) == {"parent"}
    outer.refresh_from_db()
    assert outer.parent is None
    assert inside.slug in [c["slug"] for c in client.get(CATEGORIES).json()]
