"""Payment providers, chosen by name from `settings.PAYMENT_PROVIDERS`, built at call time.

Settings are read when a provider is asked for, never at import, so tests and operators can
change keys without reloading code. Each provider implements `base.PaymentProvider`.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PaymentProvider


class UnknownProvider(LookupError):
    pass


def get_provider(name) -> PaymentProvider:
    """The provider called `name`, configured or not (stored events are parsed either way)."""
    try:
        path = settings.PAYMENT_PROVIDERS[name]
    except KeyError:
        raise UnknownProvider(name) from None
    return import_string(path)()


def available_providers() -> list[PaymentProvider]:
    """The providers a donor may choose now, in the order settings list them."""
    providers = [get_provider(name) for name in settings.PAYMENT_PROVIDERS]
    return [provider for provider in providers if provider.is_configured()]


def offline_gateway_enabled():
    """PAYMENTS_TEST_GATEWAY when set; otherwise on in DEBUG while no real provider is set up."""
    if settings.PAYMENTS_TEST_GATEWAY is not None:
        return settings.PAYMENTS_TEST_GATEWAY
    real = [get_provider(name) for name in settings.PAYMENT_PROVIDERS if name != "test"]
    return settings.DEBUG and not any(provider.is_configured() for provider in real)
