from django.urls import path

from .providers import paypal_ipn
from .views import donate, giving, test_gateway, webhooks

app_name = "donations"

urlpatterns = [
    path("checkout/", donate.checkout, name="checkout"),
    path("thank-you/<uuid:public_id>/", donate.thank_you, name="thank_you"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("paypal/ipn/", paypal_ipn.ipn, name="paypal_ipn"),
    path("test-gateway/<str:checkout>/", test_gateway.gateway_page, name="test_gateway"),
    path("manage/", giving.request_link, name="request_link"),
    path("manage/<str:token>/", giving.manage, name="manage"),
    path(
        "manage/<str:token>/pledges/<uuid:pledge_id>/",
        giving.provider_portal,
        name="provider_portal",
    ),
]
