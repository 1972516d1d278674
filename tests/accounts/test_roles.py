import pytest
from django.db import IntegrityError, transaction

from mycity.accounts.errors import RoleNotAllowed, RoleScopeInvalid
from mycity.accounts.models import Role, RoleKind
from mycity.accounts.services import grant_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return UserFactory(email="new@example.org")


@pytest.mark.parametrize(
    ("kind", "scope", "field"),
    [
        (RoleKind.EXECUTOR, "city", "organisation"),
        (RoleKind.DISPATCHER, "organisation", "organisation"),
        (RoleKind.DISPATCHER, None, "city"),
        (RoleKind.PLATFORM_ADMIN, "city", "city"),
    ],
)
def test_each_role_needs_its_own_scope(newcomer, city, organisation, kind, scope, field):
    kwargs = (
        {"city": city}
        if scope == "city"
        else ({"organisation": organisation} if scope == "organisation" else {})
    )
    with pytest.raises(RoleScopeInvalid) as caught:
        grant_role(actor=None, user=newcomer, kind=kind, **kwargs)
    assert caught.value.field == field
    assert not Role.objects.filter(user=newcomer).exists()


def test_a_city_admin_grants_roles_in_their_city(city_admin, newcomer, city, organisation):
    role = grant_role(
        actor=city_admin, user=newcomer, kind=RoleKind.EXECUTOR, organisation=organisation
    )
    assert (role.city, role.organisation, role.granted_by) == (city, organisation, city_admin)


def test_a_city_admin_may_not_grant_in_another_city_nor_the_platform_role(
    city_admin, newcomer, other_city
):
    with pytest.raises(RoleNotAllowed):
        grant_role(actor=city_admin, user=newcomer, kind=RoleKind.DISPATCHER, city=other_city)
    with pytest.raises(RoleNotAllowed):
        grant_role(actor=city_admin, user=newcomer, kind=RoleKind.PLATFORM_ADMIN)


def test_a_dispatcher_may_not_grant_roles(dispatcher, newcomer, city):
    with pytest.raises(RoleNotAllowed):
        grant_role(actor=dispatcher, user=newcomer, kind=RoleKind.MODERATOR, city=city)


def test_the_platform_admin_grants_anything(platform_admin, newcomer, other_city):
    grant_role(actor=platform_admin, user=newcomer, kind=RoleKind.CITY_ADMIN, city=other_city)
    grant_role(actor=platform_admin, user=newcomer, kind=RoleKind.PLATFORM_ADMIN)
    assert Role.objects.filter(user=newcomer).count() == 2


def test_granting_twice_keeps_one_role(newcomer, city):
    first = grant_role(actor=None, user=newcomer, kind=RoleKind.MODERATOR, city=city)
    second = grant_role(actor=None, user=newcomer, kind=RoleKind.MODERATOR, city=city)
    assert first.pk == second.pk


@pytest.mark.parametrize("scope", ["organisation", "city", "platform"])
def test_the_database_refuses_a_duplicate_role_of_every_scope(newcomer, city, organisation, scope):
    fields = {
        "organisation": {"kind": "executor", "city": city, "organisation": organisation},
        "city": {"kind": "dispatcher", "city": city},
        "platform": {"kind": "platform_admin"},
    }[scope]
    Role.objects.create(user=newcomer, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=newcomer, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "executor"},  # an executor without an organisation
        {"kind": "dispatcher"},  # a city role without a city
    ],
)
def test_the_database_refuses_a_role_whose_scope_does_not_fit(newcomer, city, fields):
    if fields["kind"] == "executor":
        fields = {**fields, "city": city}
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=newcomer, **fields)
