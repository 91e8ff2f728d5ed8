"""The Donations menu, the dashboard panel and 'what this page raised', in the Wagtail admin.

The ledger is read-only here: rows change only through providers' events. The Finance group
sees donors; editors see totals without personal data (see migrations/0002_groups).
"""

import re

import django_filters
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.coreutils import multigetattr
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from . import reports
from .models import (
    Campaign,
    Donation,
    DonationStatus,
    Donor,
    EventStatus,
    Frequency,
    Interval,
    PatronTier,
    PaymentEvent,
    PledgeStatus,
    Provider,
    RecurringDonation,
)
from .models.currency import CURRENCY_CHOICES
from .views import admin as admin_views

SEES_TOTALS = "donations.view_donation_totals"
SEES_DONORS = "donations.view_donor_details"
RETRIES_EVENTS = "donations.retry_payment_event"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class LedgerPolicy(ModelPermissionPolicy):
    """Finance may look (the `view` permission); no one adds, edits or deletes ledger rows."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


for ledger_model in (Donation, RecurringDonation, Donor, PaymentEvent):
    register_permission_policy(ledger_model, LedgerPolicy(ledger_model))


class LedgerIndexView(IndexView):
    related = ()  # what each row shows from other tables, read in the same query

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.related)

    def to_row_dict(self, item):
        # An empty relation (no campaign, no source page) is an empty cell, not an error.
        row = {}
        for field in self.list_export:
            try:
                row[field] = multigetattr(item, field)
            except AttributeError:
                row[field] = None
        return row

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # A donor's name such as "=HYPERLINK(...)" must stay text in a spreadsheet.
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value


class DonationIndexView(LedgerIndexView):
    related = ("donor", "source_page", "campaign")

    def search_queryset(self, queryset):
        reference = re.fullmatch(r"\s*D-?0*(\d+)\s*", self.search_query or "", re.IGNORECASE)
        if reference:
            return queryset.filter(pk=int(reference.group(1)))
        return super().search_queryset(queryset)


class LedgerViewSet(ModelViewSet):
    """A listing, filters, export and a read-only page per row; nothing to add, edit or delete."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False

    @property
    def url_finder_class(self):
        return type(
            "LedgerURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


def pages_with_gifts(request):
    return Page.objects.filter(pk__in=Donation.objects.values("source_page_id")).order_by("title")


class DonationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=DonationStatus.choices, empty_label="All")
    provider = django_filters.ChoiceFilter(choices=Provider.choices, empty_label="All")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, empty_label="All")
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES, empty_label="All")
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all())
    source_page = django_filters.ModelChoiceFilter(queryset=pages_with_gifts, label="Source page")
    succeeded_at = django_filters.DateFromToRangeFilter(label="Paid", widget=DateRangePickerWidget)
    created_at = django_filters.DateFromToRangeFilter(label="Started", widget=DateRangePickerWidget)

    class Meta:
        model = Donation
        fields = []


class DonationViewSet(LedgerViewSet):
    model = Donation
    icon = "pick"
    menu_label = "Donations"
    url_prefix = "donations/gifts"
    index_view_class = DonationIndexView
    filterset_class = DonationFilterSet
    search_fields = ["donor__email", "donor__name", "provider_ref", "payment_ref"]
    list_display = [
        "reference",
        Column("amount_text", label="Gift"),
        "frequency",
        "status",
        "provider",
        "donor",
        "source_page",
        "campaign",
        DateColumn("succeeded_at", label="Paid", sort_key="succeeded_at"),
    ]
    list_export = [
        "reference",
        "created_at",
        "succeeded_at",
        "status",
        "frequency",
        "currency",
        "amount_major",
        "fee_cover_major",
        "refunded_major",
        "provider",
        "provider_ref",
        "payment_ref",
        "donor.email",
        "donor.name",
        "source_page.title",
        "source_page_id",
        "campaign.name",
        "recurring_id",
        "public",
        "message",
    ]
    export_headings = {
        "amount_major": "Amount",
        "fee_cover_major": "Fees covered",
        "refunded_major": "Refunded",
        "donor.email": "Donor email",
        "donor.name": "Donor name",
        "source_page.title": "Source page",
        "source_page_id": "Source page id",
        "campaign.name": "Campaign",
        "recurring_id": "Pledge id",
    }
    export_filename = "donations"
    inspect_view_fields = [
        "reference",
        "status",
        "amount_text",
        "fee_cover_text",
        "refunded_text",
        "frequency",
        "provider",
        "provider_ref",
        "payment_ref",
        "dispute_ref",
        "donor",
        "recurring",
        "source_page",
        "campaign",
        "public",
        "message",
        "created_at",
        "succeeded_at",
        "status_changes",  # with why: a PayPal payment's pending reason, say
    ]


class PledgeFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices, empty_label="All")
    provider = django_filters.ChoiceFilter(choices=Provider.choices, empty_label="All")
    interval = django_filters.ChoiceFilter(choices=Interval.choices, empty_label="All")
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES, empty_label="All")
    created_at = django_filters.DateFromToRangeFilter(label="Started", widget=DateRangePickerWidget)

    class Meta:
        model = RecurringDonation
        fields = []


class PledgeIndexView(LedgerIndexView):
    related = ("donor", "tier", "source_page")


class PledgeViewSet(LedgerViewSet):
    model = RecurringDonation
    icon = "repeat"
    menu_label = "Pledges"
    url_prefix = "donations/pledges"
    index_view_class = PledgeIndexView
    filterset_class = PledgeFilterSet
    search_fields = ["donor__email", "donor__name", "provider_ref", "customer_ref"]
    list_display = [
        "__str__",
        "donor",
        "status",
        "provider",
        "tier",
        DateColumn("current_period_end", label="Next payment"),
        DateColumn("created_at", label="Started"),
    ]
    list_export = [
        "pk",
        "created_at",
        "status",
        "interval",
        "currency",
        "amount_text",
        "provider",
        "provider_ref",
        "donor.email",
        "donor.name",
        "tier.name",
        "source_page.title",
        "current_period_end",
    ]
    export_headings = {"pk": "Pledge id", "amount_text": "Amount", "donor.email": "Donor email"}
    export_filename = "pledges"


class DonorViewSet(LedgerViewSet):
    model = Donor
    icon = "user"
    menu_label = "Donors"
    url_prefix = "donations/donors"
    index_view_class = LedgerIndexView
    search_fields = ["email", "name"]
    list_display = ["email", "name", DateColumn("created_at", label="First gift")]
    list_export = ["email", "name", "created_at"]
    export_filename = "donors"


class PaymentEventFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, empty_label="All")
    provider = django_filters.ChoiceFilter(choices=Provider.choices, empty_label="All")
    event_type = django_filters.CharFilter(lookup_expr="icontains", label="Event type")
    received_at = django_filters.DateFromToRangeFilter(
        label="Received", widget=DateRangePickerWidget
    )

    class Meta:
        model = PaymentEvent
        fields = []


class PaymentEventIndexView(LedgerIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == EventStatus.FAILED and self.request.user.has_perm(RETRIES_EVENTS):
            buttons.append(
                MenuItem(
                    "Retry",
                    reverse("donations_admin:retry_event", args=[instance.pk]),
                    icon_name="rotate",
                    priority=5,
                )
            )
        return buttons


class PaymentEventViewSet(LedgerViewSet):
    model = PaymentEvent
    icon = "link-external"
    menu_label = "Webhook events"
    url_prefix = "donations/events"
    index_view_class = PaymentEventIndexView
    filterset_class = PaymentEventFilterSet
    search_fields = ["event_id", "event_type", "error"]
    list_display = [
        "__str__",
        "status",
        "attempts",
        Column("error", label="Error"),
        DateColumn("received_at", label="Received"),
        DateColumn("processed_at", label="Processed"),
    ]
    list_export = [
        "provider",
        "event_id",
        "event_type",
        "status",
        "attempts",
        "error",
        "note",
        "received_at",
        "processed_at",
    ]
    export_filename = "webhook-events"
    inspect_view_fields = [
        "provider",
        "event_id",
        "event_type",
        "status",
        "error",
        "note",
        "attempts",
        "received_at",
        "processed_at",
        "verified_at",
        "body",
    ]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "pick"
    menu_label = "Campaigns"
    list_display = ["name", "starts_at", "ends_at"]


class PatronTierViewSet(SnippetViewSet):
    model = PatronTier
    icon = "group"
    menu_label = "Patron tiers"
    list_display = ["name", "supports", "sort_order"]


class DonationsMenu(ViewSetGroup):
    menu_label = "Donations"
    menu_icon = "pick"
    menu_order = 250
    items = (
        DonationViewSet,
        PledgeViewSet,
        DonorViewSet,
        PaymentEventViewSet,
        CampaignViewSet,
        PatronTierViewSet,
    )


@hooks.register("register_admin_viewset")
def register_donations_menu():
    return DonationsMenu()


@hooks.register("register_admin_urls")
def register_donations_urls():
    return [
        path(
            "donations/",
            (
                [
                    path("raised/<int:page_id>/", admin_views.page_raised, name="page_raised"),
                    path("events/<int:pk>/retry/", admin_views.retry_event, name="retry_event"),
                ],
                "donations_admin",
                "donations_admin",
            ),
        )
    ]


class DonationsPanel(Component):
    """The dashboard: totals by currency, patrons, a chart of months, recent gifts, health."""

    name = "donations"
    template_name = "donations/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        return {
            "totals": reports.totals_by_currency(),
            "patrons": reports.patrons(),
            "charts": reports.charts(),
            "recent": reports.recent_gifts(),
            "warnings": reports.webhook_warnings(),
            "sees_donors": user.has_perm(SEES_DONORS),
            "sees_ledger": user.has_perm("donations.view_donation"),
        }


@hooks.register("construct_homepage_panels")
def add_donations_panel(request, panels):
    if request.user.has_perm(SEES_TOTALS):
        panels.append(DonationsPanel())


class PageRaisedMenuItem(PageMenuItem):
    label = "Donations raised"
    icon_name = "pick"
    url_name = "donations_admin:page_raised"

    def is_shown(self, user):
        return user.has_perm(SEES_TOTALS)


@hooks.register("register_page_header_buttons")
def page_raised_header_button(page, user, view_name, next_url=None):
    yield PageRaisedMenuItem(page=page, priority=80)


@hooks.register("register_page_listing_more_buttons")
def page_raised_listing_button(page, user, next_url=None):
    yield PageRaisedMenuItem(page=page, priority=70)
