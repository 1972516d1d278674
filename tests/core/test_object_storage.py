"""Uploaded files in an S3-compatible bucket (SeaweedFS in CI): written through the
storage API, private in the bucket, handed out after the permission check.

These need a running S3 server: `.ci/run` starts SeaweedFS and sets TEST_S3_ENDPOINT_URL
(and its keys). Without it they are skipped with that reason, except in CI, where a
missing server fails them."""

import io
import os
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from mycity.appeals.actions.submission import submit_appeal
from tests.appeal_fixtures import e_appeal_draft, jpeg, submit_report
from tests.factories import UserFactory

ENDPOINT = os.environ.get("TEST_S3_ENDPOINT_URL", "")
ACCESS_KEY = os.environ.get("TEST_S3_ACCESS_KEY_ID", "")
SECRET_KEY = os.environ.get("TEST_S3_SECRET_ACCESS_KEY", "")

if not ENDPOINT:
    if os.environ.get("CI"):
        pytest.fail("CI must run the object storage tests: TEST_S3_ENDPOINT_URL is not set.")
    pytest.skip(
        "no S3 server: set TEST_S3_ENDPOINT_URL, TEST_S3_ACCESS_KEY_ID and "
        "TEST_S3_SECRET_ACCESS_KEY (.ci/run starts SeaweedFS and sets them)",
        allow_module_level=True,
    )


def _client():
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture
def bucket(settings):
    """A fresh bucket as the default storage, emptied and removed afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    client = _client()
    client.create_bucket(Bucket=name)
    settings.S3_BUCKET = name
    settings.FILES_SIGNED_URL_SECONDS = 60
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mycity.core.bucket_storage.BucketStorage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": ENDPOINT,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": "us-east-1",
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def _fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our test server)
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, b"", dict(refused.headers)


def _an_e_appeal_with_a_scan(applicant, category):
    """An e-appeal (never public) with a scanned page as its attachment."""
    return submit_appeal(
        applicant=applicant,
        city=category.city,
        draft=e_appeal_draft(category),
        files=[jpeg(name="letter.jpg")],
    ).appeal


def test_a_reports_photo_is_written_to_the_bucket(bucket, resident, street_light):
    appeal = submit_report(resident, street_light, files=[jpeg()])
    photo = appeal.files.get()
    stored = _client().get_object(Bucket=bucket, Key=photo.file.name)
    assert stored["Body"].read()[:3] == b"\xff\xd8\xff"  # a JPEG, re-encoded by the app
    assert _client().head_object(Bucket=bucket, Key=photo.thumbnail.name)


def test_nothing_in_the_bucket_is_readable_without_a_signature(bucket, resident, street_light):
    photo = submit_report(resident, street_light, files=[jpeg()]).files.get()
    status, _, _ = _fetch(f"{ENDPOINT}/{bucket}/{photo.file.name}")
    assert status == 403


def test_a_public_photo_is_streamed_by_the_app_to_anyone(bucket, client, resident, street_light):
    appeal = submit_report(resident, street_light, files=[jpeg()])
    photo = appeal.files.get()
    response = client.get(f"/api/v1/appeals/{appeal.pk}/files/{photo.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_applicant_gets_a_signed_url_of_a_private_attachment(
    bucket, client, resident, housing_question
):
    appeal = _an_e_appeal_with_a_scan(resident, housing_question)
    attachment = appeal.files.get()
    client.force_login(resident)
    response = client.get(f"/api/v1/appeals/{appeal.pk}/files/{attachment.pk}")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    status, body, headers = _fetch(response["Location"])
    assert status == 200
    assert body[:3] == b"\xff\xd8\xff"
    assert headers["Content-Type"] == "image/jpeg"


def test_another_resident_gets_no_url_of_a_private_attachment(
    bucket, client, resident, housing_question
):
    appeal = _an_e_appeal_with_a_scan(resident, housing_question)
    attachment = appeal.files.get()
    client.force_login(UserFactory(email="neighbour@example.org"))
    response = client.get(f"/api/v1/appeals/{appeal.pk}/files/{attachment.pk}")
    assert response.status_code == 404
    assert "Location" not in response


def test_a_signed_url_stops_working_when_it_expires(
    bucket, settings, client, resident, housing_question
):
    settings.FILES_SIGNED_URL_SECONDS = 1
    appeal = _an_e_appeal_with_a_scan(resident, housing_question)
    attachment = appeal.files.get()
    client.force_login(resident)
    url = client.get(f"/api/v1/appeals/{appeal.pk}/files/{attachment.pk}")["Location"]
    assert "X-Amz-Expires=1" in url
    time.sleep(2.1)
    status, _, _ = _fetch(url)
    assert status == 403


def test_the_move_copies_local_files_into_the_bucket_once(bucket, settings, tmp_path):
    media = tmp_path / "old-media"
    (media / "appeals" / "2026" / "01").mkdir(parents=True)
    (media / "appeals" / "2026" / "01" / "a.jpg").write_bytes(b"first")
    (media / "news").mkdir()
    (media / "news" / "cover.jpg").write_bytes(b"second!")

    out = io.StringIO()
    call_command("move_files_to_storage", "--from", str(media), stdout=out)
    assert "copied 2, already there 0" in out.getvalue()
    assert default_storage.open("appeals/2026/01/a.jpg").read() == b"first"
    assert default_storage.open("news/cover.jpg").read() == b"second!"

    # An interrupted earlier run left a partial copy of one file: only it is written.
    default_storage.delete("news/cover.jpg")
    default_storage.save("news/cover.jpg", ContentFile(b"sec"))
    out = io.StringIO()
    call_command("move_files_to_storage", "--from", str(media), stdout=out)
    assert "copied 1, already there 1" in out.getvalue()
    assert default_storage.open("news/cover.jpg").read() == b"second!"
    keys = [item["Key"] for item in _client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(keys) == ["appeals/2026/01/a.jpg", "news/cover.jpg"]


def test_the_move_refuses_to_copy_a_directory_onto_itself(settings, tmp_path):
    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError):
        call_command("move_files_to_storage", "--from", str(tmp_path))


def _requests_to_the_bucket(storage) -> list[str]:
    """The HTTP methods the storage sends from now on, in order."""
    sent: list[str] = []
    storage.connection.meta.client.meta.events.register(
        "before-send.s3", lambda request, **_: sent.append(request.method)
    )
    return sent


def test_a_photo_under_a_drawn_name_is_written_with_one_put(bucket):
    sent = _requests_to_the_bucket(default_storage)
    name = default_storage.save(f"appeals/{uuid.uuid4().hex}-thumb.jpg", ContentFile(b"\xff\xd8"))
    assert sent == ["PUT"]
    stored = _client().get_object(Bucket=bucket, Key=name)
    assert stored["Body"].read() == b"\xff\xd8"
    assert stored["ContentType"] == "image/jpeg"


def test_a_name_already_in_the_bucket_is_never_overwritten(bucket):
    first = default_storage.save("news/cover.jpg", ContentFile(b"first"))
    second = default_storage.save("news/cover.jpg", ContentFile(b"second"))
    assert first == "news/cover.jpg" and second != first
    assert _client().get_object(Bucket=bucket, Key=first)["Body"].read() == b"first"
    assert _client().get_object(Bucket=bucket, Key=second)["Body"].read() == b"second"
