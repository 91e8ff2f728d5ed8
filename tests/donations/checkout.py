"""A reader's gift posted to the checkout, as the donate form sends it."""


def give(client, page, **fields):
    """Post `page`'s donate form: 25 GBP once through the offline test gateway, unless `fields`
    say otherwise."""
    data = {
        "donate_page": page.pk,
        "amount": "25",
        "currency": "GBP",
        "frequency": "one_off",
        "provider": "test",
        "email": "ada@example.org",
        "name": "Ada",
        **fields,
    }
    return client.post("/donations/checkout/", data)
