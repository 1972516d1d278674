"""The city administrator's People page: who holds what, invitations, roles, leavers."""

import pytest
from django.urls import reverse

from mycity.accounts.models import Role, RoleKind, User
from mycity.appeals.actions.moves import start_work
from mycity.appeals.models import AppealEvent, Status
from mycity.core.models import SetupChange
from mycity.setup.invitations import invite_staff
from tests.appeal_fixtures import submit_report
from tests.conftest import person

pytestmark = pytest.mark.django_db


def people_url(city):
    return reverse("console:people", kwargs={"slug": city.slug})


def person_url(city, user):
    return reverse("console:person", kwargs={"slug": city.slug, "user_id": user.pk})


@pytest.mark.parametrize("who", ["dispatcher", "executor", "moderator", "resident"])
def test_the_people_page_is_404_for_everyone_but_administrators(client, request, city, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(people_url(city)).status_code == 404


def test_the_people_page_is_404_for_the_admin_of_another_city(client, city, other_city):
    client.force_login(person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(people_url(city)).status_code == 404


def test_the_admin_sees_who_holds_what(
    client, city_admin, dispatcher, executor, executor_of_other_city, city
):
    client.force_login(city_admin)
    page = client.get(people_url(city)).content.decode()
    assert dispatcher.email in page and executor.email in page
    assert "ЖЭС № 1" in page
    assert executor_of_other_city.email not in page


def test_inviting_through_the_page(client, city_admin, city, organisation):
    client.force_login(city_admin)
    response = client.post(
        people_url(city),
        {"email": "new@example.org", "kind": "executor", "organisation": organisation.slug},
    )
    user = User.objects.get(email="new@example.org")
    assert response.status_code == 302 and response["Location"] == person_url(city, user)
    assert Role.objects.filter(user=user, organisation=organisation, kind=RoleKind.EXECUTOR)


def test_an_executor_without_an_organisation_is_a_field_error(client, city_admin, city):
    client.force_login(city_admin)
    response = client.post(people_url(city), {"email": "new@example.org", "kind": "executor"})
    assert response.status_code == 400
    assert "Выберите организацию" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_organisation_of_another_city_is_not_offered(
    client, city_admin, city, other_organisation
):
    client.force_login(city_admin)
    response = client.post(
        people_url(city),
        {"email": "new@example.org", "kind": "executor", "organisation": other_organisation.slug},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="new@example.org").exists()


def test_granting_and_withdrawing_on_a_persons_page(client, city_admin, dispatcher, city):
    client.force_login(city_admin)
    response = client.post(person_url(city, dispatcher), {"kind": "intake"})
    assert response.status_code == 302
    role = Role.objects.get(user=dispatcher, kind=RoleKind.INTAKE)
    withdraw = reverse(
        "console:withdraw_role",
        kwargs={"slug": city.slug, "user_id": dispatcher.pk, "role_id": role.pk},
    )
    assert client.post(withdraw).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert Role.objects.filter(user=dispatcher, kind=RoleKind.DISPATCHER).exists()


def test_a_role_of_another_city_cannot_be_withdrawn_by_its_id(
    client, city_admin, city, executor_of_other_city
):
    client.force_login(city_admin)
    role = Role.objects.get(user=executor_of_other_city)
    url = reverse(
        "console:withdraw_role",
        kwargs={"slug": city.slug, "user_id": executor_of_other_city.pk, "role_id": role.pk},
    )
    assert client.post(url).status_code == 404
    assert Role.objects.filter(pk=role.pk).exists()


@pytest.fixture
def in_work(resident, street_light, lighting_service):
    """A report routed on submission and taken into work by an electrician."""
    electrician = invite_staff(
        actor=None,
        city=lighting_service.city,
        email="electrician@example.org",
        kind=RoleKind.EXECUTOR,
        organisation=lighting_service,
    ).user
    appeal = submit_report(resident, street_light)
    start_work(actor=electrician, appeal=appeal)
    return electrician, appeal


def test_a_leaver_is_let_go_in_one_step(client, city_admin, city, in_work):
    electrician, appeal = in_work
    client.force_login(city_admin)
    page = client.get(person_url(city, electrician)).content.decode()
    assert appeal.number in page
    url = reverse("console:release", kwargs={"slug": city.slug, "user_id": electrician.pk})
    assert client.post(url).status_code == 302
    appeal.refresh_from_db()
    # Back in the organisation's queue, waiting for a colleague to take it into work.
    assert appeal.status == Status.ASSIGNED
    assert appeal.organisation.slug == "gorsvet"
    event = AppealEvent.objects.filter(appeal=appeal).latest("pk")
    assert event.data["handed_over_from"] == electrician.email
    assert event.data["handed_over_by"] == city_admin.email
    electrician.refresh_from_db()
    assert not electrician.is_active
    assert not Role.objects.filter(user=electrician).exists()
    actions = set(SetupChange.objects.filter(actor=city_admin).values_list("action", flat=True))
    assert actions == {"work.handed_over", "role.withdrawn", "staff.deactivated"}


def test_one_who_still_works_in_another_city_keeps_the_account(
    client, city_admin, city, other_organisation, in_work
):
    electrician, _appeal = in_work
    Role.objects.create(
        user=electrician,
        kind=RoleKind.EXECUTOR,
        city=other_organisation.city,
        organisation=other_organisation,
    )
    client.force_login(city_admin)
    client.post(reverse("console:release", kwargs={"slug": city.slug, "user_id": electrician.pk}))
    electrician.refresh_from_db()
    assert electrician.is_active
    assert list(Role.objects.filter(user=electrician).values_list("city", flat=True)) == [
        other_organisation.city_id
    ]


def test_a_residents_account_is_never_closed_by_a_citys_administrator(
    client, city_admin, city, resident, lighting_service
):
    # An invitation of an existing account gives it a role; letting that person go takes
    # the role back, never the account they had before.
    invite_staff(
        actor=city_admin,
        city=city,
        email=resident.email,
        kind=RoleKind.EXECUTOR,
        organisation=lighting_service,
    )
    client.force_login(city_admin)
    client.post(reverse("console:release", kwargs={"slug": city.slug, "user_id": resident.pk}))
    resident.refresh_from_db()
    assert resident.is_active
    assert not Role.objects.filter(user=resident).exclude(kind=RoleKind.RESIDENT).exists()


def test_the_admin_cannot_let_themself_go(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:release", kwargs={"slug": city.slug, "user_id": city_admin.pk})
    assert client.post(url).status_code == 302
    assert Role.objects.filter(user=city_admin, kind=RoleKind.CITY_ADMIN).exists()
    city_admin.refresh_from_db()
    assert city_admin.is_active


def test_the_audit_page_shows_the_changes_of_the_setup_with_before_and_after(
    client, city_admin, dispatcher, city
):
    client.force_login(city_admin)
    role = Role.objects.get(user=dispatcher)
    client.post(
        reverse(
            "console:withdraw_role",
            kwargs={"slug": city.slug, "user_id": dispatcher.pk, "role_id": role.pk},
        )
    )
    page = client.get(reverse("console:audit", kwargs={"slug": city.slug})).content.decode()
    assert "Роль снята" in page
    assert "<del>dispatcher</del>" in page
