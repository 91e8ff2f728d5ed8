"""What the ledger adds up to: totals, patrons, monthly figures, webhook health, page totals.

Every figure is an aggregate query (or two), whatever the number of gifts; amounts are net of
refunds and only count gifts whose money we hold (`COUNTED`).
"""

from datetime import timedelta

from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Greatest, TruncMonth
from django.utils import timezone

from . import money
from .models import COUNTED, Donation, EventStatus, Interval, PaymentEvent, PledgeStatus
from .models import RecurringDonation as Pledge
from .providers import available_providers

NET = Greatest(F("amount") - F("amount_refunded"), Value(0))
CHART_WIDTH, CHART_HEIGHT, CHART_MONTHS = 600, 160, 12
QUIET_AFTER = timedelta(days=1)


def month_start(moment):
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def months_before(start, count):
    for _ in range(count):
        start = month_start(start - timedelta(days=1))
    return start


def totals_by_currency(now=None):
    """[{currency, this_month, last_month, this_year}] as text, net of refunds."""
    now = timezone.localtime(now)
    this_month = month_start(now)
    last_month = months_before(this_month, 1)
    this_year = this_month.replace(month=1)
    rows = (
        Donation.objects.filter(status__in=COUNTED, succeeded_at__gte=min(last_month, this_year))
        .values("currency")
        .order_by("currency")
        .annotate(
            this_month=Sum(NET, filter=Q(succeeded_at__gte=this_month)),
            last_month=Sum(
                NET, filter=Q(succeeded_at__gte=last_month, succeeded_at__lt=this_month)
            ),
            this_year=Sum(NET, filter=Q(succeeded_at__gte=this_year)),
        )
    )
    return [
        {
            "currency": row["currency"],
            **{
                period: money.format_amount(row[period] or 0, row["currency"])
                for period in ("this_month", "last_month", "this_year")
            },
        }
        for row in rows
    ]


def patrons():
    """Active pledges and monthly recurring revenue (an annual pledge counts a twelfth), per
    currency."""
    rows = (
        Pledge.objects.filter(status=PledgeStatus.ACTIVE)
        .values("currency")
        .order_by("currency")
        .annotate(
            patrons=Count("pk"),
            monthly=Sum(
                Case(
                    When(interval=Interval.MONTHLY, then=F("amount")),
                    default=F("amount") / 12,
                    output_field=IntegerField(),
                )
            ),
        )
    )
    return [
        {
            "currency": row["currency"],
            "patrons": row["patrons"],
            "monthly": money.format_amount(row["monthly"] or 0, row["currency"]),
        }
        for row in rows
    ]


def monthly_totals(now=None, months=CHART_MONTHS):
    """{currency: [(month start, net minor units)]} for the last `months` months, oldest first."""
    now = timezone.localtime(now)
    first = months_before(month_start(now), months - 1)
    starts = [first]
    while len(starts) < months:
        starts.append(month_start(starts[-1] + timedelta(days=32)))
    rows = (
        Donation.objects.filter(status__in=COUNTED, succeeded_at__gte=first)
        .annotate(month=TruncMonth("succeeded_at"))
        .values("currency", "month")
        .order_by()
        .annotate(total=Sum(NET))
    )
    found = {}
    for row in rows:
        key = (row["currency"], timezone.localtime(row["month"]).date())
        found[key] = row["total"] or 0
    currencies = sorted({currency for currency, _ in found})
    return {
        currency: [(start, found.get((currency, start.date()), 0)) for start in starts]
        for currency in currencies
    }


def charts(now=None):
    """One bar chart per currency, laid out for a server-rendered SVG."""
    result = []
    for currency, months in monthly_totals(now).items():
        highest = max(total for _, total in months) or 1
        slot = CHART_WIDTH / len(months)
        bars = []
        for index, (start, total) in enumerate(months):
            height = round(total / highest * (CHART_HEIGHT - 20), 1)
            bars.append(
                {
                    "x": round(index * slot + slot * 0.15, 1),
                    "y": round(CHART_HEIGHT - 20 - height, 1),
                    "width": round(slot * 0.7, 1),
                    "height": height,
                    "label": start.strftime("%b"),
                    "label_x": round(index * slot + slot / 2, 1),
                    "text": f"{start:%B %Y}: {money.format_amount(total, currency)}",
                }
            )
        result.append(
            {
                "currency": currency,
                "bars": bars,
                "highest": money.format_amount(highest, currency),
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
                "baseline": CHART_HEIGHT - 20,
            }
        )
    return result


def recent_gifts(limit=10):
    return list(
        Donation.objects.filter(status__in=COUNTED)
        .select_related("donor", "source_page")
        .order_by("-succeeded_at")[:limit]
    )


def webhook_warnings(now=None):
    """Plain sentences for the dashboard when webhooks failed or stopped arriving."""
    now = now or timezone.now()
    warnings = []
    failed = PaymentEvent.objects.filter(status=EventStatus.FAILED).count()
    if failed:
        warnings.append(
            f"{failed} webhook event{'s' if failed != 1 else ''} failed to apply. "
            "The provider retries them; look at Donations → Webhook events."
        )
    real = [p.name for p in available_providers() if not p.is_test]
    if real:
        last = PaymentEvent.objects.filter(provider__in=real).aggregate(last=Max("received_at"))
        if last["last"] is None or now - last["last"] > QUIET_AFTER:
            warnings.append(
                "No webhook event has arrived for a day. Check the webhook endpoint and its "
                "secret in the provider's dashboard."
            )
    return warnings


def page_raised(page):
    """What gifts attributed to this page raised: [{currency, gifts, total}], and its patrons."""
    rows = (
        Donation.objects.filter(status__in=COUNTED, source_page=page)
        .values("currency")
        .order_by("currency")
        .annotate(gifts=Count("pk"), total=Sum(NET))
    )
    totals = [
        {
            "currency": row["currency"],
            "gifts": row["gifts"],
            "total": money.format_amount(row["total"] or 0, row["currency"]),
        }
        for row in rows
    ]
    pledges = Pledge.objects.filter(source_page=page, status=PledgeStatus.ACTIVE).count()
    return totals, pledges


def raised_by_pages(page_ids):
    """{page id: ["£125.00", "€40.00"]}: what gifts attributed to each page raised, net of
    refunds, in one query for all the pages."""
    rows = (
        Donation.objects.filter(status__in=COUNTED, source_page__in=page_ids)
        .values("source_page", "currency")
        .order_by("currency")
        .annotate(total=Sum(NET))
    )
    raised = {}
    for row in rows:
        amount = money.format_amount(row["total"] or 0, row["currency"])
        raised.setdefault(row["source_page"], []).append(amount)
    return raised
