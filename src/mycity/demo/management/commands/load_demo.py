from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mycity.cities.models import City
from mycity.demo.loader import DEMO_PASSWORD, demo_sign_ins, load_demo


class Command(BaseCommand):
    help = "Load the demo cities (Polotsk and the pilot cities) and demo users. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has a city",
        )
        parser.add_argument("--no-users", action="store_true", help="load cities only")
        parser.add_argument(
            "--no-appeals",
            action="store_true",
            help="without the year of generated Polotsk appeals",
        )

    def handle(
        self, *args: Any, if_empty: bool, no_users: bool, no_appeals: bool, **options: Any
    ) -> None:
        if if_empty and City.objects.exists():
            self.stdout.write("Demo: the database already has cities; nothing loaded.")
        else:
            report = load_demo(with_users=not no_users, with_appeals=not no_appeals)
            appeals = (
                f", {report.appeals} appeals in {report.appeals_seconds:.1f} s"
                if report.appeals
                else ""
            )
            if report.pilot_appeals:
                appeals += f", {report.pilot_appeals} appeals of the other pilot cities"
            self.stdout.write(
                f"Demo loaded: {report.cities} cities, {report.districts} districts, "
                f"{report.organisations} organisations, {report.streets} streets, "
                f"{report.buildings} buildings, {report.categories} categories, "
                f"{report.notices} notices, {report.news} news, {report.places} places, "
                f"{report.events} events, {report.contacts} contacts, {report.polls} polls"
                f"{appeals}."
            )
        users = demo_sign_ins()
        if users:
            self.stdout.write(
                f"Demo sign-ins (password «{DEMO_PASSWORD}», or a one-time code "
                "that the server prints as an e-mail):"
            )
            for role, email in users:
                self.stdout.write(f"  {role:<24} {email}")
