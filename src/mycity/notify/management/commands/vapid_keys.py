"""Make the VAPID key pair that signs Web Push messages."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mycity.notify.push import generate_vapid_keys


class Command(BaseCommand):
    help = (
        "Generate a VAPID key pair for Web Push: print it as environment variables, or "
        "with --write keep it in the var directory (VAPID_KEYS_FILE), where the settings "
        "find it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--write", action="store_true", help="write the keys file instead of printing"
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="with --write: leave an existing keys file (and its subscribers) alone",
        )

    def handle(self, *args: Any, write: bool, if_missing: bool, **options: Any) -> None:
        path = settings.VAPID_KEYS_FILE
        if write and if_missing and path.exists():
            self.stdout.write(f"Web Push keys: {path} (kept)")
            return
        keys = generate_vapid_keys()
        if not write:
            self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public_key}")
            self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private_key}")
            return
        path.write_text(
            json.dumps({"public_key": keys.public_key, "private_key": keys.private_key}),
            "utf-8",
        )
        path.chmod(0o600)
        self.stdout.write(f"Web Push keys written to {path}")
