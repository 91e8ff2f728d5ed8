"""What a gift and a pledge say about their money, each kept as `amount` and `fee_cover` in minor
units of `currency` (DESIGN.md: integer minor units plus currency)."""

from donations import money


class Amounts:
    """The totals and their text for a ledger row with `amount`, `fee_cover` and `currency`."""

    @property
    def total(self):
        """What the donor is charged: the gift plus any fee cover, in minor units."""
        return self.amount + self.fee_cover

    @property
    def amount_text(self):
        return money.format_amount(self.amount, self.currency)

    @property
    def total_text(self):
        return money.format_amount(self.total, self.currency)

    @property
    def fee_cover_text(self):
        return money.format_amount(self.fee_cover, self.currency)

    @property
    def amount_major(self):
        return money.to_major(self.amount, self.currency)

    @property
    def fee_cover_major(self):
        return money.to_major(self.fee_cover, self.currency)
