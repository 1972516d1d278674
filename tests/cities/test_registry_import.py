import json

import pytest
from django.core.management import CommandError, call_command

from mycity.cities.errors import RegistryImportError
from mycity.cities.models import Building, Street
from mycity.cities.registry_import import import_registry
from mycity.cities.selectors import search_addresses
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

# The `city` fixture's boundary is a square of ±0.05° around 55.4856, 28.7683.
HEADER = "street_ru,street_be,street_en,street_kind,number,lat,lon,postcode\n"
GOOD = (
    HEADER
    + "Нижне-Покровская,Ніжне-Пакроўская,Nizhne-Pokrovskaya,street,5,55.4870,28.7600,211400\n"
    + "Нижне-Покровская,Ніжне-Пакроўская,,street,7А,55.4871,28.7605,\n"
    + "проспект Франциска Скорины,праспект Францыска Скарыны,,,12,55.4900,28.7800,\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_creates_streets_and_buildings_in_their_districts(city, tmp_path):
    district = DistrictFactory(city=city)
    report = import_registry(city=city, path=write(tmp_path, "r.csv", GOOD))
    assert (report.created, report.updated, report.streets_created, report.refused) == (3, 0, 2, [])
    building = Building.objects.get(number="5")
    assert (building.street.name_be, building.postcode, building.district) == (
        "Ніжне-Пакроўская",
        "211400",
        district,
    )


def test_the_street_kind_is_guessed_from_the_name(city, tmp_path):
    import_registry(city=city, path=write(tmp_path, "r.csv", GOOD))
    street = Street.objects.get(name_ru="Франциска Скорины")
    assert (street.kind, street.name_be) == ("avenue", "Францыска Скарыны")


def test_a_semicolon_csv_with_a_bom_is_read(city, tmp_path):
    text = "\ufeff" + GOOD.replace(",", ";")
    report = import_registry(city=city, path=write(tmp_path, "r.csv", text))
    assert report.created == 3


def test_importing_the_same_file_again_creates_nothing_and_updates_positions(city, tmp_path):
    import_registry(city=city, path=write(tmp_path, "r.csv", GOOD))
    moved = GOOD.replace("55.4870,28.7600", "55.4880,28.7610")
    report = import_registry(city=city, path=write(tmp_path, "r2.csv", moved))
    assert (report.created, report.updated, report.streets_created) == (0, 3, 0)
    assert Building.objects.count() == 3
    assert Building.objects.get(number="5").lat == 55.4880


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (",,,street,1,55.48,28.76,", "street_ru"),
        ("Ленина,,,street,,55.48,28.76,", "number"),
        ("Ленина,,,street,1,north,28.76,", "lat"),
        ("Ленина,,,street,1,95,28.76,", "lat"),
        ("Ленина,,,street,1,55.48,nan,", "lon"),
        ("Ленина,,,street,1,53.90,27.56,", "lat"),  # Minsk: outside the city
        ("Ленина,,,alley,1,55.48,28.76,", "street_kind"),
        ("Ленина,,,street," + "1" * 21 + ",55.48,28.76,", "number"),
        ("Ленина,,,street,5,55.48,28.76,", "number"),  # the same address twice
    ],
)
def test_a_bad_row_is_refused_with_its_number_field_and_reason(city, tmp_path, line, field):
    text = HEADER + "Ленина,,,street,5,55.48,28.76,\n" + line + "\n"
    report = import_registry(city=city, path=write(tmp_path, "r.csv", text))
    assert report.created == 1
    (refusal,) = report.refused
    assert (refusal.row, refusal.field) == (3, field)
    assert refusal.message


def test_strict_mode_writes_nothing_when_a_row_is_refused(city, tmp_path):
    text = GOOD + "Ленина,,,street,1,53.90,27.56,\n"
    report = import_registry(city=city, path=write(tmp_path, "r.csv", text), strict=True)
    assert not report.applied
    assert (report.created, len(report.refused)) == (0, 1)
    assert not Street.objects.exists()
    assert not Building.objects.exists()


def test_a_geojson_extract_with_points_and_outlines(city, tmp_path):
    outline = [
        [
            [28.7600, 55.4860],
            [28.7610, 55.4860],
            [28.7610, 55.4866],
            [28.7600, 55.4866],
            [28.7600, 55.4860],
        ]
    ]
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [28.7700, 55.4900]},
                "properties": {"addr:street": "улица Ленина", "addr:housenumber": "3"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": outline},
                "properties": {
                    "addr:street:ru": "Замковая улица",
                    "addr:street:be": "Замкавая вуліца",
                    "addr:housenumber": "1",
                    "addr:postcode": "211400",
                },
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"addr:street": "Ленина", "addr:housenumber": "9"},
            },
        ],
    }
    report = import_registry(city=city, path=write(tmp_path, "r.geojson", json.dumps(document)))
    assert (report.created, [r.row for r in report.refused]) == (2, [2])
    castle = Building.objects.get(street__name_ru="Замковая")
    assert (castle.street.name_be, castle.postcode) == ("Замкавая", "211400")
    assert 55.4860 < castle.lat < 55.4866


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("r.csv", "street,house\nЛенина,1\n"),
        ("r.geojson", "{not json"),
        ("r.geojson", '{"type": "Feature"}'),
    ],
)
def test_an_unreadable_file_is_refused_whole(city, tmp_path, name, text):
    with pytest.raises(RegistryImportError):
        import_registry(city=city, path=write(tmp_path, name, text))
    assert not Building.objects.exists()


def test_search_finds_an_imported_street_by_a_belarusian_prefix(city, tmp_path):
    import_registry(city=city, path=write(tmp_path, "r.csv", GOOD))
    assert [s.name_ru for s in search_addresses(city, "Пакр").streets] == ["Нижне-Покровская"]


def test_the_command_prints_counts_and_refusals(city, tmp_path, capsys):
    path = write(tmp_path, "r.csv", GOOD + "Ленина,,,street,1,53.90,27.56,\n")
    call_command("import_addresses", "polotsk", str(path))
    captured = capsys.readouterr()
    assert "3 buildings created" in captured.out
    assert "row 5: lat:" in captured.err


def test_the_command_fails_in_strict_mode_and_for_unknown_cities(city, tmp_path):
    path = write(tmp_path, "r.csv", GOOD + "Ленина,,,street,1,53.90,27.56,\n")
    with pytest.raises(CommandError):
        call_command("import_addresses", "polotsk", str(path), "--strict")
    with pytest.raises(CommandError):
        call_command("import_addresses", "atlantis", str(path))
    with pytest.raises(CommandError):
        call_command("import_addresses", "polotsk", str(tmp_path / "missing.csv"))
