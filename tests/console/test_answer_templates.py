"""Answer templates per organisation: who writes them, and how the answer form uses them."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import start_work
from mycity.appeals.models import Appeal, Status
from mycity.console.errors import InvalidInput
from mycity.console.models import AnswerTemplate
from mycity.console.selectors import fill_answer_template
from mycity.console.services import create_answer_template
from tests.appeal_fixtures import submit_report
from tests.conftest import person
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def templates_url(city):
    return reverse("console:answer_templates", kwargs={"slug": city.slug})


def template_url(template):
    return reverse(
        "console:answer_template",
        kwargs={"slug": template.organisation.city.slug, "template_id": template.pk},
    )


def card_url(appeal):
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def fill_url(appeal):
    return reverse(
        "console:filled_answer", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk}
    )


@pytest.fixture
def done(executor, organisation):
    return create_answer_template(
        actor=executor,
        organisation=organisation,
        title="Выполнено",
        text="По обращению № {number} по адресу {address} работы выполнены {date}.",
    )


@pytest.fixture
def lighting_template(dispatcher, lighting_service):
    return create_answer_template(
        actor=dispatcher, organisation=lighting_service, title="Фонарь", text="Фонарь заменён."
    )


@pytest.fixture
def in_work(executor, resident, city, leaking_roof):
    """A report at a known address, assigned to the executor's organisation, in work."""
    BuildingFactory(street=StreetFactory(city=city, name_ru="Ленина"), number="5")
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    start_work(actor=executor, appeal=appeal)
    return Appeal.objects.select_related("city").get(pk=appeal.pk)


# --- writing templates ------------------------------------------------------------


def test_an_executor_adds_a_template_for_their_organisation(client, executor, organisation, city):
    client.force_login(executor)
    response = client.post(templates_url(city), {"title": "Принято", "text": "Приняли {number}."})
    assert response["Location"] == templates_url(city)
    assert AnswerTemplate.objects.get(title="Принято").organisation == organisation


def test_a_dispatcher_adds_a_template_for_any_organisation_of_the_city(
    client, dispatcher, lighting_service, organisation, city
):
    client.force_login(dispatcher)
    client.post(
        templates_url(city), {"organisation": "gorsvet", "title": "Фонарь", "text": "Заменён."}
    )
    assert AnswerTemplate.objects.get(title="Фонарь").organisation == lighting_service


def test_an_executor_cannot_write_for_another_organisation(
    client, executor, lighting_service, city
):
    client.force_login(executor)
    response = client.post(
        templates_url(city), {"organisation": "gorsvet", "title": "Чужой", "text": "Текст"}
    )
    assert response.status_code == 400
    assert not AnswerTemplate.objects.exists()


def test_the_service_refuses_an_executor_of_another_organisation(executor, lighting_service):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_answer_template(
            actor=executor, organisation=lighting_service, title="Чужой", text="Текст"
        )


def test_the_page_lists_only_the_executors_organisations_templates(
    client, executor, done, lighting_template, city
):
    client.force_login(executor)
    page = client.get(templates_url(city)).content.decode()
    assert "Выполнено" in page
    assert "Фонарь" not in page


def test_a_moderator_has_no_templates_page(client, moderator, city):
    client.force_login(moderator)
    assert client.get(templates_url(city)).status_code == 404


def test_an_executor_of_another_city_has_no_templates_page_here(
    client, executor_of_other_city, city
):
    client.force_login(executor_of_other_city)
    assert client.get(templates_url(city)).status_code == 404


def test_a_template_of_another_organisation_is_404_to_change(client, executor, lighting_template):
    client.force_login(executor)
    response = client.post(
        template_url(lighting_template), {"title": "Моё", "text": "Переписал", "action": "save"}
    )
    assert response.status_code == 404
    assert AnswerTemplate.objects.get(pk=lighting_template.pk).title == "Фонарь"


def test_a_template_of_another_organisation_is_404_to_delete(client, executor, lighting_template):
    client.force_login(executor)
    assert client.post(template_url(lighting_template), {"action": "delete"}).status_code == 404
    assert AnswerTemplate.objects.filter(pk=lighting_template.pk).exists()


def test_a_template_is_changed(client, executor, done):
    client.force_login(executor)
    client.post(template_url(done), {"title": "Сделано", "text": "Готово.", "action": "save"})
    done.refresh_from_db()
    assert (done.title, done.text) == ("Сделано", "Готово.")


def test_a_template_is_deleted(client, executor, done):
    client.force_login(executor)
    client.post(template_url(done), {"action": "delete"})
    assert not AnswerTemplate.objects.filter(pk=done.pk).exists()


def test_a_title_used_twice_in_an_organisation_is_refused(executor, organisation, done):
    with pytest.raises(InvalidInput):
        create_answer_template(
            actor=executor, organisation=organisation, title="Выполнено", text="Ещё раз"
        )


def test_a_template_without_text_is_refused(executor, organisation):
    with pytest.raises(InvalidInput):
        create_answer_template(actor=executor, organisation=organisation, title="Пусто", text=" ")


# --- filling ---------------------------------------------------------------------


def test_the_placeholders_are_filled_for_the_appeal(client, executor, in_work, done):
    client.force_login(executor)
    response = client.get(fill_url(in_work), {"template": done.pk}, **HTMX)
    text = response.content.decode()
    assert text.startswith("<textarea")
    assert f"№ {in_work.number}" in text
    assert in_work.address and in_work.address in text
    assert "{" not in text


def test_the_date_is_today_in_the_citys_time_zone(in_work):
    late_evening_utc = datetime(2026, 4, 16, 22, 30, tzinfo=UTC)  # 01:30 on the 17th in Minsk
    assert fill_answer_template("{date}", in_work, now=late_evening_utc) == "17.04.2026"


def test_unknown_placeholders_are_left_as_they_are(in_work):
    text = fill_answer_template("{number} {name} {{number}} {", in_work)
    assert text == f"{in_work.number} {{name}} {{{in_work.number}}} {{"


def test_a_templates_text_is_escaped_in_the_answer_box(client, executor, organisation, in_work):
    evil = create_answer_template(
        actor=executor, organisation=organisation, title="X", text="</textarea><script>x()"
    )
    client.force_login(executor)
    text = client.get(fill_url(in_work), {"template": evil.pk}, **HTMX).content.decode()
    assert "<script>" not in text
    assert "&lt;/textarea&gt;" in text


def test_a_template_of_another_organisation_is_404_on_the_appeal(
    client, executor, in_work, lighting_template
):
    client.force_login(executor)
    assert client.get(fill_url(in_work), {"template": lighting_template.pk}).status_code == 404
    assert client.get(card_url(in_work), {"template": lighting_template.pk}).status_code == 404


def test_an_unknown_template_is_404(client, executor, in_work):
    client.force_login(executor)
    assert client.get(fill_url(in_work), {"template": "nope"}).status_code == 404


def test_choosing_no_template_leaves_the_answer_as_written(client, executor, in_work, done):
    client.force_login(executor)
    assert client.get(fill_url(in_work), {"template": ""}, **HTMX).status_code == 204


def test_the_answer_form_offers_the_organisations_templates(
    client, executor, in_work, done, lighting_template
):
    client.force_login(executor)
    page = client.get(card_url(in_work)).content.decode()
    assert f'<option value="{done.pk}">Выполнено</option>' in page
    assert "Фонарь" not in page


def test_without_javascript_the_card_comes_back_with_the_text_filled(
    client, executor, in_work, done
):
    client.force_login(executor)
    page = client.get(card_url(in_work), {"template": done.pk}).content.decode()
    assert f"По обращению № {in_work.number} по адресу" in page


def test_an_executor_of_another_organisation_cannot_fill_from_our_templates(
    client, in_work, done, lighting_service
):
    outsider = person("light@example.org", RoleKind.EXECUTOR, organisation=lighting_service)
    client.force_login(outsider)
    assert client.get(fill_url(in_work), {"template": done.pk}).status_code == 404


def test_the_filled_answer_is_sent_like_any_other(client, executor, in_work, done):
    client.force_login(executor)
    text = client.get(fill_url(in_work), {"template": done.pk}, **HTMX).context["answer_text"]
    act = reverse("console:act", kwargs={"slug": in_work.city.slug, "appeal_id": in_work.pk})
    client.post(act, {"action": "answer", "text": text, "template": done.pk}, **HTMX)
    appeal = Appeal.objects.get(pk=in_work.pk)
    assert appeal.status == Status.ANSWERED
    assert in_work.number in appeal.answers.get().text
