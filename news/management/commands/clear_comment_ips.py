"""Clear comments' IP addresses once they are older than the retention period. Run it daily."""

from django.core.management.base import BaseCommand

from news.comments.privacy import clear_old_ip_addresses


class Command(BaseCommand):
    help = (
        "Clear the IP address and browser of comments older than the retention period set in "
        "Settings → Comment settings (default 30 days). Run daily."
    )

    def handle(self, *args, **options):
        cleared = clear_old_ip_addresses()
        self.stdout.write(f"Cleared the IP address of {cleared} comment(s).")
