"""Providers are chosen by name from settings, at call time, and all keep one interface."""

import pytest
from django.conf import settings

from donations.providers import UnknownProvider, available_providers, get_provider
from donations.providers.base import PaymentProvider


def test_every_configured_provider_keeps_the_one_interface():
    for name in settings.PAYMENT_PROVIDERS:
        provider = get_provider(name)
        assert isinstance(provider, PaymentProvider)
        assert provider.name == name


def test_providers_read_their_settings_when_asked(settings):
    settings.PAYMENTS_TEST_GATEWAY = False
    assert available_providers() == []
    settings.STRIPE_SECRET_KEY = "sk_test_later"
    assert [p.name for p in available_providers()] == ["stripe"]


def test_an_unknown_provider_is_refused_by_name():
    with pytest.raises(UnknownProvider):
        get_provider("bitcoin")
