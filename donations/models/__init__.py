from .campaign import Campaign, CampaignGoal
from .donation import COUNTED, Donation, DonationStatus, Frequency, Provider
from .donor import Donor
from .notice import Notice, NoticeKind
from .pages import CurrencyOption, DonateCurrency, DonatePage
from .patron_tier import PatronTier, PatronTierAmount
from .payment_event import EventStatus, PaymentEvent
from .recurring import Interval, PledgeStatus, RecurringDonation
from .status_change import StatusChange

__all__ = [
    "COUNTED",
    "Campaign",
    "CampaignGoal",
    "CurrencyOption",
    "DonateCurrency",
    "DonatePage",
    "Donation",
    "DonationStatus",
    "Donor",
    "EventStatus",
    "Frequency",
    "Interval",
    "Notice",
    "NoticeKind",
    "PatronTier",
    "PatronTierAmount",
    "PaymentEvent",
    "PledgeStatus",
    "Provider",
    "RecurringDonation",
    "StatusChange",
]
