"""Email moderators one digest of the comments waiting. Run it daily when the site's comment
settings ask for a digest; with "at once" it catches any notification that failed."""

from django.core.management.base import BaseCommand

from news.comments.tasks import notify_moderators
from news.models import Comment


class Command(BaseCommand):
    help = "Email moderators about comments waiting that they were not told of yet. Run daily."

    def handle(self, *args, **options):
        waiting = list(
            Comment.objects.pending()
            .filter(notified_at__isnull=True)
            .order_by("created_at")
            .values_list("pk", flat=True)
        )
        if not waiting:
            self.stdout.write("No comments wait that moderators were not told of.")
            return
        notify_moderators.enqueue(waiting)
        self.stdout.write(f"Digest of {len(waiting)} comment(s) queued for the moderators.")
