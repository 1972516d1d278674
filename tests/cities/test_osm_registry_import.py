"""Importing the address registry from an OpenStreetMap extract (.osm.pbf)."""

import pytest
from django.core.management import CommandError, call_command

from mycity.cities.errors import RegistryImportError
from mycity.cities.models import Building, Street
from mycity.cities.registry_import import import_registry
from tests.osm_extracts import LAT, LON, Extract

pytestmark = pytest.mark.django_db


def lenina(extract: Extract) -> None:
    extract.way(
        [(LAT, LON - 0.01), (LAT, LON + 0.01)],
        {"highway": "residential", "name": "улица Ленина", "name:be": "вуліца Леніна"},
        closed=False,
    )


def test_buildings_and_address_nodes_become_the_registry(city, tmp_path):
    extract = Extract()
    lenina(extract)
    extract.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    extract.building(LAT + 0.001, LON, {"addr:street": "улица Ленина", "addr:housenumber": "3"})
    extract.multipolygon(
        [
            [
                (LAT + 0.002, LON),
                (LAT + 0.002, LON + 0.001),
                (LAT + 0.003, LON + 0.001),
                (LAT + 0.003, LON),
            ]
        ],
        {"building": "yes", "addr:street": "улица Ленина", "addr:housenumber": "5А"},
    )
    report = import_registry(city=city, path=extract.write(tmp_path / "city.osm.pbf"))
    assert (report.created, report.refused, report.outside) == (3, [], 0)
    street = Street.objects.get(city=city)
    assert (street.kind, street.name_ru, street.name_be) == ("street", "Ленина", "Леніна")
    three = Building.objects.get(number="3")
    # The centroid of the square outline.
    assert (round(three.lat, 5), round(three.lon, 5)) == (round(LAT + 0.001, 5), round(LON, 5))
    relation = Building.objects.get(number="5А")
    assert (round(relation.lat, 4), round(relation.lon, 4)) == (
        round(LAT + 0.0025, 4),
        round(LON + 0.0005, 4),
    )


def test_addresses_outside_the_city_or_of_another_place_are_skipped(city, tmp_path):
    extract = Extract()
    extract.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    extract.node(LAT + 0.3, LON, {"addr:street": "улица Ленина", "addr:housenumber": "2"})
    extract.node(
        LAT + 0.001,
        LON,
        {"addr:street": "улица Ленина", "addr:housenumber": "4", "addr:city": "Новополоцк"},
    )
    extract.node(
        LAT + 0.002,
        LON,
        {"addr:street": "улица Ленина", "addr:housenumber": "6", "addr:city": "Полацк"},
    )
    report = import_registry(city=city, path=extract.write(tmp_path / "region.osm.pbf"))
    assert (report.created, report.outside) == (2, 2)
    assert sorted(Building.objects.values_list("number", flat=True)) == ["1", "6"]


def test_an_address_tag_in_russian_wins_over_the_street_way(city, tmp_path):
    extract = Extract()
    extract.node(
        LAT,
        LON,
        {
            "addr:street": "вуліца Леніна",
            "addr:street:ru": "улица Ленина",
            "addr:housenumber": "1",
        },
    )
    import_registry(city=city, path=extract.write(tmp_path / "c.osm.pbf"))
    street = Street.objects.get(city=city)
    assert (street.name_ru, street.name_be) == ("Ленина", "Леніна")


def test_a_reimport_reports_changed_and_vanished_like_csv(city, tmp_path):
    first = Extract()
    first.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    first.node(LAT + 0.001, LON, {"addr:street": "улица Ленина", "addr:housenumber": "2"})
    import_registry(city=city, path=first.write(tmp_path / "a.osm.pbf"))
    second = Extract()
    second.node(LAT + 0.0005, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    second.node(LAT + 0.002, LON, {"addr:street": "улица Ленина", "addr:housenumber": "3"})
    report = import_registry(city=city, path=second.write(tmp_path / "b.osm.pbf"))
    assert (report.created, report.changed, report.vanished) == (1, 1, ["Ленина, 2"])
    gone = Building.objects.get(number="2")
    assert gone.vanished_at is not None


def test_an_address_listed_again_is_no_longer_vanished(city, tmp_path):
    extract = Extract()
    extract.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    path = extract.write(tmp_path / "a.osm.pbf")
    import_registry(city=city, path=path)
    Building.objects.update(vanished_at="2026-01-01T00:00:00Z", kept_as_historical=True)
    import_registry(city=city, path=path)
    assert Building.objects.filter(vanished_at=None, kept_as_historical=False).count() == 1


def test_a_row_refused_names_its_osm_object(city, tmp_path):
    extract = Extract()
    extract.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    extract.node(LAT, LON + 0.001, {"addr:housenumber": "2"})  # no street
    report = import_registry(city=city, path=extract.write(tmp_path / "a.osm.pbf"))
    [refusal] = report.refused
    assert (refusal.field, refusal.source) == ("street_ru", f"node {extract.nodes[1].id}")


def test_an_extract_without_addresses_is_refused(city, tmp_path):
    extract = Extract()
    extract.way([(LAT, LON), (LAT, LON + 0.01)], {"highway": "residential"}, closed=False)
    with pytest.raises(RegistryImportError) as error:
        import_registry(city=city, path=extract.write(tmp_path / "empty.osm.pbf"))
    assert error.value.field == "file"
    assert "нет адресов" in str(error.value.message)


def test_a_file_that_is_not_pbf_is_refused(city, tmp_path):
    path = tmp_path / "fake.osm.pbf"
    path.write_text("street_ru,number\n", encoding="utf-8")
    with pytest.raises(RegistryImportError) as error:
        import_registry(city=city, path=path)
    assert "не является выгрузкой OpenStreetMap" in str(error.value.message)


def test_a_damaged_pbf_is_refused_and_nothing_is_written(city, tmp_path):
    extract = Extract()
    for number in range(50):
        extract.node(
            LAT, LON + number * 1e-5, {"addr:street": "Ленина", "addr:housenumber": f"{number}"}
        )
    whole = extract.write(tmp_path / "whole.osm.pbf").read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(whole[: len(whole) - 40])
    with pytest.raises(RegistryImportError) as error:
        import_registry(city=city, path=cut)
    assert "повреждён" in str(error.value.message)
    assert not Building.objects.exists()


def test_the_command_imports_an_extract_of_any_size(city, tmp_path, capsys):
    extract = Extract()
    extract.node(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    call_command("import_addresses", "polotsk", str(extract.write(tmp_path / "big.osm.pbf")))
    assert "1 buildings created" in capsys.readouterr().out


def test_the_command_says_why_a_pbf_is_refused(city, tmp_path):
    path = tmp_path / "x.osm.pbf"
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(CommandError, match="не является выгрузкой OpenStreetMap"):
        call_command("import_addresses", "polotsk", str(path))
