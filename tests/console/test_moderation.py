"""Moderation of a report's public content: the text redacted, photos hidden or blurred."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops, ImageDraw, ImageStat

from mycity.appeals import selectors
from mycity.appeals.actions.moderation import blur_photo, redact_description
from mycity.appeals.actions.moves import accept_appeal
from mycity.appeals.errors import MoveNotAllowed, NoteRequired
from mycity.appeals.models import Appeal, AppealEvent, AppealFile, EventKind, Status
from tests.appeal_fixtures import jpeg, submit_report

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PERSONAL = "звоните Ивану Петрову +375 29 123-45-67"


@pytest.fixture
def graffiti(city):
    """Public on the map once a moderator approves it."""
    from tests.factories import CategoryFactory

    return CategoryFactory(
        city=city, slug="graffiti", activity="general", is_public=True, needs_moderation=True
    )


def striped_jpeg(name: str = "street.jpg") -> SimpleUploadedFile:
    """A picture with sharp detail (stripes and letters), which a blur smears."""
    picture = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(picture)
    for x in range(0, 800, 16):
        draw.rectangle((x, 0, x + 7, 600), fill="black")
    draw.rectangle((300, 250, 500, 330), fill="yellow")
    draw.text((320, 280), "AB 1234-7", fill="black")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def act_url(appeal):
    return reverse("console:act", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def card_url(appeal):
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def file_url(appeal, photo, **query):
    url = f"/api/v1/appeals/{appeal.pk}/files/{photo.pk}"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def picture_of(response) -> Image.Image:
    assert response.status_code == 200, response.status_code
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("L")


def difference(a: Image.Image, b: Image.Image) -> float:
    """The mean difference of two pictures' pixels, 0–255."""
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def text_of(response) -> str:
    """A response's text, with JSON's escaped letters read back."""
    if "json" in response["Content-Type"]:
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


def reported(resident, category, **values) -> Appeal:
    description = f"Граффити на стене дома, {PERSONAL}"
    return submit_report(resident, category, description=description, **values)


# --- the text ---------------------------------------------------------------------


def test_a_moderator_redacts_the_text_of_a_report_in_moderation(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti)
    client.force_login(moderator)
    response = client.post(
        act_url(appeal),
        {
            "action": "redact",
            "text": "Граффити на стене дома",
            "note": "Имя и телефон",
            "expected_version": appeal.version,
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content
    assert Appeal.objects.get(pk=appeal.pk).description == "Граффити на стене дома"
    edit = AppealEvent.objects.get(appeal=appeal, kind=EventKind.EDITED)
    assert edit.data == {
        "before": f"Граффити на стене дома, {PERSONAL}",
        "after": "Граффити на стене дома",
    }
    assert (edit.actor, edit.note, edit.visible_to_applicant) == (moderator, "Имя и телефон", False)


def test_a_redaction_needs_a_reason(moderator, resident, graffiti):
    appeal = reported(resident, graffiti)
    with pytest.raises(NoteRequired):
        redact_description(actor=moderator, appeal=appeal, text="Граффити", reason=" ")
    assert PERSONAL in Appeal.objects.get(pk=appeal.pk).description


def test_a_moderator_may_not_redact_an_appeal_outside_moderation(moderator, resident, street_light):
    appeal = reported(resident, street_light)
    assert appeal.status == Status.ASSIGNED
    with pytest.raises(MoveNotAllowed):
        redact_description(actor=moderator, appeal=appeal, text="Граффити", reason="Телефон")
    assert PERSONAL in Appeal.objects.get(pk=appeal.pk).description
    assert not AppealEvent.objects.filter(kind=EventKind.EDITED).exists()


def test_a_dispatcher_redacts_a_report_at_work(dispatcher, resident, street_light):
    appeal = reported(resident, street_light)
    redact_description(actor=dispatcher, appeal=appeal, text="Граффити на стене", reason="Телефон")
    assert Appeal.objects.get(pk=appeal.pk).description == "Граффити на стене"


def test_a_resident_may_not_redact(resident, graffiti):
    appeal = reported(resident, graffiti)
    with pytest.raises(PermissionDenied):
        redact_description(actor=resident, appeal=appeal, text="Граффити", reason="x")


def test_the_redacted_original_is_in_no_public_or_applicant_response(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti)
    redact_description(
        actor=moderator, appeal=appeal, text="Граффити на стене дома", reason="Телефон"
    )
    accept_appeal(actor=moderator, appeal=Appeal.objects.get(pk=appeal.pk))
    public = [
        f"/api/v1/appeals/{appeal.pk}",
        "/api/v1/cities/polotsk/reports",
        "/api/v1/cities/polotsk/reports.geojson",
        "/open311/v2/requests.json?jurisdiction_id=polotsk",
        f"/open311/v2/requests/{appeal.pk}.json?jurisdiction_id=polotsk",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Граффити на стене дома" in text_of(response), url
        assert "Петров" not in text_of(response), url
    client.force_login(resident)
    for url in [f"/api/v1/appeals/{appeal.pk}", "/api/v1/me/appeals"]:
        body = text_of(client.get(url))
        assert "Граффити на стене дома" in body and "Петров" not in body, url
    assert not resident.notifications.filter(body__contains="Петров").exists()


def test_a_redaction_reindexes_the_text(dispatcher, resident, street_light):
    appeal = reported(resident, street_light)
    redact_description(actor=dispatcher, appeal=appeal, text="Граффити на стене", reason="Телефон")
    appeals = Appeal.objects.all()
    assert list(selectors.search_appeals(appeals, "граффити")) == [appeal]
    assert not selectors.search_appeals(appeals, "Петрову").exists()


def test_a_stale_redaction_loses_and_changes_nothing(client, moderator, resident, graffiti):
    appeal = reported(resident, graffiti)
    client.force_login(moderator)
    seen = appeal.version
    form = {"action": "redact", "note": "Телефон", "expected_version": seen}
    client.post(act_url(appeal), form | {"text": "Граффити"}, **HTMX)
    response = client.post(act_url(appeal), form | {"text": "Граффити у дома"}, **HTMX)
    assert response.status_code == 409
    assert Appeal.objects.get(pk=appeal.pk).description == "Граффити"


def test_a_dispatcher_redacts_through_the_api(client, dispatcher, resident, street_light):
    appeal = reported(resident, street_light)
    client.force_login(dispatcher)
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/redaction",
        {"text": "Граффити на стене", "reason": "Телефон", "expected_version": appeal.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Граффити на стене"


# --- photos -------------------------------------------------------------------------


def test_the_moderation_card_shows_the_photos_with_hide_and_blur_then_approve(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti, files=[jpeg()])
    client.force_login(moderator)
    page = client.get(card_url(appeal)).content.decode()
    assert 'value="hide_photo"' in page and 'value="blur_photo"' in page
    assert page.index('value="blur_photo"') < page.index('value="approve"')
    assert 'value="redact"' in page


def test_a_moderator_hides_a_photo_from_the_public(client, moderator, resident, graffiti):
    appeal = reported(resident, graffiti, files=[jpeg()])
    photo = appeal.files.get()
    client.force_login(moderator)
    response = client.post(
        act_url(appeal),
        {"action": "hide_photo", "file_id": photo.pk, "note": "Лицо прохожего"},
        **HTMX,
    )
    assert response.status_code == 200, response.content
    assert AppealFile.objects.get(pk=photo.pk).is_public is False
    hidden = AppealEvent.objects.get(appeal=appeal, kind=EventKind.PHOTO_HIDDEN)
    assert hidden.data["before"] == {"is_public": True} and hidden.note == "Лицо прохожего"
    accept_appeal(actor=moderator, appeal=Appeal.objects.get(pk=appeal.pk))
    client.logout()
    assert client.get(f"/api/v1/appeals/{appeal.pk}").json()["files"] == []
    assert client.get(file_url(appeal, photo)).status_code == 404


def test_a_photo_hidden_without_a_reason_stays_public(client, moderator, resident, graffiti):
    appeal = reported(resident, graffiti, files=[jpeg()])
    photo = appeal.files.get()
    client.force_login(moderator)
    form = {"action": "hide_photo", "file_id": photo.pk, "note": ""}
    response = client.post(act_url(appeal), form, **HTMX)
    assert response.status_code == 400
    assert AppealFile.objects.get(pk=photo.pk).is_public is True


def test_after_blurring_the_public_file_endpoint_serves_the_blurred_image(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    with photo.file.open("rb") as stored:
        before = Image.open(io.BytesIO(stored.read())).convert("L")
    client.force_login(moderator)
    response = client.post(
        act_url(appeal), {"action": "blur_photo", "file_id": photo.pk, "note": "Номер"}, **HTMX
    )
    assert response.status_code == 200, response.content
    accept_appeal(actor=moderator, appeal=Appeal.objects.get(pk=appeal.pk))
    client.logout()
    served = picture_of(client.get(file_url(appeal, photo)))
    assert served.size == before.size
    assert difference(served, before) > 40  # the stripes are gone: a grey smear
    thumbnail = picture_of(client.get(file_url(appeal, photo, thumbnail=1)))
    assert ImageStat.Stat(thumbnail).stddev[0] < 20


def test_the_original_of_a_blurred_photo_is_404_for_the_public_and_the_applicant(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    accept_appeal(actor=moderator, appeal=Appeal.objects.get(pk=appeal.pk))
    assert client.get(file_url(appeal, photo, original=1)).status_code == 404
    client.force_login(resident)
    assert client.get(file_url(appeal, photo, original=1)).status_code == 404


def test_the_handling_staff_get_the_original_of_a_blurred_photo(
    client, dispatcher, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    with photo.file.open("rb") as stored:
        unblurred = stored.read()
    blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    client.force_login(dispatcher)
    response = client.get(file_url(appeal, photo, original=1))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == unblurred
    assert response["Cache-Control"] == "private, no-store"


def test_a_blur_is_recorded_with_the_original_kept(moderator, resident, graffiti):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    first = photo.file.name
    blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    blurred = AppealFile.objects.get(pk=photo.pk)
    assert blurred.original.name == first and blurred.file.name != first
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.PHOTO_BLURRED)
    assert event.data["before"]["file"] == first
    assert event.data["after"] == {"file": blurred.file.name, "original": first}


def test_the_unblurred_thumbnail_is_removed_once_the_blur_commits(
    moderator, resident, graffiti, django_capture_on_commit_callbacks
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    old_thumbnail = photo.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    assert not default_storage.exists(old_thumbnail)
    assert default_storage.exists(AppealFile.objects.get(pk=photo.pk).original.name)


def test_blurring_again_keeps_the_first_original(
    moderator, resident, graffiti, django_capture_on_commit_callbacks
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    first = photo.file.name
    blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    once = AppealFile.objects.get(pk=photo.pk).file.name
    with django_capture_on_commit_callbacks(execute=True):
        blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Ещё")
    twice = AppealFile.objects.get(pk=photo.pk)
    assert twice.original.name == first
    assert not default_storage.exists(once)


def test_a_moderator_may_not_blur_a_photo_outside_moderation(moderator, resident, street_light):
    appeal = reported(resident, street_light, files=[striped_jpeg()])
    photo = appeal.files.get()
    with pytest.raises(MoveNotAllowed):
        blur_photo(actor=moderator, appeal=appeal, file_id=photo.pk, reason="Номер")
    assert not AppealFile.objects.get(pk=photo.pk).original


def test_a_moderator_blurs_through_the_api_and_the_applicant_sees_the_blurred_photo(
    client, moderator, resident, graffiti
):
    appeal = reported(resident, graffiti, files=[striped_jpeg()])
    photo = appeal.files.get()
    with photo.file.open("rb") as stored:
        before = Image.open(io.BytesIO(stored.read())).convert("L")
    client.force_login(moderator)
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/files/{photo.pk}/blur",
        {"reason": "Номер машины"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    client.force_login(resident)
    served = picture_of(
        client.get(client.get(f"/api/v1/appeals/{appeal.pk}").json()["files"][0]["url"])
    )
    assert difference(served, before) > 40


APPLICANT = {
    "applicant_name": "Сидорова Ольга Ивановна",
    "applicant_email": "olga@example.org",
    "applicant_phone": "+375 33 765-43-21",
    "applicant_address": "211400, г. Полоцк, ул. Гагарина, 12, кв. 9",
}


@pytest.fixture
def waiting_with_applicant(resident, graffiti) -> Appeal:
    """A report in moderation whose applicant gave a name, contacts and an address."""
    appeal = submit_report(resident, graffiti, description="Граффити на стене дома", **APPLICANT)
    Appeal.objects.filter(pk=appeal.pk).update(**APPLICANT)
    appeal.refresh_from_db()
    assert appeal.status == Status.MODERATION
    return appeal


def test_the_moderation_card_shows_no_personal_data_of_the_applicant(
    client, moderator, waiting_with_applicant
):
    client.force_login(moderator)
    page = client.get(card_url(waiting_with_applicant))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Граффити на стене дома" in text  # what moderation is about
    for value in APPLICANT.values():
        assert value not in text


def test_the_api_gives_a_moderator_no_personal_data_of_the_applicant(
    client, moderator, waiting_with_applicant
):
    client.force_login(moderator)
    response = client.get(f"/api/v1/appeals/{waiting_with_applicant.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["applicant"] is None
    assert body["description"] == "Граффити на стене дома"
    for value in APPLICANT.values():
        assert value not in text_of(response)


def test_the_dispatcher_still_sees_the_applicant_on_the_card_and_in_the_api(
    client, dispatcher, waiting_with_applicant
):
    client.force_login(dispatcher)
    page = client.get(card_url(waiting_with_applicant)).content.decode()
    body = client.get(f"/api/v1/appeals/{waiting_with_applicant.pk}").json()
    for field, value in APPLICANT.items():
        assert value in page
        assert body["applicant"][field.removeprefix("applicant_")] == value
