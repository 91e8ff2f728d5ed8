from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from donations.models import Campaign, PatronTier


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "pick"
    list_display = ["name", "starts_at", "ends_at"]


class PatronTierViewSet(SnippetViewSet):
    model = PatronTier
    icon = "group"
    list_display = ["name", "supports"]


register_snippet(CampaignViewSet)
register_snippet(PatronTierViewSet)
