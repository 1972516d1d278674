"""Handing out a stored file once the caller has checked who may have it.

A public file is streamed through the app, so that shared caches may keep it. A private
one (an applicant's attachment, a photo's original, a scan) in a bucket that signs its
URLs is a redirect to a signed URL valid for `settings.FILES_SIGNED_URL_SECONDS`: the
bytes leave the bucket straight to the person allowed to read them, and the link is
worthless soon after. On the local disk everything is streamed.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header


def signs_urls(storage: Storage) -> bool:
    """Whether the storage hands out expiring signed URLs (S3 with query-string auth)."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def signed_url(stored: FieldFile, *, content_type: str, filename: str, as_attachment: bool) -> str:
    """A URL of the object that expires; the bucket answers it with our type and name."""
    disposition = content_disposition_header(as_attachment, filename) or "inline"
    storage: Any = stored.storage  # S3Storage.url takes parameters and an expiry
    return str(
        storage.url(
            stored.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            expire=settings.FILES_SIGNED_URL_SECONDS,
        )
    )


def stored_file_response(
    stored: FieldFile, *, content_type: str, filename: str, as_attachment: bool, private: bool
) -> HttpResponseBase:
    if private and signs_urls(stored.storage):
        response = HttpResponseRedirect(
            signed_url(
                stored, content_type=content_type, filename=filename, as_attachment=as_attachment
            )
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return FileResponse(
        stored.open("rb"),
        content_type=content_type,
        as_attachment=as_attachment,
        filename=filename,
    )
