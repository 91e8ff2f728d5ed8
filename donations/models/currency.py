"""The currencies an editor may choose for donate pages, goals and tiers."""

from donations import money

CURRENCY_CHOICES = [
    (code, f"{code}: {money.NAMES[code]}" if code in money.NAMES else code)
    for code in sorted(money.EXPONENTS)
]
