"""Money in minor units with each currency's own exponent, parsed with Decimal, never floats."""

from decimal import Decimal

import pytest

from donations import money


@pytest.mark.parametrize(
    "text, currency, minor",
    [
        ("25", "GBP", 2500),
        ("25.50", "GBP", 2550),
        ("25.5", "EUR", 2550),
        ("1,000", "USD", 100000),
        ("£12.34", "GBP", 1234),
        ("0.1", "USD", 10),  # 0.1 as a float is 0.1000000000000000055...
        ("3000", "JPY", 3000),
        ("1.250", "KWD", 1250),
        ("1e2", "GBP", 10000),
    ],
)
def test_major_units_as_typed_become_exact_minor_units(text, currency, minor):
    assert money.to_minor(text, currency) == minor


@pytest.mark.parametrize(
    "text, currency, message",
    [
        ("25.505", "GBP", "at most 2 decimal places"),
        ("3000.5", "JPY", "whole numbers"),
        ("1.2345", "KWD", "at most 3 decimal places"),
        ("abc", "GBP", "as a number"),
        ("", "GBP", "Enter an amount"),
        ("Infinity", "GBP", "as a number"),
        ("10", "XYZ", "We don't take gifts in XYZ"),
    ],
)
def test_amounts_that_cannot_be_taken_say_why(text, currency, message):
    with pytest.raises(money.AmountError, match=message):
        money.to_minor(text, currency)


def test_formatting_and_back():
    assert money.format_amount(2550, "GBP") == "£25.50"
    assert money.format_amount(2500, "GBP", short=True) == "£25"
    assert money.format_amount(300000, "JPY") == "¥300,000"
    assert money.format_amount(1250, "KWD") == "KWD 1.250"
    assert money.to_major(1250, "KWD") == Decimal("1.250")


def test_a_provider_that_counts_differently_wins_for_its_own_amounts():
    assert money.exponent("HUF") == 2
    assert money.exponent("HUF", provider="paypal") == 0


@pytest.mark.parametrize(
    "gift, currency, cover",
    [
        (1000, "GBP", 51),  # (10.00 + 0.20) / 0.971 = 10.5046... -> 10.51
        (2500, "USD", 106),  # (25.00 + 0.30) / 0.971 = 26.0556... -> 26.06
        (3000, "JPY", 131),  # (3000 + 40) / 0.971 = 3130.79... -> 3131
    ],
)
def test_fee_cover_is_rounded_up_so_the_whole_gift_arrives(gift, currency, cover):
    rule = money.FeeRule(percent=Decimal("2.9"), fixed={"GBP": "0.20", "USD": "0.30", "JPY": "40"})
    assert rule.cover(gift, currency) == cover
    total = gift + cover
    fee = Decimal(total) * Decimal("0.029") + money.to_minor(rule.fixed[currency], currency)
    assert total - fee >= gift
