from urllib.parse import urlencode

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
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.contrib.settings.registry import register_setting
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from donations.reports import raised_by_pages
from news.comments import moderation
from news.models import (
    AppealPage,
    AppealStatus,
    AppealTarget,
    Author,
    BlockedTerm,
    Comment,
    CommentSettings,
    Region,
    Topic,
)


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
    """The dashboard's list of appeals readers can act on now, urgent first, with their tallies
    and what gifts made from them raised."""

    name = "live_appeals"
    template_name = "news/admin/live_appeals.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        appeals = list(
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
        raised = raised_by_pages([appeal.pk for appeal in appeals])
        for appeal in appeals:
            appeal.raised = raised.get(appeal.pk, [])
        context["appeals"] = appeals
        return context


@hooks.register("construct_homepage_panels")
def add_live_appeals_panel(request, panels):
    panels.append(LiveAppealsPanel())


class CommentIndexView(IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        columns[1].label = "Comment"  # the title column, after the selection checkboxes
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.email:
            buttons.append(
                MenuItem(
                    "Other comments by this commenter",
                    url=f"{self.index_url}?{urlencode({'email': instance.email})}",
                    icon_name="user",
                    priority=15,
                )
            )
        buttons.append(
            MenuItem(
                "History",
                url=reverse("news_comment:history", args=[instance.pk]),
                icon_name="history",
                priority=25,
            )
        )
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm(moderation.ERASE_PERMISSION):
            buttons.append(
                Button(
                    "Export or erase a commenter's data",
                    url=reverse("news_comment:commenter"),
                    icon_name="user",
                    priority=50,
                )
            )
        return buttons


class CommentViewSet(SnippetViewSet):
    """The moderation queue: Comments in the admin menu, badged with how many wait."""

    model = Comment
    icon = "comment"
    menu_label = "Comments"
    menu_order = 150
    add_to_admin_menu = True
    url_prefix = "comments"
    url_namespace = "news_comment"
    index_view_class = CommentIndexView
    copy_view_enabled = False
    filterset_class = moderation.CommentFilterSet
    search_fields = moderation.SEARCH_FIELDS
    search_backend_name = None
    ordering = ["-created_at"]
    list_per_page = 50
    list_display = ["excerpt", *moderation.listing_columns()]
    panels = [
        FieldPanel(
            "body", help_text="Plain text, as the reader wrote it: edit to correct or trim."
        ),
        FieldPanel("name"),
        FieldPanel("url"),
    ]

    def get_queryset(self, request):
        return Comment.objects.select_related("page")

    @cached_property
    def menu_url(self):
        return reverse("news_comment:list") + "?status=pending"

    @property
    def menu_item_class(self):
        class CommentsMenuItem(super().menu_item_class):
            def render_component(self, request):
                waiting = moderation.pending_count()
                self.attrs = {"data-pending-count": str(waiting)} if waiting else {}
                if waiting:
                    self.attrs["aria-label"] = f"Comments, {waiting} waiting"
                return super().render_component(request)

        return CommentsMenuItem

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/<str:status>/", moderation.moderate, name="moderate"),
            path("commenter/", moderation.CommenterDataView.as_view(), name="commenter"),
        ]


class BlockedTermViewSet(SnippetViewSet):
    model = BlockedTerm
    icon = "warning"
    menu_label = "Comment blocklist"
    add_to_settings_menu = True
    url_prefix = "comments/blocklist"
    url_namespace = "news_blockedterm"
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    search_backend_name = None
    panels = [FieldPanel("kind"), FieldPanel("value"), FieldPanel("note")]


register_permission_policy(Comment, moderation.CommentPermissionPolicy(Comment))
register_snippet(CommentViewSet)
register_snippet(BlockedTermViewSet)
register_setting(CommentSettings, icon="comment")

for bulk_action in moderation.BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    for action, formatter in moderation.LOG_ACTIONS.items():
        actions.register_action(action)(formatter)


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if request.user.has_perm(moderation.MODERATE_PERMISSION):
        panels.append(moderation.PendingCommentsPanel())


@hooks.register("insert_global_admin_css")
def comments_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/comments-admin.css"))
