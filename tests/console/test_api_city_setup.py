"""The city administrator's API on the city's own setup: settings, terms, the notice's
operator, copying a setup, the checklist and going live. The same services as the
console's pages, so each change is refused, saved and audited as there."""

import json

import pytest
from django.urls import reverse

from mycity.accounts.models import Role, RoleKind
from mycity.appeals.models import AppealPolicy, Category
from mycity.cities.models import City, Organisation
from mycity.cities.services import upsert_city
from mycity.core.models import SetupChange
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.setup.city_settings import save_district
from mycity.setup.copy import export_setup
from tests.conftest import bearer, person
from tests.factories import BuildingFactory, CategoryFactory, square

pytestmark = pytest.mark.django_db

LAT, LON = 55.4856, 28.7683
API = "/api/v1/cities"


def call(client, method, path, body=None, **headers):
    send = getattr(client, method)
    if body is None:
        return send(path, **headers)
    return send(path, json.dumps(body), content_type="application/json", **headers)


def changes():
    """The audit rows of the setup (the fixtures' own grants of roles aside)."""
    return SetupChange.objects.exclude(action__startswith="role.")


def fields(response):
    return {d["field"] for d in response.json()["details"]}


@pytest.fixture
def signed_in(client, city_admin):
    client.force_login(city_admin)
    return client


# The city's settings.


def test_the_administrator_reads_and_changes_the_settings_with_an_audit_row(signed_in, city):
    before = call(signed_in, "get", f"{API}/polotsk/setup/settings").json()
    assert (before["name_en"], before["timezone"]) == ("Polotsk", city.timezone)
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/settings",
        {"name_en": "Polatsk", "registration_format": "{org}/{year}-{seq:04}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["registration_format"] == "{org}/{year}-{seq:04}"
    city.refresh_from_db()
    assert city.name_en == "Polatsk"
    change = SetupChange.objects.get(action="city.saved")
    assert change.before == {"name_en": "Polotsk", "registration_format": "{org}-{seq}/{yy}"}


def test_a_format_without_a_sequence_is_a_400_on_its_field_and_nothing_is_saved(signed_in, city):
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/settings",
        {"name_en": "Polatsk", "registration_format": "{org}/{year}"},
    )
    assert response.status_code == 400
    assert fields(response) == {"registration_format"}
    city.refresh_from_db()
    assert (city.name_en, city.registration_format) == ("Polotsk", "{org}-{seq}/{yy}")
    assert not changes().exists()


def test_a_boundary_that_leaves_out_registered_addresses_is_refused(signed_in, city):
    BuildingFactory(city=city, lat=LAT + 0.04, lon=LON + 0.04)
    response = call(
        signed_in, "patch", f"{API}/polotsk/setup/settings", {"boundary": square(LAT, LON, 0.02)}
    )
    assert response.status_code == 400
    assert fields(response) == {"boundary"}
    city.refresh_from_db()
    assert city.max_lat == pytest.approx(LAT + 0.05)


def test_a_boundary_given_as_a_feature_is_saved_with_its_box(signed_in, city):
    feature = {"type": "Feature", "properties": {}, "geometry": square(LAT, LON, 0.03)}
    response = call(signed_in, "patch", f"{API}/polotsk/setup/settings", {"boundary": feature})
    assert response.status_code == 200, response.content
    assert response.json()["boundary"]["type"] == "Polygon"
    city.refresh_from_db()
    assert city.max_lat == pytest.approx(LAT + 0.03)


@pytest.mark.parametrize(
    "boundary",
    [
        {},
        {"type": "Point", "coordinates": [LON, LAT]},
        {"type": "Polygon", "coordinates": "x"},
        {"type": "Polygon", "coordinates": [[[None, 1]]]},
        {"type": "Polygon", "coordinates": [[["a", "b"], [1, 0], [1, 1], ["a", "b"]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 1], [1, 0], [0, 0]]]},
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [400, 0], [400, 1], [0, 0]]]]},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]},
    ],
)
def test_geojson_that_is_not_a_valid_area_is_a_400_never_a_500(signed_in, city, boundary):
    response = call(signed_in, "patch", f"{API}/polotsk/setup/settings", {"boundary": boundary})
    assert response.status_code == 400
    assert fields(response) == {"boundary"}


def test_a_folder_of_the_time_zone_database_is_no_time_zone(signed_in, city):
    response = call(signed_in, "patch", f"{API}/polotsk/setup/settings", {"timezone": "Europe"})
    assert response.status_code == 400
    assert fields(response) == {"timezone"}


def test_the_registration_number_preview(signed_in, city):
    url = f"{API}/polotsk/setup/registration-preview"
    good = call(signed_in, "get", url + "?registration_format={org}-{seq:05}").json()
    assert (good["valid"], good["number"], good["problem"]) == (True, "zhes-1-00042", "")
    bad = call(signed_in, "get", url + "?registration_format={org}").json()
    assert bad["valid"] is False and bad["number"] == "" and "{seq}" in bad["problem"]
    # A width of thousands would make every number that long.
    wide = call(signed_in, "get", url + "?registration_format={seq:99999999}").json()
    assert wide["valid"] is False


# The terms and the committee's contacts.


def test_the_terms_are_read_and_changed_with_an_audit_row(signed_in, city):
    assert call(signed_in, "get", f"{API}/polotsk/setup/terms").json()[
        "disagreement_window_days"
    ] == (10)
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/terms",
        {"disagreement_window_days": 15, "committee_phone": "+375 214 00-00-00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["disagreement_window_days"] == 15
    assert AppealPolicy.objects.get(city=city).disagreement_window_days == 15
    change = SetupChange.objects.get(action="city.terms_saved")
    assert change.after == {"disagreement_window_days": 15, "committee_phone": "+375 214 00-00-00"}


def test_bad_terms_are_refused_whole(signed_in, city):
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/terms",
        {"disagreement_window_days": 20, "committee_email": "not an e-mail"},
    )
    assert response.status_code == 400
    assert fields(response) == {"committee_email"}
    assert not AppealPolicy.objects.filter(city=city).exists()
    out_of_range = call(
        signed_in, "patch", f"{API}/polotsk/setup/terms", {"disagreement_window_days": 91}
    )
    assert out_of_range.status_code == 400
    assert fields(out_of_range) == {"disagreement_window_days"}


# The operator of the personal-data notice.


def test_each_change_of_the_operator_answers_a_new_notice_version(signed_in, city):
    url = f"{API}/polotsk/setup/operator"
    assert call(signed_in, "get", url).json()["notice_version"] is None
    details = {"name_ru": "Полоцкий райисполком", "postal_address": "пл. Свободы, 1"}
    first = call(signed_in, "patch", url, details)
    assert first.status_code == 200, first.content
    assert first.json()["published"] is True
    version = first.json()["notice_version"]
    assert PrivacyNotice.objects.get(city=city).version == version
    again = call(signed_in, "patch", url, details).json()
    assert (again["published"], again["notice_version"]) == (False, version)
    changed = call(
        signed_in,
        "patch",
        url,
        {"processors": [{"name": "ООО «Хостинг»", "purpose": "хранение"}]},
    ).json()
    assert changed["published"] is True and changed["notice_version"] != version
    assert PrivacyNotice.objects.filter(city=city).count() == 2
    audit = SetupChange.objects.filter(action="operator.saved").order_by("pk").last()
    assert audit.subject == changed["notice_version"]


def test_an_operator_without_a_postal_address_is_refused_and_nothing_published(signed_in, city):
    response = call(signed_in, "patch", f"{API}/polotsk/setup/operator", {"name_ru": "Райисполком"})
    assert response.status_code == 400
    assert fields(response) == {"postal_address"}
    assert not PrivacyNotice.objects.exists() and not Operator.objects.exists()


def test_a_purpose_without_its_ground_is_refused(signed_in, city):
    purpose = {
        "purpose": {"ru": "Рассмотрение обращений"},
        "categories": {"ru": "ФИО, адрес"},
        "retention": {"ru": "5 лет"},
        "ground": {"ru": ""},
    }
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/operator",
        {"name_ru": "Райисполком", "postal_address": "пл. 1", "purposes": [purpose]},
    )
    assert response.status_code == 400
    assert fields(response) == {"purposes"}


# Copying a setup.


@pytest.fixture
def catalogue(city, street_light, leaking_roof):
    """Polotsk's catalogue: a top level with the two categories under it."""
    top = CategoryFactory(city=city, slug="housing-and-streets", activity="general")
    Category.objects.filter(pk__in=[street_light.pk, leaking_roof.pk]).update(parent=top)
    return city


@pytest.fixture
def orsha_admin(other_city):
    return person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)


def test_the_export_is_the_consoles_document(signed_in, catalogue):
    response = call(signed_in, "get", f"{API}/polotsk/setup/export")
    assert response.status_code == 200
    page = signed_in.get(reverse("console:export_setup", kwargs={"slug": "polotsk"}))
    assert response.json() == page.json()
    assert response.json()["format"] == "mycity-city-setup"


def test_an_exported_document_is_imported_into_another_city(client, catalogue, orsha_admin):
    document = json.loads(json.dumps(export_setup(catalogue)))
    client.force_login(orsha_admin)
    response = call(client, "post", f"{API}/orsha/setup/import", document)
    assert response.status_code == 200, response.content
    assert set(response.json()["categories_created"]) == {
        "housing-and-streets",
        "street-light-out",
        "roof-leak",
    }
    light = Category.objects.get(city__slug="orsha", slug="street-light-out")
    assert light.parent.slug == "housing-and-streets"
    assert light.default_organisation.city.slug == "orsha"
    assert SetupChange.objects.filter(city__slug="orsha", action="category.saved").count() == 3
    again = call(client, "post", f"{API}/orsha/setup/import", document).json()
    assert again["categories_created"] == [] and len(again["categories_updated"]) == 3


def test_a_bad_item_imports_nothing_and_names_the_item(client, catalogue, orsha_admin):
    document = json.loads(json.dumps(export_setup(catalogue)))
    document["categories"][-1]["extra_fields"] = [{"name": "Bad Name", "type": "text"}]
    client.force_login(orsha_admin)
    response = call(client, "post", f"{API}/orsha/setup/import", document)
    assert response.status_code == 400
    assert any(f.startswith("categories[") for f in fields(response))
    assert not Category.objects.filter(city__slug="orsha").exists()
    assert not Organisation.objects.filter(city__slug="orsha", slug="gorsvet").exists()
    assert not changes().filter(city__slug="orsha").exists()


def test_something_else_than_an_export_is_a_400(client, orsha_admin, other_city):
    client.force_login(orsha_admin)
    response = call(client, "post", f"{API}/orsha/setup/import", {"format": "gtfs", "version": 1})
    assert response.status_code == 400
    assert fields(response) == {"format"}


def test_copying_straight_from_another_city(client, catalogue, orsha_admin):
    client.force_login(orsha_admin)
    response = call(client, "post", f"{API}/orsha/setup/copy", {"source": "polotsk"})
    assert response.status_code == 200, response.content
    assert Category.objects.filter(city__slug="orsha").count() == 3
    for source in ("orsha", "nowhere"):
        refused = call(client, "post", f"{API}/orsha/setup/copy", {"source": source})
        assert refused.status_code == 400
        assert fields(refused) == {"source"}


# The checklist and going live.


def test_the_checklist_lists_each_item_with_its_page(signed_in, city):
    body = call(signed_in, "get", f"{API}/polotsk/setup/checklist").json()
    assert body["ready"] is False and body["live_since"] is None
    items = {item["key"]: item for item in body["items"]}
    assert items["boundary"]["done"] is True
    assert items["districts"]["done"] is False
    assert items["districts"]["page"].endswith(
        reverse("console:districts", kwargs={"slug": "polotsk"})
    )


def test_going_live_is_a_409_listing_what_is_missing(signed_in, city):
    response = call(signed_in, "post", f"{API}/polotsk/setup/live")
    assert response.status_code == 409
    assert response.json()["code"] == "city_not_ready"
    assert fields(response) == {
        "districts",
        "categories",
        "coverage",
        "notice",
        "reception",
        "staff",
    }
    city.refresh_from_db()
    assert city.live_since is None
    assert not SetupChange.objects.filter(action="city.went_live").exists()


@pytest.mark.parametrize("path", ["settings", "terms", "operator"])
@pytest.mark.parametrize("body", ["null", "[]", "3"])
def test_a_change_that_is_not_an_object_is_a_400(signed_in, city, path, body):
    url = f"{API}/polotsk/setup/{path}"
    assert signed_in.patch(url, body, content_type="application/json").status_code == 400
    assert not changes().exists()


# Who may.

OPERATIONS = [
    ("get", "settings", None),
    ("patch", "settings", {"name_en": "Polatsk"}),
    ("get", "registration-preview?registration_format={seq}", None),
    ("get", "terms", None),
    ("patch", "terms", {"disagreement_window_days": 12}),
    ("get", "operator", None),
    ("patch", "operator", {"name_ru": "Райисполком", "postal_address": "пл. 1"}),
    ("get", "export", None),
    ("post", "import", {"format": "mycity-city-setup", "version": 1}),
    ("post", "copy", {"source": "orsha"}),
    ("get", "checklist", None),
    ("post", "live", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_an_administrator_of_another_city_gets_a_404(client, city, orsha_admin, method, path, body):
    client.force_login(orsha_admin)
    response = call(client, method, f"{API}/polotsk/setup/{path}", body)
    assert response.status_code == 404
    city.refresh_from_db()
    assert city.name_en == "Polotsk"
    assert not changes().exists()


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_a_dispatcher_gets_a_404_and_nobody_signed_in_a_401(
    client, city, dispatcher, method, path, body
):
    assert call(client, method, f"{API}/polotsk/setup/{path}", body).status_code == 401
    client.force_login(dispatcher)
    assert call(client, method, f"{API}/polotsk/setup/{path}", body).status_code == 404


def test_a_staff_token_works_and_a_public_one_is_refused(client, city, city_admin):
    url = f"{API}/polotsk/setup/terms"
    assert call(client, "get", url, **bearer(city_admin, city)).status_code == 200
    refused = call(client, "get", url, **bearer(city_admin, city, "public"))
    assert refused.status_code == 403


# A new city sets itself up through the API only.

NOVOPOLOTSK = (55.5319, 28.5987)


def test_a_new_city_sets_itself_up_and_goes_live_through_the_api(client, catalogue, platform_admin):
    lat, lon = NOVOPOLOTSK
    city = upsert_city(
        slug="novopolotsk",
        names={"ru": "Новополоцк", "be": "Наваполацк", "en": "Navapolatsk"},
        region="vitebsk",
        population=100000,
        centre=NOVOPOLOTSK,
        boundary=square(lat, lon, 0.05),
    )
    admin = person("admin@novopolotsk.example", RoleKind.CITY_ADMIN, city=city)
    auth = bearer(admin, city)
    base = f"{API}/novopolotsk/setup"

    def send(method, path, body=None):
        response = call(client, method, base + path, body, **auth)
        assert response.status_code < 300, (path, response.content)
        return response.json()

    send("patch", "/settings", {"name_en": "Novopolotsk", "registration_format": "{seq:05}/{yy}"})
    send("patch", "/terms", {"disagreement_window_days": 14, "committee_phone": "+375 214 1"})
    notice = send(
        "patch",
        "/operator",
        {"name_ru": "Новополоцкий горисполком", "postal_address": "ул. Молодёжная, 1"},
    )
    assert notice["published"] is True
    copied = send("post", "/copy", {"source": "polotsk"})
    assert "street-light-out" in copied["categories_created"]

    missing = {i["key"] for i in send("get", "/checklist")["items"] if not i["done"]}
    assert missing == {"districts", "reception", "staff"}
    refused = call(client, "post", base + "/live", **auth)
    assert refused.status_code == 409
    assert fields(refused) == missing

    # What remains, through the services and endpoints that already do it.
    save_district(
        actor=admin,
        city=city,
        district=None,
        values={"slug": "centre", "name_ru": "Центр", "boundary": square(lat, lon, 0.02)},
    )
    for email, kind, organisation in (
        ("dispatcher@novopolotsk.example", "dispatcher", None),
        ("electrician@novopolotsk.example", "executor", "gorsvet"),
        ("roofer@novopolotsk.example", "executor", "zhes-1"),
    ):
        invited = call(
            client,
            "post",
            f"{API}/novopolotsk/staff/invitations",
            {"email": email, "full_name": "Сотрудник", "kind": kind, "organisation": organisation},
            **auth,
        )
        assert invited.status_code == 201, invited.content
    official = call(
        client,
        "post",
        f"{API}/novopolotsk/reception/officials",
        {"organisation": "gorsvet", "full_name": "Ковалёв А. П.", "position": "Начальник"},
        **auth,
    )
    assert official.status_code == 201, official.content
    rule = call(
        client,
        "post",
        f"{API}/novopolotsk/reception/officials/{official.json()['id']}/rules",
        {
            "repeat": "weekly",
            "weekday": 1,
            "starts_at": "10:00",
            "ends_at": "13:00",
            "place": "ул. Молодёжная, 1, каб. 5",
        },
        **auth,
    )
    assert rule.status_code == 201, rule.content

    assert send("get", "/checklist")["ready"] is True
    live = send("post", "/live")
    city.refresh_from_db()
    assert city.live_since is not None and live["live_since"]
    assert Role.objects.filter(city=city, kind=RoleKind.EXECUTOR).count() == 2
    assert City.objects.get(slug="novopolotsk").registration_format == "{seq:05}/{yy}"
    assert set(SetupChange.objects.filter(city=city).values_list("action", flat=True)) >= {
        "city.saved",
        "city.terms_saved",
        "operator.saved",
        "category.saved",
        "city.went_live",
    }


@pytest.mark.parametrize(
    "registration_format",
    ["{seq:60}", "Исполнительный комитет, входящие № {seq}/{yy}"],
    ids=["wide-padding", "long-words"],
)
def test_a_format_whose_numbers_outgrow_the_appeals_field_is_a_400(
    signed_in, city, registration_format
):
    # A registration number is kept in 40 characters: such a format would make every
    # registration of an appeal fail on PostgreSQL, long after the format was saved.
    response = call(
        signed_in,
        "patch",
        f"{API}/polotsk/setup/settings",
        {"registration_format": registration_format},
    )
    assert response.status_code == 400, response.content
    assert fields(response) == {"registration_format"}
    city.refresh_from_db()
    assert city.registration_format == "{org}-{seq}/{yy}"


def test_an_extra_fields_pattern_that_is_no_regular_expression_is_a_400_on_its_item(
    client, catalogue, orsha_admin
):
    document = json.loads(json.dumps(export_setup(catalogue)))
    document["categories"][-1]["extra_fields"] = [{"name": "plate", "pattern": "[A-Z"}]
    client.force_login(orsha_admin)
    response = call(client, "post", f"{API}/orsha/setup/import", document)
    assert response.status_code == 400, response.content
    assert any(f.startswith("categories[") for f in fields(response))
    assert not Category.objects.filter(city__slug="orsha").exists()
