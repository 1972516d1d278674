"""Writers say here that a city's public pages changed; the cached public reads
(mycity.core.public_reads) of that city are then stale from the moment the write
commits. Every service that changes what an anonymous reader sees calls one of these."""

from mycity.cities.models import City
from mycity.core import public_reads


def city_pages_changed(city: City | int) -> None:
    """After commit, every cached public read of `city` (a City or its id) is stale."""
    if isinstance(city, City):
        slug = city.slug
    else:
        slug = City.objects.filter(pk=city).values_list("slug", flat=True).first() or ""
    if slug:
        public_reads.city_changed(slug)


def city_list_changed() -> None:
    """After commit, the cached list of cities is stale."""
    public_reads.roster_changed()
