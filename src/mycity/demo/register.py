"""The demo's register: letters an intake clerk registered in the last weeks, and what
the Law on appeals then did with them (one left without consideration with its letter
waiting to be posted, an anonymous one, thanks, one on control with a sub-task), so
that `make run` shows the register at work. Nothing when the city has letters."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mycity.accounts.models import User
from mycity.appeals import consideration
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import Appeal, AppealKind, Category, Channel
from mycity.appeals.policy import Ground
from mycity.cities.models import City, Organisation
from mycity.control.models import SubtaskKind
from mycity.control.services import open_subtask, put_on_control

LETTERS = [
    # days ago, channel, name, address, text
    (
        9,
        Channel.POST,
        "Ковалёва Нина Сергеевна",
        "211400, г. Полоцк, ул. Октябрьская, 12, кв. 4",
        "Прошу разъяснить, когда будет заменён лифт в нашем подъезде.",
    ),
    (
        7,
        Channel.HOTLINE,
        "Лукашевич Андрей Петрович",
        "211400, г. Полоцк, ул. Ленина, 30, кв. 15",
        "Вопрос о сроках капитального ремонта кровли дома.",
    ),
    (
        6,
        Channel.BOOK,
        "Шевчук Ольга Ивановна",
        "211400, г. Полоцк, пр-т Франциска Скорины, 7, кв. 2",
        "Благодарю работников ЖЭС за быстрый ремонт подъезда!",
    ),
    (
        5,
        Channel.POST,
        "Мельник Виктор Олегович",
        "211400, г. Полоцк, ул. Замковая, 3",
        "Прошу решить спор с соседом о границе участка.",
    ),
    (4, Channel.POST, "", "", "Во дворе дома по ул. Нижне-Покровской по ночам шумят."),
    (
        2,
        Channel.NATIONAL,
        "Гончаренко Павел Андреевич",
        "211400, г. Полоцк, ул. Гагарина, 45, кв. 8",
        "Прошу сообщить порядок получения разрешения на перепланировку квартиры.",
    ),
]


@transaction.atomic
def load_register(city: City) -> int:
    if Appeal.objects.filter(city=city, channel__in=[Channel.POST, Channel.HOTLINE]).exists():
        return 0
    clerk = User.objects.filter(email__startswith="intake@").first()
    dispatcher = User.objects.filter(email__startswith="dispatcher@").first()
    deputy = User.objects.filter(email__startswith="deputy@").first()
    category = (
        Category.objects.filter(city=city, kind=AppealKind.E_APPEAL, is_active=True)
        .exclude(default_organisation=None)
        .order_by("display_order")
        .first()
    )
    registrar = Organisation.objects.filter(city=city, kind=Organisation.Kind.DEPARTMENT).first()
    if (
        clerk is None
        or dispatcher is None
        or deputy is None
        or category is None
        or registrar is None
    ):
        return 0
    now = timezone.now()
    appeals = []
    for n, (days, channel, name, address, text) in enumerate(LETTERS):
        appeals.append(
            register_received_appeal(
                actor=clerk,
                city=city,
                registrar=registrar,
                channel=channel,
                received_at=now - timedelta(days=days, hours=n),
                draft=AppealDraft(
                    category_slug=category.slug,
                    description=text,
                    applicant_name=name,
                    applicant_address=address,
                ),
                source_number=f"demo-{n + 1}",
                anonymous=not name,
            ).appeal
        )
    lift, roof, thanks, dispute, anonymous, _replanning = appeals
    consideration.record_thanks(actor=dispatcher, appeal=thanks)
    consideration.leave_without_consideration(
        actor=deputy,
        appeal=dispute,
        ground=Ground.OTHER_PROCEDURE,
        note="Споры о границах участков разрешает суд.",
        where_to_apply="Полоцкий районный суд",
    )
    consideration.leave_without_consideration(
        actor=deputy, appeal=anonymous, ground=Ground.ANONYMOUS
    )
    put_on_control(actor=dispatcher, appeal=roof, controller=dispatcher)
    if lift.organisation_id is not None:
        open_subtask(
            actor=dispatcher,
            appeal=lift,
            kind=SubtaskKind.REQUEST,
            counterpart="ОАО «Могилёвлифтмаш»",
            description="График замены лифтового оборудования.",
            started_on=lift.registered_on,
        )
    return len(appeals)
