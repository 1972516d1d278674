"""Submitting problem reports and e-appeals: what is registered, and what is refused."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from mycity.appeals.actions import submission
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.errors import (
    CategoryNotFound,
    IdempotencyKeyReused,
    InvalidAppeal,
    PointOutsideCity,
    UnsupportedFile,
)
from mycity.appeals.models import Appeal, AppealEvent, AppealFile, Status, SubmissionKey
from mycity.notify.models import Notification
from tests.appeal_fixtures import (
    INSIDE,
    OUTSIDE,
    e_appeal_draft,
    jpeg,
    report_draft,
    submit_report,
)
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


def fields(error: InvalidAppeal) -> set[str]:
    return {detail["field"] for detail in error.details}


def test_a_report_is_numbered_routed_to_the_default_executor_and_public(
    resident, street_light, lighting_service
):
    appeal = submit_report(resident, street_light, extra={"pole_number": "17/3"})
    assert appeal.number == f"{timezone.now().year}-000001"
    assert appeal.status == Status.ASSIGNED
    assert appeal.organisation == lighting_service
    assert appeal.is_public
    assert appeal.extra == {"pole_number": "17/3"}
    assert appeal.consent_policy_version == "2026-01"
    assert appeal.consent_at is not None
    moves = list(appeal.events.values_list("from_status", "to_status"))
    assert moves == [
        ("", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "assigned"),
    ]


def test_numbers_follow_each_other_within_the_city_and_year(resident, street_light):
    first = submit_report(resident, street_light)
    second = submit_report(resident, street_light)
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1


def test_a_report_without_a_matching_executor_waits_in_the_dispatch_queue(resident, city):
    from tests.factories import CategoryFactory

    orphan = CategoryFactory(city=city, slug="orphan", activity="gas")
    appeal = submit_report(resident, orphan)
    assert appeal.status == Status.ACCEPTED
    assert appeal.organisation is None


def test_a_report_is_routed_to_the_organisation_whose_area_holds_the_point(
    resident, city, leaking_roof
):
    from tests.factories import OrganisationFactory, square

    north = OrganisationFactory(
        city=city,
        slug="zheu-north",
        activities=["housing"],
        service_area=square(55.52, 28.7683, 0.02),
        min_lat=55.50,
        max_lat=55.54,
        min_lon=28.74,
        max_lon=28.79,
    )
    appeal = submit_report(resident, leaking_roof, lat=55.52, lon=28.77, extra={"entrance": 2})
    assert appeal.organisation == north
    central = submit_report(resident, leaking_roof, extra={"entrance": "3"})
    assert central.organisation.slug == "zhes-1"  # the city-wide one
    assert central.extra == {"entrance": 3}


def test_an_address_from_the_registry_gives_the_point_and_a_point_gives_the_address(
    resident, city, street_light
):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    building = BuildingFactory(street=street, number="5", lat=55.4861, lon=28.7691)
    by_address = submit_report(resident, street_light, lat=None, lon=None, building_id=building.pk)
    assert (by_address.lat, by_address.lon) == (building.lat, building.lon)
    assert by_address.building == building
    by_point = submit_report(resident, street_light, lat=55.4860, lon=28.7690)
    assert by_point.building == building
    assert "Нижне-Покровская" in by_point.address


def test_an_address_the_registry_no_longer_lists_is_neither_chosen_nor_taken(
    resident, city, street_light
):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    gone = BuildingFactory(
        street=street, number="5", lat=55.4861, lon=28.7691, vanished_at=timezone.now()
    )
    with pytest.raises(InvalidAppeal) as caught:
        submit_report(resident, street_light, lat=None, lon=None, building_id=gone.pk)
    assert fields(caught.value) == {"building_id"}
    assert not Appeal.objects.exists()
    by_point = submit_report(resident, street_light, lat=55.4861, lon=28.7691)
    assert by_point.building is None


def test_a_point_outside_the_city_is_refused_and_nothing_is_stored(resident, street_light):
    with pytest.raises(PointOutsideCity) as caught:
        submit_report(resident, street_light, lat=OUTSIDE[0], lon=OUTSIDE[1])
    assert caught.value.field == "lat"
    assert not Appeal.objects.exists()


def test_an_unknown_or_parent_category_is_refused(resident, city, street_light):
    from tests.factories import CategoryFactory

    with pytest.raises(CategoryNotFound):
        submit_report(resident, street_light, category_slug="no-such-thing")
    group = CategoryFactory(city=city, slug="lighting")
    street_light.parent = group
    street_light.save()
    with pytest.raises(CategoryNotFound):
        submit_report(resident, group)


def test_a_category_of_another_city_is_unknown_here(resident, other_city, city):
    from tests.factories import CategoryFactory

    elsewhere = CategoryFactory(city=other_city, slug="only-in-orsha")
    with pytest.raises(CategoryNotFound):
        submit_appeal(applicant=resident, city=city, draft=report_draft(elsewhere))


def test_missing_fields_are_listed_together(resident, leaking_roof):
    with pytest.raises(InvalidAppeal) as caught:
        submit_report(resident, leaking_roof, description=" ", consent=False, lat=None, lon=None)
    assert fields(caught.value) == {"description", "consent", "extra.entrance", "lat"}
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"entrance": "first"}, "extra.entrance"),
        ({"entrance": 99}, "extra.entrance"),
        ({"entrance": 1, "colour": "red"}, "extra.colour"),
    ],
)
def test_extra_fields_are_checked_against_the_category(resident, leaking_roof, extra, field):
    with pytest.raises(InvalidAppeal) as caught:
        submit_report(resident, leaking_roof, extra=extra)
    assert fields(caught.value) == {field}


def test_required_extra_field_message_names_the_field_in_the_users_language(resident, leaking_roof):
    from django.utils import translation

    with translation.override("be"), pytest.raises(InvalidAppeal) as caught:
        submit_report(resident, leaking_roof, extra={})
    assert caught.value.details[0]["message"].startswith("Пад’езд")


def test_photos_are_stored_re_encoded_with_thumbnails_and_without_metadata(resident, street_light):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buffer, "JPEG", exif=exif)
    with_exif = SimpleUploadedFile("IMG_1.jpg", buffer.getvalue(), content_type="image/jpeg")
    appeal = submit_report(resident, street_light, files=[with_exif, jpeg()])
    photos = list(appeal.files.order_by("position"))
    assert [p.position for p in photos] == [0, 1]
    assert all(p.is_public and p.content_type == "image/jpeg" for p in photos)
    with photos[0].file.open("rb") as stored:
        image = Image.open(stored)
        assert not image.getexif()
    with photos[1].thumbnail.open("rb") as thumb:
        assert max(Image.open(thumb).size) == 320


def test_more_than_five_photos_are_refused(resident, street_light):
    with pytest.raises(InvalidAppeal) as caught:
        submit_report(resident, street_light, files=[jpeg(40, 30) for _ in range(6)])
    assert fields(caught.value) == {"files"}


def test_a_fake_photo_refuses_the_whole_submission_and_leaves_no_files(
    resident, street_light, settings
):
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(UnsupportedFile) as caught:
        submit_report(resident, street_light, files=[jpeg(), fake])
    assert caught.value.field == "files[1]"
    assert not Appeal.objects.exists()
    assert not AppealFile.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_failure_after_the_files_were_written_removes_them(
    resident, street_light, settings, monkeypatch
):

    def explode(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(submission, "accept_and_route", explode)
    with pytest.raises(RuntimeError):
        submit_report(resident, street_light, files=[jpeg()])
    assert not Appeal.objects.exists()
    assert not AppealEvent.objects.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_a_retry_with_the_same_key_returns_the_first_appeal(resident, street_light):
    first = submit_appeal(
        applicant=resident,
        city=street_light.city,
        draft=report_draft(street_light),
        files=[jpeg()],
        idempotency_key="c0ffee",
    )
    again = submit_appeal(
        applicant=resident,
        city=street_light.city,
        draft=report_draft(street_light),
        files=[jpeg()],
        idempotency_key="c0ffee",
    )
    assert again.replayed and not first.replayed
    assert again.appeal.pk == first.appeal.pk
    assert Appeal.objects.count() == 1
    assert SubmissionKey.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_not_answered_with_the_first(
    resident, street_light
):
    submit_appeal(
        applicant=resident,
        city=street_light.city,
        draft=report_draft(street_light),
        files=[jpeg()],
        idempotency_key="c0ffee",
    )
    for draft, files in (
        (report_draft(street_light, description="changed on retry"), [jpeg()]),
        (report_draft(street_light), [jpeg(640, 480)]),
    ):
        with pytest.raises(IdempotencyKeyReused) as refused:
            submit_appeal(
                applicant=resident,
                city=street_light.city,
                draft=draft,
                files=files,
                idempotency_key="c0ffee",
            )
        assert refused.value.status == 422
    assert Appeal.objects.count() == 1


def test_the_same_key_of_another_resident_is_another_submission(resident, dispatcher, street_light):
    for person in (resident, dispatcher):
        submit_appeal(
            applicant=person,
            city=street_light.city,
            draft=report_draft(street_light),
            idempotency_key="same",
        )
    assert Appeal.objects.count() == 2


def test_a_report_in_a_moderated_category_waits_and_is_not_public(resident, noisy_neighbours):
    appeal = submit_report(resident, noisy_neighbours)
    assert appeal.status == Status.MODERATION
    assert not appeal.is_public


def test_the_applicant_is_told_the_number_and_the_deadline(resident, street_light):
    appeal = submit_report(resident, street_light)
    message = Notification.objects.get(recipient=resident)
    assert appeal.number in message.body
    assert timezone.localtime(appeal.deadline).strftime("%d.%m.%Y") in message.body


def test_an_e_appeal_keeps_the_applicants_details_and_is_never_public(
    resident, housing_question, department
):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    assert appeal.kind == "e_appeal"
    assert not appeal.is_public
    assert appeal.addressee == department
    assert appeal.organisation == department
    assert appeal.applicant_name == "Иванова Анна Петровна"
    assert appeal.deadline - timezone.now() > timedelta(days=14)


def test_an_e_appeal_needs_name_and_address_and_e_mail_without_an_account(
    resident, housing_question
):
    draft = e_appeal_draft(
        housing_question, applicant_name="Анна", applicant_address="", applicant_email=""
    )
    with pytest.raises(InvalidAppeal) as caught:
        submit_appeal(applicant=resident, city=housing_question.city, draft=draft)
    # A signed-in resident is answered in their account: the e-mail is optional.
    assert fields(caught.value) == {"applicant_name", "applicant_address"}
    with pytest.raises(InvalidAppeal) as caught:
        submit_appeal(applicant=None, city=housing_question.city, draft=draft)
    assert fields(caught.value) == {"applicant_name", "applicant_address", "applicant_email"}


def test_an_e_appeal_of_a_legal_entity_needs_its_name_number_and_signatory(
    resident, housing_question
):
    draft = e_appeal_draft(housing_question, applicant_type="legal_entity")
    with pytest.raises(InvalidAppeal) as caught:
        submit_appeal(applicant=resident, city=housing_question.city, draft=draft)
    assert fields(caught.value) == {"legal_name", "legal_reg_number", "signatory"}
    draft = e_appeal_draft(
        housing_question,
        applicant_type="legal_entity",
        legal_name="ООО «Полоцкий хлеб»",
        legal_reg_number="391234566",
        signatory="Директор Петров П. П.",
    )
    appeal = submit_appeal(applicant=resident, city=housing_question.city, draft=draft).appeal
    assert appeal.legal_name == "ООО «Полоцкий хлеб»"


def test_an_e_appeal_to_an_unknown_department_is_refused(resident, housing_question):
    draft = e_appeal_draft(housing_question, addressee_slug="ministry-of-magic")
    with pytest.raises(InvalidAppeal) as caught:
        submit_appeal(applicant=resident, city=housing_question.city, draft=draft)
    assert fields(caught.value) == {"addressee"}


def test_e_appeal_attachments_accept_pdf(resident, housing_question):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = SimpleUploadedFile("scan.pdf", buffer.getvalue(), content_type="application/pdf")
    appeal = submit_appeal(
        applicant=resident,
        city=housing_question.city,
        draft=e_appeal_draft(housing_question),
        files=[pdf],
    ).appeal
    stored = appeal.files.get()
    assert stored.content_type == "application/pdf"
    assert not stored.is_public
    assert stored.file.name.endswith(".pdf")


def test_inside_point_constant_is_inside(city):
    from mycity.cities.selectors import point_in_city

    assert point_in_city(city, lat=INSIDE[0], lon=INSIDE[1])


def test_a_resident_submitting_too_often_is_asked_to_wait(resident, street_light, settings):
    from mycity.appeals.errors import TooManySubmissions

    settings.APPEAL_SUBMISSIONS_PER_HOUR = 2
    submit_report(resident, street_light)
    submit_report(resident, street_light)
    with pytest.raises(TooManySubmissions) as caught:
        submit_report(resident, street_light)
    assert caught.value.status == 429
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("391234567", "The УНП does not add up: check its digits."),
        ("39123456", "A legal entity's УНП is 9 digits."),
        ("МА1953684", "A legal entity's УНП is 9 digits."),  # an entrepreneur's, with letters
    ],
)
def test_a_legal_entitys_unp_must_be_nine_digits_that_add_up(
    resident, housing_question, number, problem
):
    draft = e_appeal_draft(
        housing_question,
        applicant_type="legal_entity",
        legal_name="ООО «Полоцкий хлеб»",
        legal_reg_number=number,
        signatory="Директор Петров П. П.",
    )
    with translation.override("en"), pytest.raises(InvalidAppeal) as caught:
        submit_appeal(applicant=resident, city=housing_question.city, draft=draft)
    assert caught.value.details == [{"field": "legal_reg_number", "message": problem}]


def test_a_unp_is_read_as_people_write_it(resident, housing_question):
    draft = e_appeal_draft(
        housing_question,
        applicant_type="legal_entity",
        legal_name="ООО «Полоцкий хлеб»",
        legal_reg_number="УНП 200 988 541",
        signatory="Директор Петров П. П.",
    )
    assert submit_appeal(applicant=resident, city=housing_question.city, draft=draft).appeal
