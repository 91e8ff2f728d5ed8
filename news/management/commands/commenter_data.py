"""Export or erase everything stored about a commenter, found by their email address."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from news.comments import privacy


class Command(BaseCommand):
    help = (
        "export EMAIL: print a commenter's data as JSON. "
        "erase EMAIL [--remove-text]: remove their name, email, website and IP address from "
        "their comments, and the text too with --remove-text."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text", action="store_true", help="erase: remove their comments' text too"
        )

    def handle(self, *args, action, email, remove_text, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"Not an email address: {email!r}") from error
        if action == "export":
            self.stdout.write(json.dumps(privacy.export(email), indent=2, ensure_ascii=False))
            return
        with transaction.atomic():
            erased = privacy.erase(email, remove_text=remove_text)
        what = "details and text" if remove_text else "details"
        self.stdout.write(f"Erased the {what} of {erased} comment(s).")
