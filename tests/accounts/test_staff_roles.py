"""Granting and withdrawing roles and inviting staff: the one way in, checked and audited."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from mycity.accounts.errors import InvalidInvitation, RoleNotAllowed, RoleScopeInvalid
from mycity.accounts.models import Role, RoleKind, User
from mycity.accounts.services import grant_role, withdraw_role
from mycity.console.people import release_leaver
from mycity.core.models import SetupChange
from mycity.setup.invitations import invite_staff
from tests.conftest import person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_granted_role_is_in_the_audit_trail_with_its_values(city_admin, city, organisation):
    user = UserFactory(email="new@example.org")
    grant_role(actor=city_admin, user=user, kind=RoleKind.EXECUTOR, organisation=organisation)
    change = SetupChange.objects.get(action="role.granted", subject__startswith="new@")
    assert change.city == city and change.actor == city_admin
    assert change.before == {}
    assert change.after == {"user": "new@example.org", "role": "executor", "organisation": "zhes-1"}


def test_granting_a_role_held_already_writes_nothing(city_admin, dispatcher, city):
    before = SetupChange.objects.count()
    grant_role(actor=city_admin, user=dispatcher, kind=RoleKind.DISPATCHER, city=city)
    assert SetupChange.objects.count() == before


def test_a_withdrawn_role_is_gone_and_its_values_stay_in_the_trail(city_admin, dispatcher):
    role = Role.objects.get(user=dispatcher, kind=RoleKind.DISPATCHER)
    withdraw_role(actor=city_admin, role=role)
    assert not Role.objects.filter(pk=role.pk).exists()
    change = SetupChange.objects.get(action="role.withdrawn")
    assert change.before["role"] == "dispatcher" and change.after == {}


def test_a_city_admin_cannot_grant_in_another_city(city_admin, other_city):
    user = UserFactory()
    with pytest.raises(RoleNotAllowed):
        grant_role(actor=city_admin, user=user, kind=RoleKind.DISPATCHER, city=other_city)
    assert not Role.objects.filter(user=user).exists()


def test_a_city_admin_cannot_withdraw_a_role_in_another_city(city_admin, executor_of_other_city):
    role = Role.objects.get(user=executor_of_other_city)
    with pytest.raises(RoleNotAllowed):
        withdraw_role(actor=city_admin, role=role)
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_city_admin_cannot_make_a_platform_admin(city_admin):
    with pytest.raises(RoleNotAllowed):
        grant_role(actor=city_admin, user=UserFactory(), kind=RoleKind.PLATFORM_ADMIN)


def test_an_invitation_makes_the_account_the_role_and_a_letter_with_a_password_link(
    client, city_admin, city, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_staff(
            actor=city_admin,
            city=city,
            email=" Ivanov@Example.org ",
            full_name="Иванов Иван",
            kind=RoleKind.EXECUTOR,
            organisation=organisation,
        )
    user = invitation.user
    assert invitation.created and user.email == "ivanov@example.org"
    assert not user.has_usable_password()
    assert Role.objects.filter(user=user, kind=RoleKind.EXECUTOR, organisation=organisation)
    assert EmailAddress.objects.get(user=user).verified
    assert SetupChange.objects.filter(action="staff.invited", subject="ivanov@example.org")
    (letter,) = mail.outbox
    assert letter.to == ["ivanov@example.org"]
    link = next(w for w in letter.body.split() if "/password/reset/key/" in w)
    # allauth's own set-password page takes the key.
    response = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


def test_inviting_one_who_left_gives_their_account_back(city_admin, city):
    leaver = invite_staff(
        actor=city_admin, city=city, email="back@example.org", kind=RoleKind.DISPATCHER
    ).user
    release_leaver(actor=city_admin, city=city, leaver=leaver)
    leaver.refresh_from_db()
    assert not leaver.is_active
    invitation = invite_staff(
        actor=city_admin, city=city, email="back@example.org", kind=RoleKind.DISPATCHER
    )
    assert not invitation.created
    leaver.refresh_from_db()
    assert leaver.is_active


def test_an_account_the_platform_administrator_closed_stays_closed(city_admin, city):
    UserFactory(email="blocked@example.org", is_active=False)
    with pytest.raises(InvalidInvitation) as refused:
        invite_staff(
            actor=city_admin, city=city, email="blocked@example.org", kind=RoleKind.DISPATCHER
        )
    assert refused.value.details[0]["field"] == "email"
    assert not Role.objects.filter(user__email="blocked@example.org").exists()


def test_a_bad_invitation_names_its_fields_and_writes_nothing(city_admin, city, other_organisation):
    changes = SetupChange.objects.count()
    with pytest.raises(InvalidInvitation) as refused:
        invite_staff(
            actor=city_admin,
            city=city,
            email="not-an-address",
            kind=RoleKind.RESIDENT,
            organisation=other_organisation,
        )
    fields = {d["field"] for d in refused.value.as_dict()["details"]}
    assert fields == {"email", "kind", "organisation"}
    assert not User.objects.filter(email="not-an-address").exists()
    assert SetupChange.objects.count() == changes


def test_an_executor_invited_without_an_organisation_is_refused_with_nothing_half_saved(
    city_admin, city
):
    changes = SetupChange.objects.count()
    with pytest.raises(RoleScopeInvalid):
        invite_staff(actor=city_admin, city=city, email="half@example.org", kind=RoleKind.EXECUTOR)
    assert not User.objects.filter(email="half@example.org").exists()
    assert SetupChange.objects.count() == changes


def test_a_dispatcher_cannot_invite(dispatcher, city):
    with pytest.raises(RoleNotAllowed):
        invite_staff(actor=dispatcher, city=city, email="x@example.org", kind=RoleKind.MODERATOR)
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_platform_admin_invites_in_any_city(platform_admin, other_city):
    invitation = invite_staff(
        actor=platform_admin, city=other_city, email="a@orsha.example.org", kind=RoleKind.CITY_ADMIN
    )
    assert Role.objects.filter(user=invitation.user, city=other_city, kind=RoleKind.CITY_ADMIN)


def test_roles_of_another_person_are_untouched_by_an_invitation(city_admin, city):
    other = person("other@example.org", RoleKind.MODERATOR, city=city)
    invite_staff(actor=city_admin, city=city, email="new@example.org", kind=RoleKind.EDITOR)
    assert list(Role.objects.filter(user=other).values_list("kind", flat=True)) == ["moderator"]


def test_the_django_admin_no_longer_edits_roles(client, dispatcher):
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    page = client.get(f"/admin/accounts/user/{dispatcher.pk}/change/").content.decode()
    assert "roles-TOTAL_FORMS" not in page
    assert dispatcher.email in page


def test_a_leaver_who_came_back_and_was_then_closed_by_the_platform_stays_closed(city_admin, city):
    # Closed as a leaver once, then invited back: the account's later closure leaves no
    # row of a leaver, so it is the platform administrator's, which a city may not undo.
    back = UserFactory(email="back-again@example.org", is_active=False)
    SetupChange.objects.create(city=city, action="staff.deactivated", subject=back.email)
    invite_staff(actor=city_admin, city=city, email=back.email, kind=RoleKind.DISPATCHER)
    back.refresh_from_db()
    assert back.is_active
    back.is_active = False  # the platform administrator blocks the account
    back.save(update_fields=["is_active"])
    with pytest.raises(InvalidInvitation) as refused:
        invite_staff(actor=city_admin, city=city, email=back.email, kind=RoleKind.DISPATCHER)
    assert refused.value.details[0]["field"] == "email"
    back.refresh_from_db()
    assert not back.is_active
