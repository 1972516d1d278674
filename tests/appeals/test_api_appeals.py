"""The appeals REST API: categories, submission, my appeals, public reports, moves."""

import json

import pytest

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import INSIDE, OUTSIDE, jpeg, submit_report

pytestmark = pytest.mark.django_db
CITY = "/api/v1/cities/polotsk"


def post_json(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def submit(client, chosen, headers=None, **fields):
    form = {
        "category": chosen.slug,
        "description": "Не горит фонарь",
        "lat": str(INSIDE[0]),
        "lon": str(INSIDE[1]),
        "consent": "true",
    } | fields
    return client.post(f"{CITY}/appeals", data=form, **(headers or {}))


def test_categories_come_as_a_tree_with_extra_fields(client, street_light, leaking_roof):
    from tests.factories import CategoryFactory

    group = CategoryFactory(city=street_light.city, slug="lighting", name_ru="Освещение")
    street_light.parent = group
    street_light.save()
    items = client.get(f"{CITY}/categories").json()
    by_slug = {item["slug"]: item for item in items}
    assert by_slug["street-light-out"]["parent"] == "lighting"
    assert by_slug["lighting"]["is_leaf"] is False
    assert by_slug["roof-leak"]["extra_fields"][0]["name"] == "entrance"
    assert by_slug["street-light-out"]["default_organisation"] == "gorsvet"
    assert [i["slug"] for i in items].index("lighting") < [i["slug"] for i in items].index(
        "street-light-out"
    )


def test_categories_of_an_unknown_city_are_a_404(client, city):
    response = client.get("/api/v1/cities/atlantis/categories")
    assert response.status_code == 404
    assert response.json()["code"] == "city_not_found"


def test_submitting_needs_sign_in(client, street_light):
    assert submit(client, street_light).status_code == 401
    assert not Appeal.objects.exists()


def test_a_resident_submits_a_report_with_a_photo(client, resident, street_light):
    client.force_login(resident)
    form = {
        "category": street_light.slug,
        "description": "Не горит фонарь",
        "lat": str(INSIDE[0]),
        "lon": str(INSIDE[1]),
        "consent": "true",
        "extra": json.dumps({"pole_number": "12"}),
        "files": [jpeg()],
    }
    response = client.post(f"{CITY}/appeals", data=form)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].endswith("000001")
    assert body["status"] == "assigned"
    assert body["organisation"]["slug"] == "gorsvet"
    assert body["extra"] == {"pole_number": "12"}
    assert body["applicant"]["email"] == resident.email
    assert body["deadline_state"] == "on_time"
    assert [e["to_status"] for e in body["timeline"]] == ["submitted", "accepted", "assigned"]
    photo = body["files"][0]
    assert client.get(photo["url"])["Content-Type"] == "image/jpeg"
    assert client.get(photo["thumbnail_url"]).status_code == 200


def test_a_retried_submission_with_the_same_key_returns_the_first(client, resident, street_light):
    client.force_login(resident)
    first = submit(client, street_light, {"HTTP_IDEMPOTENCY_KEY": "k-1"})
    again = submit(client, street_light, {"HTTP_IDEMPOTENCY_KEY": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Appeal.objects.count() == 1
    # The IETF Idempotency-Key draft: the same key with another body is a 422.
    other = submit(client, street_light, {"HTTP_IDEMPOTENCY_KEY": "k-1"}, description="Другое")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Appeal.objects.count() == 1


def test_bad_submissions_get_field_details_in_the_users_language(client, resident, street_light):
    client.force_login(resident)
    response = submit(
        client, street_light, {"HTTP_ACCEPT_LANGUAGE": "be"}, description="", consent="false"
    )
    assert response.status_code == 400
    body = response.json()
    assert {d["field"] for d in body["details"]} == {"description", "consent"}
    messages = {d["field"]: d["message"] for d in body["details"]}
    assert messages["description"] == "Апішыце праблему."
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({"lat": str(OUTSIDE[0]), "lon": str(OUTSIDE[1])}, 400, "point_outside_city", "lat"),
        ({"lat": "north"}, 400, "invalid", "lat"),
        ({"lat": "91"}, 400, "invalid", "lat"),
        ({"category": "nope"}, 404, "category_not_found", "category"),
        ({"extra": "[1, 2]"}, 400, "invalid", "extra"),
        ({"extra": "{not json"}, 400, "invalid", "extra"),
        ({"description": "x" * 20001}, 400, "invalid", "description"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, resident, street_light, fields, status, code, field):
    client.force_login(resident)
    response = submit(client, street_light, **fields)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert field in {d["field"] for d in body["details"]}
    assert not Appeal.objects.exists()


def test_a_fake_photo_is_refused_with_the_files_index(client, resident, street_light):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(resident)
    fake = SimpleUploadedFile("a.jpg", b"<svg/>", content_type="image/jpeg")
    response = submit(client, street_light, files=[fake])
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "files[0]"
    assert not Appeal.objects.exists()


def test_my_appeals_lists_only_mine(client, resident, street_light):
    from tests.factories import UserFactory

    mine = submit_report(resident, street_light)
    submit_report(UserFactory(email="someone@example.org"), street_light)
    client.force_login(resident)
    items = client.get("/api/v1/me/appeals").json()["items"]
    assert [item["id"] for item in items] == [mine.pk]


def test_anyone_sees_a_public_report_without_personal_data(client, resident, street_light):
    appeal = submit_report(resident, street_light)
    body = client.get(f"/api/v1/appeals/{appeal.pk}").json()
    assert body["number"] == appeal.number
    assert body["applicant"] is None and body["extra"] is None
    assert body["moves"] == []
    assert resident.email not in json.dumps(body)


def test_a_private_appeal_is_not_found_for_others(client, resident, housing_question, city):
    from tests.appeal_fixtures import e_appeal_draft
    from tests.factories import UserFactory

    appeal = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    assert client.get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    client.force_login(UserFactory(email="nosy@example.org"))
    response = client.get(f"/api/v1/appeals/{appeal.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "appeal_not_found"
    client.force_login(resident)
    assert client.get(f"/api/v1/appeals/{appeal.pk}").json()["applicant"]["name"]


def test_public_reports_filter_by_category_status_box_and_radius(
    client, resident, street_light, leaking_roof
):
    light = submit_report(resident, street_light)
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1}, lat=55.50, lon=28.78)

    def ids(**query):
        response = client.get(f"{CITY}/reports", query)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids() == {light.pk, roof.pk}
    assert ids(category="street-light-out") == {light.pk}
    assert ids(status="open") == {light.pk, roof.pk}
    assert ids(status="closed") == set()
    assert ids(bbox="55.49,28.77,55.51,28.79") == {roof.pk}
    # Any two opposite corners span the same box.
    assert ids(bbox="55.51,28.79,55.49,28.77") == {roof.pk}
    assert ids(bbox="55.49,28.79,55.51,28.77") == {roof.pk}
    assert ids(near=f"{INSIDE[0]},{INSIDE[1]}", radius="100") == {light.pk}


def test_the_radius_is_a_circle_and_keeps_the_newest_first(client, resident, street_light):
    from mycity.core.geo import box_around

    corner = box_around(INSIDE[0], INSIDE[1], 100)
    # In the box that holds the 100 m circle, but about 140 m away in its corner.
    outside_circle = submit_report(resident, street_light, lat=corner.max_lat, lon=corner.max_lon)
    within = [submit_report(resident, street_light).pk for _ in range(3)]
    response = client.get(
        f"{CITY}/reports",
        {"near": f"{INSIDE[0]},{INSIDE[1]}", "radius": "100", "limit": 2},
    )
    assert [item["id"] for item in response.json()["items"]] == within[::-1][:2]
    everything = client.get(
        f"{CITY}/reports", {"near": f"{INSIDE[0]},{INSIDE[1]}", "radius": "100"}
    ).json()["items"]
    assert outside_circle.pk not in {item["id"] for item in everything}


def test_an_unknown_category_or_district_finds_no_reports(client, resident, street_light):
    submit_report(resident, street_light)
    assert client.get(f"{CITY}/reports", {"category": "no-such"}).json()["items"] == []
    assert client.get(f"{CITY}/reports", {"district": "no-such"}).json()["items"] == []


def test_public_reports_page_with_a_cursor(client, resident, street_light):
    made = [submit_report(resident, street_light).pk for _ in range(3)]
    first = client.get(f"{CITY}/reports", {"limit": 2}).json()
    second = client.get(f"{CITY}/reports", {"limit": 2, "cursor": first["next_cursor"]}).json()
    seen = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert seen == sorted(made, reverse=True)
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "56,28,95,29"}, "bbox"),
        ({"bbox": "56,28,55,2e1"}, "bbox"),
        ({"near": "55.48"}, "near"),
        ({"radius": "100000", "near": "55.48,28.76"}, "radius"),
        ({"status": "lost"}, "status"),
        ({"cursor": "!!!"}, "cursor"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_bad_report_filters_are_a_400(client, city, query, field):
    response = client.get(f"{CITY}/reports", query)
    assert response.status_code == 400, response.content
    assert field in {d["field"] for d in response.json()["details"]}


def test_public_reports_come_as_geojson(client, resident, street_light):
    appeal = submit_report(resident, street_light)
    response = client.get(f"{CITY}/reports.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    feature = response.json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [appeal.lon, appeal.lat]}
    assert feature["properties"]["number"] == appeal.number
    assert resident.email not in response.content.decode()


def test_me_too_counts_each_resident_once(client, resident, street_light):
    from tests.factories import UserFactory

    appeal = submit_report(resident, street_light)
    client.force_login(UserFactory(email="neighbour@example.org"))
    assert client.post(f"/api/v1/appeals/{appeal.pk}/me-too").json() == {
        "joined": True,
        "me_too_count": 1,
    }
    assert client.post(f"/api/v1/appeals/{appeal.pk}/me-too").json()["joined"] is False


def test_the_whole_lifecycle_through_the_api_with_a_staff_token(
    client, resident, executor, dispatcher, leaking_roof, city
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    token = issue_api_client(city=city, name="ЖЭС mobile", user=executor).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seen = client.get(f"/api/v1/appeals/{appeal.pk}", **auth).json()
    # Leaving without consideration is the head's decision, not the executor's.
    assert seen["moves"] == ["start", "return", "answer", "thank"]
    assert seen["applicant"]["email"] == resident.email
    started = post_json(
        client,
        f"/api/v1/appeals/{appeal.pk}/moves",
        {"move": "start", "expected_version": seen["version"]},
        **auth,
    )
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "in_progress"
    stale = post_json(
        client,
        f"/api/v1/appeals/{appeal.pk}/moves",
        {"move": "return", "note": "не наше", "expected_version": seen["version"]},
        **auth,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_appeal"
    answered = client.post(
        f"/api/v1/appeals/{appeal.pk}/answer", {"text": "Готово.", "files": [jpeg(64, 48)]}, **auth
    )
    assert answered.json()["status"] == "answered"
    client.force_login(resident)
    rated = post_json(client, f"/api/v1/appeals/{appeal.pk}/rating", {"rating": 2})
    assert rated.json()["status"] == "closed"
    reopened = post_json(
        client, f"/api/v1/appeals/{appeal.pk}/disagreement", {"reason": "Всё ещё течёт"}
    )
    assert reopened.json()["status"] == "reopened"
    assert reopened.json()["answers"][0]["text"] == "Готово."
    assert reopened.json()["deadline_state"] == "on_time"  # a new term for the disagreement
    public = client.__class__().get(f"/api/v1/appeals/{appeal.pk}").json()
    assert public["answers"][0]["text"] is None
    assert all(event["note"] == "" for event in public["timeline"])
    assert "answer" not in {f["role"] for f in public["files"]}


def test_a_forged_move_is_refused(client, resident, street_light, dispatcher):
    appeal = submit_report(resident, street_light)
    client.force_login(resident)
    response = post_json(client, f"/api/v1/appeals/{appeal.pk}/moves", {"move": "reject"})
    assert response.status_code == 403
    client.force_login(dispatcher)
    response = post_json(client, f"/api/v1/appeals/{appeal.pk}/moves", {"move": "close"})
    assert response.status_code == 409
    assert response.json()["code"] == "move_not_allowed"
    response = post_json(client, f"/api/v1/appeals/{appeal.pk}/moves", {"move": "teleport"})
    assert response.status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


def test_a_dispatcher_merges_and_redirects_through_moves(
    client, resident, street_light, dispatcher
):
    original = submit_report(resident, street_light)
    copy = submit_report(resident, street_light)
    client.force_login(dispatcher)
    merged = post_json(
        client, f"/api/v1/appeals/{copy.pk}/moves", {"move": "merge", "duplicate_of": original.pk}
    )
    assert merged.json()["status"] == "duplicate"
    assert merged.json()["duplicate_of"] == original.pk
    missing = post_json(
        client, f"/api/v1/appeals/{original.pk}/moves", {"move": "merge", "duplicate_of": 999999}
    )
    assert missing.status_code == 400
    redirected = post_json(
        client,
        f"/api/v1/appeals/{original.pk}/moves",
        {"move": "redirect", "redirected_to": "Полоцкий райисполком"},
    )
    assert redirected.json()["status"] == "redirected"


def test_a_wrong_token_is_a_401(client, resident, street_light):
    appeal = submit_report(resident, street_light)
    response = post_json(
        client,
        f"/api/v1/appeals/{appeal.pk}/moves",
        {"move": "start"},
        HTTP_AUTHORIZATION="Bearer nonsense",
    )
    assert response.status_code == 401


def test_the_openapi_document_lists_the_appeals_endpoints(client, city):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cities/{slug}/categories",
        "/api/v1/cities/{slug}/appeals",
        "/api/v1/cities/{slug}/reports",
        "/api/v1/cities/{slug}/reports.geojson",
        "/api/v1/me/appeals",
        "/api/v1/appeals/{appeal_id}",
        "/api/v1/appeals/{appeal_id}/moves",
        "/api/v1/me/notifications",
    ):
        assert path in paths


def test_staff_list_the_appeals_they_handle_and_nothing_else(
    client,
    resident,
    dispatcher,
    executor,
    street_light,
    leaking_roof,
    django_assert_max_num_queries,
):
    light = submit_report(resident, street_light)  # the lighting service's
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})  # the executor's
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        body = client.get(f"{CITY}/appeals").json()
    assert {item["id"] for item in body["items"]} == {light.pk, roof.pk}
    assert body["items"][0]["applicant"]["email"] == resident.email
    client.force_login(executor)
    assert [i["id"] for i in client.get(f"{CITY}/appeals").json()["items"]] == [roof.pk]
    assert client.get(f"{CITY}/appeals", {"status": "closed"}).json()["items"] == []
    client.force_login(resident)
    assert client.get(f"{CITY}/appeals").status_code == 403


def test_a_token_acts_only_in_the_city_it_was_issued_for(
    client, resident, street_light, other_city, city
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    both = person("both@example.org", RoleKind.DISPATCHER, city=city)
    from mycity.accounts.services import grant_role

    grant_role(actor=None, user=both, kind=RoleKind.DISPATCHER, city=other_city)
    appeal = submit_report(resident, street_light)
    orsha_token = issue_api_client(city=other_city, name="Orsha desk", user=both).key
    body = client.get(
        f"/api/v1/appeals/{appeal.pk}", HTTP_AUTHORIZATION=f"Bearer {orsha_token}"
    ).json()
    assert body["applicant"] is None  # public view only: the token is Orsha's
    assert body["moves"] == []


@pytest.mark.parametrize(
    "query",
    [{"since": "0001-01-01T00:00:00+05:00"}, {"until": "9999-12-31T23:59:59-05:00"}],
)
def test_dates_beyond_reason_select_what_the_nearest_reasonable_one_does(
    client, resident, street_light, query
):
    # No appeal is from before 1900 or after 3000: such a bound is valid and no crash.
    light = submit_report(resident, street_light)
    for suffix in ("reports", "reports.geojson"):
        response = client.get(f"{CITY}/{suffix}", query)
        assert response.status_code == 200, response.content
        body = response.json()
        found = body.get("items", body.get("features"))
        assert [item["id"] for item in found] == [light.pk]


def test_deeply_nested_extra_fields_are_a_400(client, resident, street_light):
    client.force_login(resident)
    response = submit(client, street_light, extra="[" * 5000)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "extra"


def test_the_radius_reads_on_past_a_box_corner_full_of_newer_reports(
    client, resident, street_light
):
    from mycity.core.geo import box_around

    inside = submit_report(resident, street_light)
    corner = box_around(INSIDE[0], INSIDE[1], 100)
    for _ in range(6):  # newer, in the box, out of the circle: more than a chunk of 4
        submit_report(resident, street_light, lat=corner.max_lat, lon=corner.max_lon)
    near = {"near": f"{INSIDE[0]},{INSIDE[1]}", "radius": "100", "limit": 1}
    assert [item["id"] for item in client.get(f"{CITY}/reports", near).json()["items"]] == [
        inside.pk
    ]


def test_the_reports_page_is_exactly_its_documented_schema(client, resident, street_light):
    from mycity.appeals.schemas import ReportOut, ReportPage

    submit_report(resident, street_light)
    body = client.get(f"{CITY}/reports").json()
    ReportPage.model_validate(body)
    assert set(body["items"][0]) == set(ReportOut.model_fields)


def _one_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_attachment_is_served_as_a_download_in_a_sandbox(client, resident, housing_question):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mycity.appeals.actions.submission import submit_appeal
    from tests.appeal_fixtures import e_appeal_draft

    letter = SimpleUploadedFile("letter.pdf", _one_page_pdf(), content_type="application/pdf")
    appeal = submit_appeal(
        applicant=resident,
        city=housing_question.city,
        draft=e_appeal_draft(housing_question),
        files=[letter],
    ).appeal
    attachment = appeal.files.get()
    client.force_login(resident)
    response = client.get(f"/api/v1/appeals/{appeal.pk}/files/{attachment.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_photo_is_shown_in_place_but_in_a_sandbox(client, resident, street_light):
    appeal = submit_report(resident, street_light, files=[jpeg()])
    photo = appeal.files.get()
    response = client.get(f"/api/v1/appeals/{appeal.pk}/files/{photo.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_new_report_comes_with_the_open_reports_of_its_category_nearby(
    client, resident, street_light
):
    earlier = submit_report(resident, street_light, description="Фонарь мигает")
    client.force_login(resident)
    response = submit(client, street_light)
    assert response.status_code == 201, response.content
    assert [r["id"] for r in response.json()["similar"]] == [earlier.pk]
