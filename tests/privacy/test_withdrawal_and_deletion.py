"""Withdrawing consent stops what rests on it at once; deletion anonymises the account
and keeps the appeals, detached, as the Law on appeals requires."""

from django.test import Client

from mycity.accounts.models import Subscription, SubscriptionKind
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Appeal
from mycity.notify.models import PushSubscription
from mycity.privacy import services
from mycity.privacy.consents import record_consent
from mycity.privacy.models import ConsentRecord, RequestKind, RequestStatus
from tests.appeal_fixtures import e_appeal_draft, submit_report
from tests.factories import BuildingFactory


def _subscribed(user, city) -> None:
    Subscription.objects.create(
        user=user, city=city, kind=SubscriptionKind.NOTICE_KIND, topic="water", channels=["email"]
    )
    PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example.org/{user.pk}", p256dh="k", auth="a"
    )
    record_consent(user=user, city=city)


def test_withdrawal_removes_subscriptions_and_keeps_appeals(
    resident, neighbour, city, street_light
):
    appeal = submit_report(resident, street_light)
    _subscribed(resident, city)
    _subscribed(neighbour, city)
    request = services.file_request(user=resident, city=city, kind=RequestKind.WITHDRAWAL)
    assert request.status == RequestStatus.DONE
    assert request.done_at is not None
    assert not Subscription.objects.filter(user=resident).exists()
    assert not PushSubscription.objects.filter(user=resident).exists()
    assert ConsentRecord.objects.get(user=resident).withdrawn_at is not None
    # The appeal goes on, under the Law on appeals.
    assert Appeal.objects.get(pk=appeal.pk).applicant == resident
    # Nobody else's.
    assert Subscription.objects.filter(user=neighbour).count() == 1
    assert PushSubscription.objects.filter(user=neighbour).count() == 1
    assert ConsentRecord.objects.get(user=neighbour).withdrawn_at is None


def test_withdrawal_forgets_the_home_address_and_tells_the_resident(resident, city):
    home = BuildingFactory(city=city)
    resident.home_city, resident.home_building = city, home
    resident.save(update_fields=["home_city", "home_building"])
    request = services.file_request(user=resident, city=city, kind=RequestKind.WITHDRAWAL)
    resident.refresh_from_db()
    assert resident.home_building is None
    told = resident.notifications.get(topic="privacy.request")
    assert told.dedupe_key == f"privacy-request-{request.pk}"
    done = request.events.order_by("pk").last()
    assert done.data["home_address"] == 1


def test_a_new_consent_after_withdrawal_is_a_new_record(resident, city):
    record_consent(user=resident, city=city)
    services.file_request(user=resident, city=city, kind=RequestKind.WITHDRAWAL)
    record_consent(user=resident, city=city)
    assert ConsentRecord.objects.filter(user=resident).count() == 2
    assert ConsentRecord.objects.filter(user=resident, withdrawn_at__isnull=True).count() == 1


def test_deletion_anonymises_the_account_and_keeps_the_appeal_separated(
    resident,
    city,
    housing_question,
    privacy_officer,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    appeal = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    _subscribed(resident, city)
    request = services.file_request(user=resident, city=city, kind=RequestKind.DELETION)
    assert request.status == RequestStatus.RECEIVED
    with django_capture_on_commit_callbacks(execute=True):
        erasure = services.erase_account(actor=privacy_officer, request=request)
    assert erasure.appeals_separated == 1
    resident.refresh_from_db()
    assert resident.email == f"erased-{resident.pk}@erased.invalid"
    assert resident.full_name == ""
    assert not resident.is_active
    assert not resident.has_usable_password()
    assert not Subscription.objects.filter(user=resident).exists()
    assert not PushSubscription.objects.filter(user=resident).exists()
    assert not ConsentRecord.objects.filter(user=resident).exists()
    appeal.refresh_from_db()
    assert appeal.applicant is None
    # Kept for the retention period of closed appeals.
    assert appeal.applicant_name == "Иванова Анна Петровна"
    assert appeal.events.filter(kind=services.APPEAL_SEPARATED).count() == 1
    request.refresh_from_db()
    assert (request.status, request.handled_by) == ("done", privacy_officer)
    assert [m.to for m in mailoutbox] == [["resident@example.org"]]


def test_a_deleted_resident_cannot_sign_in_again(resident, city, privacy_officer):
    request = services.file_request(user=resident, city=city, kind=RequestKind.DELETION)
    services.erase_account(actor=privacy_officer, request=request)
    client = Client()
    assert not client.login(email="resident@example.org", password="correct-horse-battery")


def test_only_a_deletion_request_erases_an_account(resident, city, privacy_officer):
    import pytest

    from mycity.privacy.errors import InvalidRequest

    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    with pytest.raises(InvalidRequest):
        services.erase_account(actor=privacy_officer, request=request)
    resident.refresh_from_db()
    assert resident.is_active
