"""Inviting someone who already has an account asks for their consent: the role is
granted through `grant_role` only when they accept it, signed in; an invitation expires;
the administrator sees which are pending, accepted or declined."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mycity.accounts.errors import InvitationAnswered, InvitationExpired
from mycity.accounts.models import InvitationStatus, Role, RoleKind, StaffInvitation
from mycity.core.errors import NotFound
from mycity.core.models import SetupChange
from mycity.notify.models import Delivery, Notification
from mycity.setup.invitations import INVITATION_DAYS, answer_invitation, invite_staff
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls_loaded():
    reverse("web:home")


def invite(city_admin, city, email="resident@example.org", kind=RoleKind.DISPATCHER, **more):
    return invite_staff(actor=city_admin, city=city, email=email, kind=kind, **more)


def test_inviting_an_existing_account_grants_nothing_yet(city_admin, city, resident):
    invitation = invite(city_admin, city)
    assert invitation.pending and not invitation.created
    assert not Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).exists()
    row = StaffInvitation.objects.get(user=resident)
    assert row.status == InvitationStatus.PENDING
    assert row.expires_at - row.created_at == timedelta(days=INVITATION_DAYS)


def test_the_invited_person_is_told_in_the_app_and_by_e_mail_with_a_link(
    city_admin, city, resident
):
    invite(city_admin, city)
    notice = Notification.objects.get(recipient=resident, topic="staff.invitation")
    assert notice.url == reverse("web:invitations") and notice.in_app
    assert Delivery.objects.filter(notification=notice, channel="email").exists()


def test_accepting_grants_the_role_through_grant_role_with_an_audit_trail(
    city_admin, city, resident
):
    invitation = invite(city_admin, city).invitation
    answer_invitation(user=resident, invitation_id=invitation.pk, accept=True)
    role = Role.objects.get(user=resident, kind=RoleKind.DISPATCHER, city=city)
    assert role.granted_by == city_admin
    granted = SetupChange.objects.filter(action="role.granted").latest("pk")
    assert granted.after["role"] == "dispatcher"
    assert granted.actor == city_admin
    answered = SetupChange.objects.get(action="staff.invitation_answered")
    assert answered.actor == resident
    assert answered.before == {"status": "pending"}
    assert answered.after["status"] == "accepted"


def test_declining_grants_nothing(city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    answer_invitation(user=resident, invitation_id=invitation.pk, accept=False)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).exists()


def test_accepting_twice_is_refused(city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    answer_invitation(user=resident, invitation_id=invitation.pk, accept=True)
    with pytest.raises(InvitationAnswered):
        answer_invitation(user=resident, invitation_id=invitation.pk, accept=True)
    with pytest.raises(InvitationAnswered):
        answer_invitation(user=resident, invitation_id=invitation.pk, accept=False)
    assert Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).count() == 1


def test_an_expired_invitation_is_refused(city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    later = timezone.now() + timedelta(days=INVITATION_DAYS, minutes=1)
    with freeze_time(later), pytest.raises(InvitationExpired):
        answer_invitation(user=resident, invitation_id=invitation.pk, accept=True)
    assert not Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).exists()


def test_someone_elses_invitation_is_not_found(city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    stranger = person("stranger@example.org", RoleKind.RESIDENT, city=city)
    with pytest.raises(NotFound):
        answer_invitation(user=stranger, invitation_id=invitation.pk, accept=True)
    assert not Role.objects.filter(kind=RoleKind.DISPATCHER).exists()


def test_inviting_again_renews_the_same_invitation(city_admin, city, resident):
    first = invite(city_admin, city).invitation
    with freeze_time(timezone.now() + timedelta(days=3)):
        second = invite(city_admin, city).invitation
    assert second.pk == first.pk
    assert StaffInvitation.objects.filter(user=resident).count() == 1
    second.refresh_from_db()
    assert second.expires_at > first.expires_at


def test_a_new_account_keeps_getting_the_role_at_once(
    city_admin, city, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(city_admin, city, email="new@example.org")
    assert invitation.created and not invitation.pending
    assert Role.objects.filter(user=invitation.user, kind=RoleKind.DISPATCHER).exists()
    assert invitation.invitation.status == InvitationStatus.ACCEPTED
    assert len(mailoutbox) == 1


# The pages


def test_the_invited_person_accepts_on_the_invitations_page(client, city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    client.force_login(resident)
    page = client.get(reverse("web:invitations"))
    assert page.status_code == 200 and city.name in page.content.decode()
    response = client.post(
        reverse("web:answer_invitation", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
    )
    assert response.status_code == 302
    assert Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER, city=city).exists()
    again = client.post(
        reverse("web:answer_invitation", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
        follow=True,
    )
    assert [m.level_tag for m in get_messages(again.wsgi_request)][-1] == "error"
    assert Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).count() == 1


def test_someone_elses_invitation_is_a_404_on_the_page(client, city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    client.force_login(person("stranger@example.org", RoleKind.RESIDENT, city=city))
    response = client.post(
        reverse("web:answer_invitation", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
    )
    assert response.status_code == 404


def test_the_invitations_page_asks_to_sign_in(client):
    response = client.get(reverse("web:invitations"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_sees_pending_accepted_and_declined(client, city_admin, city, resident):
    pending = person("pending@example.org", RoleKind.RESIDENT, city=city)
    declining = person("declining@example.org", RoleKind.RESIDENT, city=city)
    accepted = invite(city_admin, city).invitation
    answer_invitation(user=resident, invitation_id=accepted.pk, accept=True)
    declined = invite(city_admin, city, email=declining.email).invitation
    answer_invitation(user=declining, invitation_id=declined.pk, accept=False)
    invite(city_admin, city, email=pending.email)
    client.force_login(city_admin)
    response = client.post(
        reverse("console:people", kwargs={"slug": city.slug}),
        {"email": "other@example.org", "kind": "moderator"},
    )
    assert response.status_code == 302
    listed = client.get(
        "/api/v1/cities/polotsk/staff/invitations", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    statuses = {row["email"]: row["status"] for row in listed}
    assert statuses == {
        resident.email: "accepted",
        declining.email: "declined",
        pending.email: "pending",
        "other@example.org": "accepted",
    }
    page = client.get(reverse("console:people", kwargs={"slug": city.slug})).content.decode()
    assert pending.email in page


def test_inviting_an_existing_account_through_the_page_says_it_awaits_consent(
    client, city_admin, city, resident
):
    client.force_login(city_admin)
    response = client.post(
        reverse("console:people", kwargs={"slug": city.slug}),
        {"email": resident.email, "kind": "dispatcher"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:people", kwargs={"slug": city.slug})
    assert not Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).exists()


# The API


def test_the_api_answers_202_for_an_existing_account_and_the_person_accepts(
    client, city_admin, city, resident
):
    client.force_login(city_admin)
    response = client.post(
        "/api/v1/cities/polotsk/staff/invitations",
        {"email": resident.email, "kind": "dispatcher"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    invitation_id = response.json()["id"]
    client.force_login(resident)
    mine = client.get("/api/v1/me/invitations").json()
    assert [row["id"] for row in mine] == [invitation_id]
    accepted = client.post(f"/api/v1/me/invitations/{invitation_id}/accept")
    assert accepted.status_code == 200
    again = client.post(f"/api/v1/me/invitations/{invitation_id}/accept")
    assert again.status_code == 409
    assert again.json()["code"] == "invitation_answered"
    assert Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).count() == 1


def test_the_api_hides_someone_elses_invitation(client, city_admin, city, resident):
    invitation = invite(city_admin, city).invitation
    client.force_login(person("stranger@example.org", RoleKind.RESIDENT, city=city))
    response = client.post(f"/api/v1/me/invitations/{invitation.pk}/decline")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_a_token_answers_only_its_own_citys_invitations(client, city_admin, city, resident):
    from mycity.appeals.actions.api_keys import issue_api_client
    from tests.factories import CityFactory

    invitation = invite(city_admin, city).invitation
    elsewhere = CityFactory(slug="vitebsk-token", name_ru="Витебск")
    key = issue_api_client(city=elsewhere, name="phone", user=resident, scopes=["resident"]).key
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/me/invitations", headers=auth).json() == []
    refused = client.post(f"/api/v1/me/invitations/{invitation.pk}/accept", headers=auth)
    assert refused.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not Role.objects.filter(user=resident, kind=RoleKind.DISPATCHER).exists()
