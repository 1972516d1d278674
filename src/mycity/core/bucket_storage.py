"""The S3 storage of uploaded files, cheaper per file than django-storages' own writes.

A resident's photo and its thumbnail are a few hundred kilobytes written on the
submission's critical path. django-storages writes every file through s3transfer
(futures, a thread pool, a queue: built for multi-gigabyte multipart uploads) after a
HEAD request asking whether the name is taken. Measured against SeaweedFS, that is twice
the CPU of one PUT, and three round trips' wait instead of one (`bench/cluster.py
submissions`, docs/deploy.md). So a file under s3transfer's multipart threshold is one
PUT, and a name the app drew at random is not looked up first.
"""

import re
from typing import Any

from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, is_seekable

# The stems of the names services draw for stored files: uuid4().hex, perhaps followed by
# "-thumb" (appeal_files.write_files, the covers of news, places and events). Another of
# these is never there already (2^-122), so asking the bucket would be a wasted request.
_DRAWN_NAME = re.compile(r"(?:.*/)?[0-9a-f]{32}(?:-[a-z]+)?\.[a-z0-9]{1,5}")


class BucketStorage(S3Storage):
    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        if _DRAWN_NAME.fullmatch(name) and (max_length is None or len(name) <= max_length):
            return clean_name(name)
        return str(super().get_available_name(name, max_length))

    def _save(self, name: str, content: File) -> str:
        threshold = self.transfer_config.multipart_threshold
        size = getattr(content, "size", None)
        if self.gzip or size is None or size >= threshold:
            return str(super()._save(name, content))
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params: dict[str, Any] = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0)
        body = content.read()
        self.bucket.meta.client.put_object(
            Bucket=self.bucket_name,
            Key=key,
            Body=body if isinstance(body, bytes) else body.encode(),
            **params,
        )
        return cleaned
