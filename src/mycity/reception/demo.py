"""A reception schedule for the demo city: the executive committee's chairman and
deputy, the housing department and a housing maintenance unit, with sessions for the
coming weeks. Running it again changes nothing."""

from datetime import time

from django.db import transaction

from mycity.cities.models import City, Organisation
from mycity.reception import services
from mycity.reception.models import Official

# (repeat, week of the month, weekday, from, until, place)
Times = tuple[str, int | None, int, time, time, str]
# (organisation slug, official, position, their times)
SCHEDULE: list[tuple[str, str, str, list[Times]]] = [
    (
        "ispolkom",
        "Смирнов Андрей Николаевич",
        "Председатель райисполкома",
        [("monthly", 1, 2, time(8, 0), time(13, 0), "ул. Ленина, 11, каб. 201")],
    ),
    (
        "ispolkom",
        "Ковалёва Ирина Сергеевна",
        "Заместитель председателя райисполкома",
        [("weekly", None, 0, time(14, 0), time(17, 0), "ул. Ленина, 11, каб. 205")],
    ),
    (
        "uzhkh",
        "Петров Пётр Петрович",
        "Начальник управления жилищно-коммунального хозяйства",
        [("weekly", None, 3, time(9, 0), time(12, 0), "ул. Ленина, 11, каб. 310")],
    ),
    (
        "zheu-1",
        "Лебедев Сергей Викторович",
        "Мастер ЖЭУ № 1",
        [("monthly", -1, 4, time(15, 0), time(18, 0), "ул. Нижне-Покровская, 20")],
    ),
]
WEEKS = 6


@transaction.atomic
def load_demo_schedule(city: City, *, weeks: int = WEEKS) -> int:
    """The schedule and its sessions; how many sessions were new."""
    organisations = {o.slug: o for o in Organisation.objects.filter(city=city, is_active=True)}
    for slug, full_name, position, rules in SCHEDULE:
        organisation = organisations.get(slug)
        if organisation is None:
            continue
        if Official.objects.filter(organisation=organisation, full_name=full_name).exists():
            continue
        official = services.add_official(
            actor=None,
            city=city,
            organisation=organisation,
            full_name=full_name,
            position=position,
        )
        for repeat, week, weekday, starts_at, ends_at, place in rules:
            services.add_rule(
                actor=None,
                official=official,
                draft=services.RuleDraft(
                    repeat=repeat,
                    week=week,
                    weekday=weekday,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=place,
                ),
            )
    return services.generate_sessions(actor=None, city=city, weeks=weeks)
