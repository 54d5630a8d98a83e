from django.urls import path

from opendvc.payments import callbacks

app_name = "payments"
urlpatterns = [
    path("payments/vnpay/ipn", callbacks.vnpay_ipn, name="vnpay_ipn"),
    path("payments/sandbox/callback", callbacks.sandbox_callback, name="sandbox_callback"),
    path("payments/national/callback", callbacks.national_callback, name="national_callback"),
    path("payments/vnpay/callback", callbacks.vnpay_ipn, name="vnpay_callback"),
    path("payments/national/bill", callbacks.national_bill, name="national_bill"),
]
