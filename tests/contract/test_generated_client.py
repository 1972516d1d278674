"""A client generated from the published OpenAPI document alone (docs/openapi.json, by
openapi-python-client, a standard generator) does a resident's and an executor's whole
work against a running server. The generated code is all the tests call: if the
document misstates an operation, its body or its answers, the generated call fails."""

import importlib
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import INSIDE, jpeg
from tests.factories import BuildingFactory, StreetFactory

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
# The generator reads an answer's body by its content type; pictures and PDFs are bytes.
CONFIG = """\
post_hooks: []
content_type_overrides:
  image/jpeg: application/octet-stream
  application/pdf: application/octet-stream
"""


@pytest.fixture(scope="module")
def generation(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    where = tmp_path_factory.mktemp("generated")
    config = where / "config.yaml"
    config.write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            *(str(generator), "generate", "--path", str(DOCUMENT), "--config", str(config)),
            *("--meta", "none", "--output-path", str(where / "mycity_client")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, where


@pytest.fixture(scope="module")
def sdk(generation) -> ModuleType:
    done, where = generation
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("mycity_client")
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n.split(".")[0] == "mycity_client"]:
            del sys.modules[name]


def call(sdk: ModuleType, operation: str, **arguments):
    """The generated function of an operation, by its operationId, answering its model."""
    # The generator groups operations by tag, one module each.
    (found,) = Path(sdk.__file__).parent.glob(f"api/*/{operation}.py")
    module = importlib.import_module(f"mycity_client.api.{found.parent.name}.{operation}")
    return module.sync_detailed(**arguments)


def test_the_published_document_generates_a_client_without_losing_anything(generation):
    done, _ = generation
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    # The generator drops what it cannot represent and says so: nothing may be dropped,
    # except the operations kept for old clients whose object parameter no generator
    # can send (each has a separate operation for generated clients).
    kept_for_old_clients = (
        "GET /api/v1/cities/{slug}/addresses ",
        "GET /api/v1/cities/{slug}/notices/affecting ",
    )
    problems = [
        line
        for line in said.splitlines()
        if ("WARNING" in line or "Unable" in line or "removal" in line)
        and not line.strip().endswith("some pieces may be missing")
        and not any(old in line + " " for old in kept_for_old_clients)
    ]
    assert problems == [], said


@pytest.fixture
def server(live_server) -> str:
    return live_server.url


def client_for(sdk, server, user, city, *scopes):
    token = issue_api_client(city=city, name="phone app", user=user, scopes=scopes).key
    return with_token(sdk, server, token)


def with_token(sdk, server, token, **headers):
    # A client of its own for other headers: the generated `with_headers` also changes
    # the headers of the connection the first client already opened.
    return sdk.AuthenticatedClient(
        base_url=server,
        token=token,
        headers={"Accept-Language": "en", **headers},
        raise_on_unexpected_status=True,  # an answer the document does not declare fails
        timeout=30.0,
    )


def ok(answer, status=200):
    assert answer.status_code == status, answer.content
    return answer.parsed


def picture(name: str):
    from mycity_client.types import File

    return File(payload=io.BytesIO(jpeg(160, 120).read()), file_name=name, mime_type="image/jpeg")


@pytest.mark.django_db(transaction=True)
def test_a_resident_and_an_executor_do_their_whole_work_through_the_generated_client(
    sdk, server, city, resident, executor, organisation, leaking_roof
):
    BuildingFactory(
        street=StreetFactory(city=city, name_ru="Замковая", name_en="Zamkovaya"),
        number="3",
        lat=INSIDE[0],
        lon=INSIDE[1],
    )
    models = importlib.import_module("mycity_client.models")
    phone = client_for(sdk, server, resident, city, "public", "resident")

    # The resident finds the city, the category and the place.
    cities = ok(call(sdk, "mycity_cities_api_list_cities", client=phone))
    assert city.slug in [c.slug for c in cities]
    categories = ok(call(sdk, "mycity_appeals_api_list_categories", slug=city.slug, client=phone))
    roof = next(c for c in categories if c.slug == leaking_roof.slug)
    found = ok(
        call(
            sdk,
            "mycity_cities_api_search_addresses_by_words",
            slug=city.slug,
            client=phone,
            q="Замковая 3",
        )
    )
    building = next(item for item in found.items if item.kind == "building")
    nearest = ok(
        call(
            sdk,
            "mycity_cities_api_nearest_addresses",
            slug=city.slug,
            client=phone,
            near=f"{INSIDE[0]},{INSIDE[1]}",
        )
    )
    assert nearest.items[0].building_id == building.building_id

    # Files the report with a photo, with an idempotency key as a phone on a bad network.
    form = models.MycityAppealsApiSubmitMultiPartBodyParams(
        category=roof.slug,
        description="Течёт крыша над третьим подъездом",
        building_id=building.building_id,
        consent=True,
        extra='{"entrance": 3}',
        files=[picture("roof.jpg")],
    )
    filed = ok(call(sdk, "mycity_appeals_api_submit", slug=city.slug, client=phone, body=form), 201)
    assert filed.status == "assigned"
    assert filed.organisation.slug == organisation.slug
    again = ok(
        call(
            sdk,
            "mycity_appeals_api_submit",
            slug=city.slug,
            client=with_token(sdk, server, phone.token, **{"Idempotency-Key": "roof-1"}),
            body=models.MycityAppealsApiSubmitMultiPartBodyParams(
                category=roof.slug,
                description="Течёт крыша над третьим подъездом",
                building_id=building.building_id,
                consent=True,
                extra='{"entrance": 3}',
            ),
        ),
        201,
    )
    retried = call(
        sdk,
        "mycity_appeals_api_submit",
        slug=city.slug,
        client=with_token(sdk, server, phone.token, **{"Idempotency-Key": "roof-1"}),
        body=models.MycityAppealsApiSubmitMultiPartBodyParams(
            category=roof.slug,
            description="Течёт крыша над третьим подъездом",
            building_id=building.building_id,
            consent=True,
            extra='{"entrance": 3}',
        ),
    )
    assert (retried.status_code, retried.parsed.id) == (200, again.id)
    mine = ok(call(sdk, "mycity_appeals_api_my_appeals", client=phone))
    assert {a.id for a in mine.items} == {filed.id, again.id}
    photo = filed.files[0]
    image = call(
        sdk, "mycity_appeals_api_get_file", appeal_id=filed.id, file_id=photo.id, client=phone
    )
    assert image.status_code == 200
    assert image.content[:3] == b"\xff\xd8\xff"  # a JPEG

    # A bad report gets field details the app can put under its fields.
    refused = call(
        sdk,
        "mycity_appeals_api_submit",
        slug=city.slug,
        client=phone,
        body=models.MycityAppealsApiSubmitMultiPartBodyParams(
            category=roof.slug, description="", building_id=building.building_id, consent=False
        ),
    )
    assert refused.status_code == 400
    assert {d.field for d in refused.parsed.details} == {"description", "consent", "extra.entrance"}

    # The executor's dispatch system: the queue, the appeal, start, answer with a photo.
    dispatch = client_for(sdk, server, executor, city, "staff")
    queue = ok(
        call(
            sdk,
            "mycity_appeals_api_handled_appeals",
            slug=city.slug,
            client=dispatch,
            status=[models.MycityAppealsApiHandledAppealsStatusWord("assigned")],
        )
    )
    assert filed.id in [a.id for a in queue.items]
    seen = ok(call(sdk, "mycity_appeals_api_get_appeal", appeal_id=filed.id, client=dispatch))
    assert "start" in seen.moves
    assert seen.applicant.email == resident.email
    start = models.MoveInType0(move=models.MoveInType0Move.START)
    start["expected_version"] = seen.version  # the body's common fields travel as extras
    started = ok(
        call(sdk, "mycity_appeals_api_make_move", appeal_id=filed.id, client=dispatch, body=start)
    )
    assert started.status == "in_progress"
    hand_back = models.MoveInType0(move=models.MoveInType0Move.RETURN)
    hand_back["note"] = "не наше"
    hand_back["expected_version"] = seen.version  # what it saw before it started: stale
    stale = call(
        sdk, "mycity_appeals_api_make_move", appeal_id=filed.id, client=dispatch, body=hand_back
    )
    assert (stale.status_code, stale.parsed.code) == (409, "stale_appeal")
    answer = models.MycityAppealsApiAnswerMultiPartBodyParams(
        text="Кровля отремонтирована.", files=[picture("after.jpg")]
    )
    answered = ok(
        call(sdk, "mycity_appeals_api_answer", appeal_id=filed.id, client=dispatch, body=answer)
    )
    assert answered.status == "answered"
    # The resident's token is not the executor's: no staff work with it.
    forbidden = call(
        sdk, "mycity_appeals_api_make_move", appeal_id=again.id, client=phone, body=start
    )
    assert forbidden.status_code == 403

    # The resident is told, reads the answer, and rates it.
    told = ok(call(sdk, "mycity_notify_api_list_notifications", client=phone))
    assert told.items, "the answer was not notified"
    ok(
        call(
            sdk,
            "mycity_notify_api_mark_notifications_read",
            client=phone,
            body=models.MarkReadIn(ids=[n.id for n in told.items]),
        )
    )
    read = ok(call(sdk, "mycity_appeals_api_get_appeal", appeal_id=filed.id, client=phone))
    assert read.answers[0].text == "Кровля отремонтирована."
    rated = ok(
        call(
            sdk,
            "mycity_appeals_api_rate",
            appeal_id=filed.id,
            client=phone,
            body=models.RatingIn(rating=5, comment="Спасибо"),
        )
    )
    assert rated.status == "closed"
    assert Appeal.objects.get(pk=filed.id).status == Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_anyone_reads_public_data_through_the_generated_client(sdk, server, city, street_light):
    anonymous = sdk.Client(base_url=server, raise_on_unexpected_status=True, timeout=30.0)
    detail = ok(call(sdk, "mycity_cities_api_get_city", slug=city.slug, client=anonymous))
    assert detail.slug == city.slug
    reports = ok(call(sdk, "mycity_appeals_api_list_reports", slug=city.slug, client=anonymous))
    assert reports.items == []
    missing = call(sdk, "mycity_cities_api_get_city", slug="atlantis", client=anonymous)
    assert (missing.status_code, missing.parsed.code) == (404, "city_not_found")
