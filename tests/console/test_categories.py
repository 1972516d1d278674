"""The catalogue editor: a city administrator changes their city's categories; appeals
already filed keep what they were filed with."""

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.catalogue import EDITABLE, save_category
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import Appeal, Category
from mycity.core.models import SetupChange
from tests.appeal_fixtures import submit_report
from tests.conftest import person
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def values(**changes):
    return {
        "slug": "pothole",
        "name_ru": "Яма на дороге",
        "name_be": "Яма на дарозе",
        "name_en": "Pothole",
        "kind": "problem",
        "activity": "housing",
        "service_time_value": 5,
        "service_time_unit": "working_days",
        "is_public": True,
        "is_active": True,
        "display_order": 100,
        **changes,
    }


def category_values(category):
    """What the editor shows of a category now, to send back with a change."""
    return {name: getattr(category, name) for name in EDITABLE}


def fields_of(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def test_a_new_category_is_saved_and_audited(city_admin, city, organisation):
    category = save_category(actor=city_admin, city=city, category=None, values=values())
    assert category.names == {"ru": "Яма на дороге", "be": "Яма на дарозе", "en": "Pothole"}
    change = SetupChange.objects.get(action="category.saved")
    assert change.before == {} and change.after["slug"] == "pothole"


def test_missing_translations_take_the_russian_name(city_admin, city, organisation):
    category = save_category(
        actor=city_admin, city=city, category=None, values=values(name_be="", name_en="")
    )
    assert category.name_be == category.name_en == "Яма на дороге"


def test_a_change_records_only_what_changed_before_and_after(city_admin, city, leaking_roof):
    save_category(
        actor=city_admin,
        city=city,
        category=leaking_roof,
        values={**category_values(leaking_roof), "needs_moderation": True, "notice_ru": "112"},
    )
    change = SetupChange.objects.get(action="category.saved")
    assert change.before == {"needs_moderation": False, "notice_ru": ""}
    assert change.after == {"needs_moderation": True, "notice_ru": "112"}


def test_a_duplicate_slug_is_a_field_error_and_nothing_is_saved(city_admin, city, leaking_roof):
    with pytest.raises(InvalidAppeal) as refused:
        save_category(
            actor=city_admin, city=city, category=None, values=values(slug=leaking_roof.slug)
        )
    assert fields_of(refused) == {"slug"}
    assert Category.objects.filter(city=city).count() == 1


def test_a_category_without_a_route_is_refused(city_admin, city):
    with pytest.raises(InvalidAppeal) as refused:
        save_category(actor=city_admin, city=city, category=None, values=values(activity="gas"))
    assert fields_of(refused) == {"default_organisation"}
    assert not Category.objects.filter(slug="pothole").exists()


def test_an_e_appeal_needs_no_route_and_is_never_public(city_admin, city):
    category = save_category(
        actor=city_admin, city=city, category=None, values=values(kind="e_appeal", activity="gas")
    )
    assert category.is_public is False


def test_bad_values_name_every_field(city_admin, city, other_organisation):
    with pytest.raises(InvalidAppeal) as refused:
        save_category(
            actor=city_admin,
            city=city,
            category=None,
            values=values(
                slug="Not a slug",
                name_ru="",
                service_time_value=0,
                default_organisation=other_organisation,
                extra_fields=[{"name": "x", "type": "colour"}],
            ),
        )
    assert fields_of(refused) == {
        "slug",
        "name_ru",
        "service_time_value",
        "default_organisation",
        "extra_fields",
    }


def test_a_category_cannot_go_inside_its_own_child(city_admin, city, organisation):
    top = CategoryFactory(city=city, slug="housing")
    child = CategoryFactory(city=city, slug="roof", parent=top, activity="housing")
    with pytest.raises(InvalidAppeal) as refused:
        save_category(
            actor=city_admin,
            city=city,
            category=top,
            values={**category_values(top), "parent": child},
        )
    assert fields_of(refused) == {"parent"}


def test_the_kind_of_a_category_with_appeals_cannot_change(
    city_admin, city, resident, leaking_roof
):
    submit_report(resident, leaking_roof, extra={"entrance": 2})
    with pytest.raises(InvalidAppeal) as refused:
        save_category(
            actor=city_admin,
            city=city,
            category=leaking_roof,
            values={**category_values(leaking_roof), "kind": "e_appeal"},
        )
    assert fields_of(refused) == {"kind"}


def test_changing_a_category_never_changes_appeals_already_filed(
    city_admin, city, resident, leaking_roof, lighting_service
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 2})
    filed = model_to_dict(Appeal.objects.get(pk=appeal.pk))
    save_category(
        actor=city_admin,
        city=city,
        category=leaking_roof,
        values={
            **category_values(leaking_roof),
            "name_ru": "Протекает крыша",
            "activity": "lighting",
            "default_organisation": lighting_service,
            "service_time_value": 1,
            "service_time_unit": "hours",
            "is_public": False,
            "needs_moderation": True,
            "extra_fields": [{"name": "floor", "type": "integer", "required": True}],
        },
    )
    assert model_to_dict(Appeal.objects.get(pk=appeal.pk)) == filed


def test_a_dispatcher_cannot_change_the_catalogue(dispatcher, city, leaking_roof):
    with pytest.raises(PermissionDenied):
        save_category(
            actor=dispatcher, city=city, category=leaking_roof, values=category_values(leaking_roof)
        )


def test_the_admin_of_another_city_cannot_open_the_editor(client, city, leaking_roof, other_city):
    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    url = reverse("console:category", kwargs={"slug": city.slug, "category_id": leaking_roof.pk})
    assert client.get(url).status_code == 404
    other = reverse(
        "console:category", kwargs={"slug": other_city.slug, "category_id": leaking_roof.pk}
    )
    assert client.get(other).status_code == 404


def form_data(**changes):
    data = {
        **values(),
        "is_public": "on",
        "is_active": "on",
        "extra-TOTAL_FORMS": "1",
        "extra-INITIAL_FORMS": "0",
        "extra-MIN_NUM_FORMS": "0",
        "extra-MAX_NUM_FORMS": "20",
        "extra-0-name": "how_many",
        "extra-0-type": "choice",
        "extra-0-required": "on",
        "extra-0-label_ru": "Сколько ям",
        "extra-0-choices": "one | Одна | Адна | One\nmany | Много | Шмат | Many",
    }
    data.update(changes)
    return data


def test_the_page_creates_a_category_with_a_field_of_options(
    client, city_admin, city, organisation
):
    client.force_login(city_admin)
    response = client.post(reverse("console:new_category", kwargs={"slug": city.slug}), form_data())
    assert response.status_code == 302
    category = Category.objects.get(city=city, slug="pothole")
    (field,) = category.extra_fields
    assert field["type"] == "choice" and field["required"] is True
    assert field["label"] == {"ru": "Сколько ям", "be": "Сколько ям", "en": "Сколько ям"}
    assert field["choices"][1] == {
        "value": "many",
        "label": {"ru": "Много", "be": "Шмат", "en": "Many"},
    }
    page = client.get(response["Location"]).content.decode()
    assert "many | Много | Шмат | Many" in page


def test_a_field_of_options_without_options_is_a_field_error(
    client, city_admin, city, organisation
):
    client.force_login(city_admin)
    response = client.post(
        reverse("console:new_category", kwargs={"slug": city.slug}),
        form_data(**{"extra-0-choices": ""}),
    )
    assert response.status_code == 400
    assert not Category.objects.filter(slug="pothole").exists()


def test_a_service_refusal_shows_next_to_its_field(client, city_admin, city, leaking_roof):
    client.force_login(city_admin)
    response = client.post(
        reverse("console:new_category", kwargs={"slug": city.slug}),
        form_data(slug=leaking_roof.slug),
    )
    assert response.status_code == 400
    assert "Другая категория города уже имеет этот код" in response.content.decode()


def test_the_tree_lists_the_categories(client, city_admin, city, leaking_roof):
    client.force_login(city_admin)
    page = client.get(reverse("console:categories", kwargs={"slug": city.slug})).content.decode()
    assert leaking_roof.name in page


def test_residents_read_the_categorys_notice_on_the_report_page(
    client, city_admin, city, leaking_roof
):
    save_category(
        actor=city_admin,
        city=city,
        category=leaking_roof,
        values={
            **category_values(leaking_roof),
            "notice_ru": "При аварии звоните 112",
            "notice_be": "Пры аварыі тэлефануйце 112",
        },
    )
    page = client.get(reverse("web:report", kwargs={"slug": city.slug})).content.decode()
    assert "При аварии звоните 112" in page
    page = client.get(
        reverse("web:report", kwargs={"slug": city.slug}), HTTP_ACCEPT_LANGUAGE="be"
    ).content.decode()
    assert "Пры аварыі тэлефануйце 112" in page
