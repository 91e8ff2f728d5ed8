"""Amounts of money: integer minor units plus an ISO 4217 code, never floats.

Donors and editors type major units ("25", "25.50", "3000" yen); the ledger keeps minor units
(2500, 2550, 3000). Every conversion between the two goes through this module, with `Decimal`.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

# Digits after the decimal point, per ISO 4217 and as the payment providers count them.
EXPONENTS = {
    "AUD": 2,
    "BHD": 3,
    "CAD": 2,
    "CHF": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HUF": 2,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PLN": 2,
    "SEK": 2,
    "TWD": 2,
    "USD": 2,
}
# Where a provider counts differently from ISO 4217, its own count wins for its amounts.
PROVIDER_EXPONENTS = {
    "paypal": {"HUF": 0, "TWD": 0},
}

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}
NAMES = {
    "GBP": "Pound sterling",
    "EUR": "Euro",
    "USD": "US dollar",
    "JPY": "Japanese yen",
    "KWD": "Kuwaiti dinar",
}

# A real minimum gift: card testers probe with tiny amounts, and below these the provider's
# fee eats the gift. Editors may set a higher minimum per currency on the donate page.
FLOORS = {
    "GBP": Decimal("1"),
    "EUR": Decimal("1"),
    "USD": Decimal("1"),
    "JPY": Decimal("100"),
    "KWD": Decimal("0.5"),
}
DEFAULT_FLOOR = Decimal("1")


class AmountError(ValueError):
    """An amount a person typed that cannot be taken; the message is fit to show them."""


def exponent(currency, provider=None):
    currency = currency.upper()
    if provider and currency in PROVIDER_EXPONENTS.get(provider, {}):
        return PROVIDER_EXPONENTS[provider][currency]
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise AmountError(f"We don't take gifts in {currency}.") from None


def parse(text):
    """A major-unit amount as typed ("25", "25.50", "1,000") -> Decimal; AmountError if not one."""
    cleaned = str(text).strip().replace(",", "").replace(" ", "")
    for symbol in SYMBOLS.values():
        cleaned = cleaned.removeprefix(symbol)
    if not cleaned:
        raise AmountError("Enter an amount, for example 25 or 25.50.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError("Enter the amount as a number, for example 25 or 25.50.") from None
    if not value.is_finite():
        raise AmountError("Enter the amount as a number, for example 25 or 25.50.")
    return value


def to_minor(value, currency, provider=None):
    """Decimal (or text) in major units -> int minor units; AmountError on too many decimals."""
    if not isinstance(value, Decimal):
        value = parse(value)
    digits = exponent(currency, provider)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        if digits == 0:
            raise AmountError(f"Amounts in {currency.upper()} are whole numbers, without decimals.")
        raise AmountError(
            f"Amounts in {currency.upper()} have at most {digits} decimal places, "
            f"for example {Decimal(25).quantize(Decimal(1).scaleb(-digits))}."
        )
    return int(scaled)


def to_major(minor, currency, provider=None):
    """int minor units -> Decimal major units with the currency's places (2550 GBP -> 25.50)."""
    digits = exponent(currency, provider)
    return Decimal(int(minor)).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def format_amount(minor, currency, short=False):
    """2550, "GBP" -> "£25.50"; 3000, "JPY" -> "¥3,000"; 1250, "KWD" -> "KWD 1.250".

    `short` leaves off zero pence on a round amount ("£25"), for buttons.
    """
    currency = currency.upper()
    major = to_major(minor, currency)
    if short and major == major.to_integral_value():
        major = major.quantize(Decimal(1))
    text = f"{major:,}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def floor(currency):
    return FLOORS.get(currency.upper(), DEFAULT_FLOOR)


@dataclass(frozen=True)
class FeeRule:
    """What a provider charges per payment: a percentage plus a fixed amount per currency."""

    percent: Decimal
    fixed: dict

    def cover(self, minor, currency):
        """The extra to add so that, after the provider's fee, the whole gift arrives.

        total = (gift + fixed) / (1 - percent), rounded up to the currency's smallest unit,
        so the donor never covers less than the fee.
        """
        currency = currency.upper()
        fixed = to_minor(Decimal(str(self.fixed.get(currency, 0))), currency)
        rate = self.percent / Decimal(100)
        total = ((Decimal(minor) + fixed) / (Decimal(1) - rate)).to_integral_value(ROUND_CEILING)
        return int(total) - int(minor)
