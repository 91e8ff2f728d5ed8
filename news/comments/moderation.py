"""The moderators' side of comments in the Wagtail admin: the queue's filters and columns, the
one-click row actions, bulk actions, the dashboard panel and the commenter-data page.

The ViewSets that put these together are in news/wagtail_hooks.py.
"""

import json

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from news.comments import privacy
from news.models import Comment, CommentStatus

SEARCH_FIELDS = ["body", "name", "email", "ip_address"]
MODERATE_PERMISSION = "news.change_comment"
ERASE_PERMISSION = "news.erase_commenter"
# Verbs for messages, by the status a comment moves to.
DONE = {
    CommentStatus.APPROVED: "approved",
    CommentStatus.SPAM: "marked as spam",
    CommentStatus.REJECTED: "rejected",
}


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Comments come from readers: nobody adds one in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, set(actions) - {"add"})


def commented_pages(request):
    return Page.objects.filter(comments__isnull=False).distinct().order_by("title")


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=CommentStatus.choices, empty_label="All", widget=forms.RadioSelect
    )
    # Named `article` when only articles took comments: moderators' bookmarks still work.
    article = django_filters.ModelChoiceFilter(
        field_name="page", label="Page", queryset=commented_pages
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Received", widget=DateRangePickerWidget
    )
    email = django_filters.CharFilter(
        field_name="email", lookup_expr="iexact", label="Commenter's email"
    )

    class Meta:
        model = Comment
        fields = []


def pending_count():
    return Comment.objects.pending().count()


# Listing columns


class TemplateColumn(Column):
    """A column drawn by its own template, with the request and a CSRF token at hand."""

    def __init__(self, name, template, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = template

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is not None:
            context["csrf_token"] = get_token(request)
            context["next"] = request.get_full_path()
        context["list_url"] = reverse("news_comment:list")
        context["actions"] = [
            (status, label)
            for status, label in (
                (CommentStatus.APPROVED, "Approve"),
                (CommentStatus.SPAM, "Spam"),
                (CommentStatus.REJECTED, "Reject"),
            )
            if status != instance.status
        ]
        return context


def listing_columns():
    return [
        TemplateColumn("commenter", "news/admin/comment_commenter_cell.html", label="Commenter"),
        TemplateColumn("page", "news/admin/comment_page_cell.html", label="On"),
        # Sorting by score puts the likeliest spam among the pending together, for one bulk click.
        TemplateColumn(
            "status", "news/admin/comment_status_cell.html", label="Status", sort_key="spam_score"
        ),
        TemplateColumn(
            "created_at",
            "news/admin/comment_received_cell.html",
            label="Received",
            sort_key="created_at",
        ),
        TemplateColumn("moderate", "news/admin/comment_actions_cell.html", label="Moderate"),
    ]


# One comment at a time, from its row


def safe_next(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
def moderate(request, pk, status):
    if not request.user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied
    if status not in DONE:
        raise Http404("No such action")
    comment = get_object_or_404(Comment, pk=pk)
    if comment.set_status(status, by=request.user):
        messages.success(request, f"{comment} {DONE[status]}.")
    return redirect(safe_next(request, reverse("news_comment:list")))


# Many at a time, on a selection


class CommentBulkAction(SnippetBulkAction):
    models = [Comment]
    template_name = "news/admin/comment_bulk_confirm.html"
    new_status = None

    def check_perm(self, comment):
        return self.request.user.has_perm(MODERATE_PERMISSION)

    def get_execution_context(self):
        return {"user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = sum(comment.set_status(cls.new_status, by=user) for comment in objects)
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        count = num_parent_objects
        return f"{count} comment{pluralize(count)} {DONE[self.new_status]}."

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Select all" means all that the listing shows: its filters and search, not every
        comment ever received."""
        queryset = CommentFilterSet(self.request.GET, queryset=Comment.objects.all()).qs
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(search_query(query))
        return queryset.values_list("pk", flat=True)


def search_query(text):
    query = Q()
    for field in SEARCH_FIELDS:
        query |= Q(**{f"{field}__icontains": text})
    return query


class ApproveBulkAction(CommentBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve the selected comments"
    action_priority = 10
    new_status = CommentStatus.APPROVED


class SpamBulkAction(CommentBulkAction):
    display_name = "Spam"
    action_type = "spam"
    aria_label = "Mark the selected comments as spam"
    action_priority = 20
    new_status = CommentStatus.SPAM


class RejectBulkAction(CommentBulkAction):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject the selected comments"
    action_priority = 30
    new_status = CommentStatus.REJECTED


BULK_ACTIONS = [ApproveBulkAction, SpamBulkAction, RejectBulkAction]


# The audit log's words for comment actions


class StatusChange(LogFormatter):
    def format_message(self, log_entry):
        data = log_entry.data or {}
        return f"{self.label}: {data.get('from', '?')} → {data.get('to', '?')}"


class Approved(StatusChange):
    label = "Approve comment"


class MarkedSpam(StatusChange):
    label = "Mark comment as spam"


class Rejected(StatusChange):
    label = "Reject comment"


class Erased(LogFormatter):
    label = "Erase commenter's data"

    def format_message(self, log_entry):
        removed = (log_entry.data or {}).get("text_removed")
        return "Erased the commenter's details" + (" and the text" if removed else "")


class Exported(LogFormatter):
    label = "Export commenter's data"
    message = "Exported the commenter's data"


LOG_ACTIONS = {
    "news.comment.approve": Approved,
    "news.comment.spam": MarkedSpam,
    "news.comment.reject": Rejected,
    "news.comment.erase": Erased,
    "news.comment.export": Exported,
}


# The dashboard


class PendingCommentsPanel(Component):
    name = "pending_comments"
    template_name = "news/admin/pending_comments_panel.html"
    order = 50
    SHOWN = 5

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        newest = list(
            Comment.objects.pending().select_related("page").order_by("-created_at")[: self.SHOWN]
        )
        context.update(
            comments=newest,
            total=pending_count() if newest else 0,
            queue_url=reverse("news_comment:list") + "?status=pending",
        )
        return context


# A commenter's data: export or erase


class CommenterForm(forms.Form):
    email = forms.EmailField(label="Commenter's email address")
    remove_text = forms.TypedChoiceField(
        label="Their comments' text",
        choices=[("", "Keep the text, without their name"), ("1", "Remove the text too")],
        coerce=bool,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    confirm = forms.BooleanField(label="I understand that erasing cannot be undone", required=False)


class CommenterDataView(WagtailAdminTemplateMixin, FormView):
    """Find what is stored under an email address; download it, or erase it."""

    template_name = "news/admin/commenter_data.html"
    form_class = CommenterForm
    page_title = "Commenter data"
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ERASE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("news_comment:list"), "label": "Comments"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        email = (self.request.POST.get("email") or self.request.GET.get("email", "")).strip()
        context["email"] = email
        context["found"] = Comment.objects.by_email(email).count() if email else None
        return context

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if "export" in self.request.POST:
            data = privacy.export(email)
            comments = Comment.objects.by_email(email)
            for comment in comments:
                log(instance=comment, action="news.comment.export", user=self.request.user)
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
            return response
        if not form.cleaned_data["confirm"]:
            form.add_error("confirm", "Tick the box to confirm: erasing cannot be undone.")
            return self.form_invalid(form)
        erased = privacy.erase(
            email, remove_text=form.cleaned_data["remove_text"], by=self.request.user
        )
        messages.success(
            self.request,
            f"Erased the name, email address, website and IP address from {erased} "
            f"comment{pluralize(erased)}"
            + (", and their text." if form.cleaned_data["remove_text"] else "."),
        )
        return redirect(reverse("news_comment:commenter"))
