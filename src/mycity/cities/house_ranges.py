"""Streets and ranges of house numbers from the registry: how a notice names the houses
it affects and how an organisation names the houses it serves. A range counts by the
house number's leading integer (`Building.number_sort`), so "5А" is within 1–9."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Mod
from django.utils.translation import gettext as _

from mycity.cities.models import Building, City, Parity, Street


@dataclass(frozen=True)
class HouseRange:
    """A whole street, or a range of its numbers (either end open), on one side or both."""

    street_id: int
    number_from: int | None = None
    number_to: int | None = None
    parity: str = Parity.ALL

    def covers(self, *, street_id: int, number_sort: int) -> bool:
        if street_id != self.street_id:
            return False
        if self.number_from is not None and number_sort < self.number_from:
            return False
        if self.number_to is not None and number_sort > self.number_to:
            return False
        if self.parity == Parity.ODD:
            return number_sort % 2 == 1
        if self.parity == Parity.EVEN:
            return number_sort % 2 == 0
        return True


def on_street(*, street_id: int, number_from: int | None, number_to: int | None, parity: str) -> Q:
    """The buildings of one line, for a queryset aliased with `with_parity`."""
    condition = Q(street_id=street_id)
    if number_from is not None:
        condition &= Q(number_sort__gte=number_from)
    if number_to is not None:
        condition &= Q(number_sort__lte=number_to)
    if parity != Parity.ALL:
        # number_sort is the house number's leading integer: its parity is the house's.
        condition &= Q(parity=1 if parity == Parity.ODD else 0)
    return condition


def with_parity(buildings: QuerySet[Building]) -> QuerySet[Building]:
    return buildings.alias(parity=Mod("number_sort", 2))


def buildings_in(city: City, lines: Iterable[HouseRange]) -> QuerySet[Building]:
    condition = Q(pk__in=[])
    for line in lines:
        condition |= on_street(
            street_id=line.street_id,
            number_from=line.number_from,
            number_to=line.number_to,
            parity=line.parity,
        )
    return with_parity(Building.objects.filter(city=city)).filter(condition)


def range_problems(city: City, lines: list[HouseRange], *, field: str) -> list[dict[str, str]]:
    """What is wrong with the lines: a street of another city (or none), a range that
    ends before it starts, an unknown side."""
    problems = []
    known = set(
        Street.objects.filter(city=city, pk__in={line.street_id for line in lines}).values_list(
            "pk", flat=True
        )
    )
    for index, line in enumerate(lines):
        where = f"{field}[{index}]"
        if line.street_id not in known:
            problems.append({"field": where, "message": _("There is no such street in the city.")})
        if line.parity not in Parity.values:
            problems.append(
                {"field": f"{where}.parity", "message": _("Choose all, odd or even numbers.")}
            )
        low, high = line.number_from, line.number_to
        if low is not None and high is not None and low > high:
            problems.append(
                {
                    "field": f"{where}.number_to",
                    "message": _("The range must not end before it starts."),
                }
            )
    return problems
