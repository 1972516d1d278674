"""Every page fits a 320 px phone: the document never scrolls sideways.

The walk starts from the URL map, not from a list of paths: each named route is either
visited (by the person whose page it is, with one of each kind of thing made by the
factories and services) or listed below with the reason it is not a page. A route added
later fails the test until it is put in one group or the other."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.analytics.models import Observer, ObserverKind
from mycity.appeals.actions.api_keys import issue_personal_token
from mycity.appeals.models import Appeal, CollectiveAnswer, Result
from mycity.console.models import AnswerTemplate
from mycity.content.models import Notice
from mycity.control.services import put_on_control
from mycity.privacy import services as privacy
from mycity.privacy.models import RequestKind
from mycity.reception.demo import load_demo_schedule
from mycity.reception.models import ReceptionSession
from mycity.webhooks.models import Message
from mycity.webhooks.services import register_endpoint
from tests.appeal_fixtures import letter, submit_report
from tests.browser.conftest import BrowserProblems, serve_map_tiles
from tests.browser.test_accessibility import city_information
from tests.browser.test_my_appeals import sign_in
from tests.conftest import person
from tests.factories import BuildingFactory, DistrictFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 320, "height": 640}

# Who opens each page. A console page is visited by the role whose desk it is.
PAGES: dict[str, str] = {
    "web:home": "anonymous",
    "web:city_chooser": "anonymous",
    "web:offline": "anonymous",
    "web:open_data_home": "anonymous",
    "web:city_home": "anonymous",
    "web:report": "anonymous",
    "web:open_data": "anonymous",
    "web:report_map": "anonymous",
    "web:collective_answers": "anonymous",
    "web:collective_answer": "anonymous",
    "web:privacy:notice": "anonymous",
    "web:reception:page": "anonymous",
    "content:notices": "anonymous",
    "content:notice": "anonymous",
    "content:news": "anonymous",
    "content:news_detail": "anonymous",
    "content:places": "anonymous",
    "content:place": "anonymous",
    "content:contacts": "anonymous",
    "content:events": "anonymous",
    "content:event": "anonymous",
    "content:search": "anonymous",
    "content:polls": "anonymous",
    "content:poll": "anonymous",
    "account_login": "anonymous",
    "account_signup": "anonymous",
    "account_request_login_code": "anonymous",
    "account_reset_password": "anonymous",
    "web:settings": "resident",
    "web:e_appeal": "resident",
    "web:my_appeals": "resident",
    "web:my_appeal": "resident",
    "web:my_notifications": "resident",
    "web:subscriptions": "resident",
    "web:privacy:my_data": "resident",
    "web:privacy:my_request": "resident",
    "web:reception:book": "resident",
    "account_email": "resident",
    "account_change_password": "resident",
    "mfa_index": "resident",
    "console:demo": "anonymous",
    "console:notifications": "dispatcher",
    "console:preferences": "dispatcher",
    "console:queue": "dispatcher",
    "console:card": "dispatcher",
    "console:answer_templates": "executor",
    "console:thanks": "executor",
    "console:notices": "editor",
    "console:new_notice": "editor",
    "console:notice": "editor",
    "console:news": "editor",
    "console:new_news": "editor",
    "console:news_item": "editor",
    "console:content_items": "editor",
    "console:new_content_item": "editor",
    "console:content_item": "editor",
    "console:intake": "intake",
    "console:letters": "intake",
    "console:reception:schedule": "intake",
    "console:reception:session": "intake",
    "console:collective": "head",
    "console:control:list": "head",
    "console:reports:page": "head",
    "console:privacy:requests": "privacy",
    "console:privacy:request": "privacy",
    "console:privacy:incidents": "privacy",
    "console:privacy:new_incident": "privacy",
    "console:privacy:incident": "privacy",
    "console:audit": "city_admin",
    "console:setup": "city_admin",
    "console:people": "city_admin",
    "console:person": "city_admin",
    "console:categories": "city_admin",
    "console:category": "city_admin",
    "console:new_category": "city_admin",
    "console:organisations": "city_admin",
    "console:organisation": "city_admin",
    "console:new_organisation": "city_admin",
    "console:open311_link": "city_admin",
    "console:city_settings": "city_admin",
    "console:city_terms": "city_admin",
    "console:operator_notice": "city_admin",
    "console:city_calendar": "city_admin",
    "console:districts": "city_admin",
    "console:webhooks": "city_admin",
    "console:webhook": "city_admin",
    "console:district": "city_admin",
    "console:new_district": "city_admin",
    "console:addresses": "city_admin",
    "console:copy_setup": "city_admin",
    "console:receptions": "city_admin",
    "console:reception_new_rule": "city_admin",
    "console:reception_rule": "city_admin",
    "console:reception_exception": "city_admin",
    "web:invitations": "resident",
    "console:field": "executor",
    "console:field_shell": "executor",
    "web:public_report": "anonymous",
    "web:report_alerts": "resident",
    "web:api_tokens": "resident",
    "analytics:home": "head",
    "analytics:city": "head",
    "analytics:appeals": "head",
    "analytics:cities": "ministry",
    "analytics_public:performance": "anonymous",
}
# The same pages as others see them: the queue and the card of each desk.
MORE_VISITS = [
    ("console:queue", "executor"),
    ("console:card", "executor"),
    ("console:queue", "moderator"),
    ("console:queue", "head"),
    ("console:card", "head"),
    ("web:report", "resident"),
    ("web:report_map", "resident"),
]
NOT_PAGES = {
    # Files and feeds, not documents a person scrolls.
    "web:manifest": "web app manifest (JSON)",
    "web:service_worker": "JavaScript",
    "web:robots": "text",
    "content:notices_feed": "RSS/Atom",
    "content:news_feed": "RSS/Atom",
    "content:events_ics": "iCalendar",
    "content:event_ics": "iCalendar",
    "content:news_cover": "JPEG",
    "content:place_photo": "JPEG",
    "content:event_image": "JPEG",
    "content:poll_csv": "CSV",
    "console:reports:csv": "CSV",
    "console:reports:xlsx": "XLSX",
    "web:privacy:download": "JSON copy of one's data",
    "analytics:cities_export": "CSV/XLSX",
    "analytics:city_export": "CSV/XLSX",
    "analytics:heat": "JSON of the heat map's cells",
    "analytics_public:daily_figures": "CSV/JSON",
    "console:export_setup": "JSON",
    "console:field_shortlist": "JSON for the phone's offline shortlist",
    "web:area_feed": "RSS",
    "web:report_feed": "RSS",
    "healthz": "probe",
    "readyz": "probe",
    # Answers to a form or a fragment for htmx, never opened on their own.
    "web:set_language": "POST only",
    "web:report_nearby": "htmx fragment of the report form",
    "web:me_too": "POST only",
    "web:reception:cancel": "POST only",
    "web:unsubscribe": "signed one-click link from an e-mail; its page is a one-line form",
    "console:act": "POST only",
    "console:webhook_act": "POST only",
    "console:answer_template": "POST only",
    "console:bulk": "POST only",
    "console:save_view": "POST only",
    "console:delete_view": "POST only",
    "console:withdraw_notice": "POST only",
    "console:go_live": "POST only",
    "console:settle_address": "POST only",
    "console:clear_calendar_day": "POST only",
    "console:release": "POST only",
    "console:withdraw_role": "POST only",
    "console:registration_preview": "htmx fragment of the settings form",
    "web:follow_report": "POST only",
    "web:stop_report_alert": "POST only",
    "web:revoke_api_token": "POST only",
    "console:filled_answer": "htmx fragment of the card",
    "console:reception:add_official": "POST only",
    "console:reception_add_official": "POST only",
    "console:reception_reminder": "POST only",
    "console:reception_retire_rule": "POST only",
    "console:reception_remove_exception": "POST only",
    "web:answer_invitation": "POST only",
    "console:reception:retire_official": "POST only",
    "console:reception:add_rule": "POST only",
    "console:reception:retire_rule": "POST only",
    "console:reception:generate": "POST only",
    "console:reception:record": "POST only",
    "console:control:set": "POST only",
    "console:control:lift": "POST only",
    "console:control:open_subtask": "POST only",
    "console:control:complete_subtask": "POST only",
    "console:control:report_subtask": "POST only",
    # Redirects to a page visited above.
    "console:home": "redirects to the person's desk",
    "<slug:slug>/appeals/<int:appeal_id>/": "redirects to the appeal's page",
    "account_logout": "a sign-out button's target",
}
# Other people's software, or steps reached only with a state the walk cannot make
# (a code or a key sent by e-mail, a provider's answer, a second factor set up).
NOT_OURS = ("admin/", "api/v1/", "open311/", "accounts/")


def routes() -> dict[str, str]:
    """Every route of the URL map: its name (or, unnamed, its pattern) → its pattern."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
                walk(item.url_patterns, prefix + str(item.pattern), inner)
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                found[f"{namespace}{item.name}" if item.name else route] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def our_routes() -> dict[str, str]:
    return {
        name: route
        for name, route in routes().items()
        if not route.startswith(NOT_OURS) or name in PAGES
    }


def test_every_route_is_a_page_or_a_reasoned_exception():
    unsorted = set(our_routes()) - set(PAGES) - set(NOT_PAGES)
    assert unsorted == set(), "put each new route in PAGES or NOT_PAGES"
    assert set(NOT_PAGES) <= set(routes()), "an exception names a route that is gone"


OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > root.clientWidth + 1
      && !el.closest('.leaflet-container, .scroll-x');
  });
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return root.scrollWidth + ' px: ' + wide.slice(0, 3).map(name).join(', ');
}"""


@pytest.fixture
def everything(site, city, resident, street_light, housing_question, department, head, clerk):
    """One of each thing a page shows, and a person for each desk."""
    lighting = street_light.default_organisation
    # Long names, as the real ones are, are what push a phone's page sideways.
    lighting.name_ru = "Коммунальное унитарное предприятие «Полоцкое городское освещение»"
    lighting.save(update_fields=["name_ru"])
    street_light.name_ru = "Не горит уличный фонарь, светильник или опора освещения повреждены"
    street_light.save(update_fields=["name_ru"])
    people = {
        "resident": resident,
        "dispatcher": person("dispatcher@example.org", RoleKind.DISPATCHER, city=city),
        "executor": person("light@example.org", RoleKind.EXECUTOR, organisation=lighting),
        "moderator": person("moderator@example.org", RoleKind.MODERATOR, city=city),
        "editor": person("editor@example.org", RoleKind.EDITOR, city=city),
        "city_admin": person("admin@example.org", RoleKind.CITY_ADMIN, city=city),
        "privacy": person("privacy@example.org", RoleKind.PRIVACY_OFFICER, city=city),
        "intake": clerk,
        "head": head,
        "ministry": person("ministry@example.org", None),
    }
    Observer.objects.create(user=people["ministry"], kind=ObserverKind.MINISTRY)
    resident.home_city = city
    resident.save(update_fields=["home_city"])
    report = submit_report(
        resident,
        street_light,
        description="Не горит фонарь у дома, электроэнергосбережение "
        "нарушено: https://example.org/очень/длинная/ссылка/без/пробелов/на/фотографию",
    )
    # An address a re-import no longer lists, with the report at it: the registry's page
    # then lists it to be mapped or kept.
    vanished = BuildingFactory(
        street__city=city,
        street__name_ru="Проспект Франциска Скорины и Евфросинии Полоцкой",
        number="120/2к3",
        vanished_at=timezone.now(),
    )
    Appeal.objects.filter(pk=report.pk).update(building=vanished)
    paper = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    put_on_control(actor=people["dispatcher"], appeal=paper, controller=head)
    content = city_information(city)
    now = timezone.now()
    notice = Notice.objects.create(
        city=city,
        kind="cold_water",
        title_ru="Отключение холодного водоснабжения",
        starts_at=now,
        ends_at=now + timedelta(hours=6),
        state="published",
        published_at=now,
    )
    load_demo_schedule(city, weeks=2)
    session = ReceptionSession.objects.filter(official__organisation__city=city).first()
    issue_personal_token(
        owner=resident,
        city=city,
        name="Приложение «Мой город» на телефоне Samsung Galaxy A54 в прихожей",
        scopes=["public", "resident", "staff"],
        lifetime_days=90,
    )
    data_request = privacy.file_request(user=resident, city=city, kind=RequestKind.COPY)
    incident = privacy.register_incident(
        actor=people["privacy"],
        city=city,
        description="Письмо отправлено не тому адресату",
        found_at=now - timedelta(hours=1),
        affected="Заявители",
        data_categories="ФИО, адрес",
    )
    hook = register_endpoint(
        actor=people["city_admin"],
        city=city,
        organisation=lighting,
        url="https://dispatch.gorodskoe-osveshchenie.example.org/integrations/mycity/webhooks",
        events=["appeal.registered", "appeal.assigned", "appeal.answered"],
        description="Диспетчерская система КУП «Полоцкое городское освещение»",
    )
    failed = Message.objects.create(
        endpoint=hook,
        webhook_id="msg_" + "f" * 32,
        event_type="appeal.assigned",
        body="{}",
        dedupe_key="width",
        attempts=1,
    )
    failed.attempt_rows.create(
        number=1,
        at=now,
        status_code=503,
        error="The endpoint answered 503.",
        next_retry_at=now + timedelta(seconds=30),
    )
    template = AnswerTemplate.objects.create(
        organisation=lighting, title="Фонарь заменён", text="Фонарь заменён {date}."
    )
    answer = CollectiveAnswer.objects.create(
        city=city,
        organisation=department,
        category=housing_question,
        title="Об очереди на жильё",
        text="Очередь ведёт райисполком.",
        result=Result.EXPLAINED,
        published_at=now,
    )
    ids = {
        "slug": city.slug,
        "appeal_id": report.pk,
        "letter_id": paper.pk,
        "notice_id": notice.pk,
        "news_id": int(content[2].split("/")[-2]),
        "place_id": int(content[0].split("/")[-2]),
        "event_id": int(content[1].split("/")[-2]),
        "poll_id": int(content[3].split("/")[-2]),
        "answer_id": answer.pk,
        "session_id": session.pk,
        "rule_id": session.rule_id,
        "request_id": data_request.pk,
        "incident_id": incident.pk,
        "template_id": template.pk,
        "kind": "events",
        "item_id": int(content[1].split("/")[-2]),
        "category_id": street_light.pk,
        "organisation_id": lighting.pk,
        "organisation_slug": lighting.slug,
        "district_id": DistrictFactory(city=city).pk,
        "user_id": people["dispatcher"].pk,
        "endpoint_id": hook.pk,
    }
    return people, ids


def url_of(name: str, route: str, ids: dict, who: str) -> str:
    wanted = {key: ids[key] for key in ids if f":{key}>" in route}
    if name == "console:card" and who == "head":
        wanted["appeal_id"] = ids["letter_id"]
    url = reverse(name, kwargs=wanted)
    if name == "console:queue" and who in ("executor", "head"):
        url += "?organisation=" + ("gorsvet" if who == "executor" else "uzhkh")
    return url


def test_every_page_fits_a_320_px_phone(site, browser, everything):
    people, ids = everything
    known = our_routes()
    visits = [(name, who) for name, who in PAGES.items() if name in known] + MORE_VISITS
    by_person: dict[str, list[str]] = {}
    for name, who in visits:
        by_person.setdefault(who, []).append(name)
    too_wide: dict[str, str] = {}
    problems = BrowserProblems()
    for who, names in by_person.items():
        context = browser.new_context(viewport=PHONE, locale="ru-RU")
        serve_map_tiles(context, [])
        if who != "anonymous":
            sign_in(context, site, people[who])
        page = context.new_page()
        problems.watch(page)
        try:
            for name in names:
                url = url_of(name, known[name], ids, who)
                response = page.goto(site.url + url)
                if response is None or response.status != 200:
                    too_wide[f"{url} ({who})"] = f"answered {response and response.status}"
                elif found := page.evaluate(OVERFLOW):
                    too_wide[f"{url} ({who})"] = found
        finally:
            context.close()
    assert too_wide == {}
    assert problems.items == []
