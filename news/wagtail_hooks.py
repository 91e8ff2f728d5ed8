from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    IntegerField,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Now
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from news.models import AppealPage, AppealStatus, AppealTarget, Author, Region, Topic


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "folder-inverse"
    menu_order = 200
    items = (AuthorViewSet, TopicViewSet, RegionViewSet)


register_snippet(TaxonomyGroup)


class LiveAppealsPanel(Component):
    """The dashboard's list of appeals readers can act on now, urgent first, with their tallies."""

    name = "live_appeals"
    template_name = "news/admin/live_appeals.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["appeals"] = (
            AppealPage.objects.live()
            .exclude(status=AppealStatus.RESOLVED)
            .annotate(
                protests=Coalesce(Sum("targets__tally__sent"), 0),
                past_expiry=ExpressionWrapper(
                    Q(expires_at__lte=Now()), output_field=BooleanField()
                ),
                urgency=Case(
                    When(status=AppealStatus.URGENT, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .prefetch_related(
                Prefetch(
                    "targets",
                    queryset=AppealTarget.objects.select_related("tally").order_by("sort_order"),
                )
            )
            .order_by("urgency", "-first_published_at")
        )
        return context


@hooks.register("construct_homepage_panels")
def add_live_appeals_panel(request, panels):
    panels.append(LiveAppealsPanel())
