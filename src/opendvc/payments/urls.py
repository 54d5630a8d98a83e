from django.urls import path

from opendvc.payments import accountant, callbacks, views

app_name = "payments"
urlpatterns = [
    path("thanh-toan/ho-so/<str:code>/", views.pay_dossier, name="pay_dossier"),
    path("thanh-toan/nghia-vu/", views.pay_obligation, name="pay_obligation"),
    path("thanh-toan/don/<str:reference>/", views.order_page, name="order"),
    path("thanh-toan/ket-qua/<str:reference>/", views.order_return, name="return"),
    path("thanh-toan/bien-lai/<str:reference>.pdf", views.receipt, name="receipt"),
    path("ke-toan/thu-phi/", accountant.collections, name="collections"),
    path("ke-toan/doi-soat/", accountant.reconciliation, name="reconciliation"),
    path("ke-toan/sao-ke/", accountant.statement_upload, name="statement_upload"),
    path("ke-toan/hoan-tien/", accountant.refunds, name="refunds"),
    path("ke-toan/bao-nguon/", accountant.source_reports, name="source_reports"),
    path("ke-toan/hoan-tien/mot-phan/", accountant.refund_partial, name="refund_partial"),
    path("ke-toan/hoan-tien/<str:reference>/gui/", accountant.refund_send, name="refund_send"),
    path("ke-toan/hoan-tien/<str:reference>/ghi-nhan/", accountant.refund_record, name="refund_record"),
    path("payments/vnpay/ipn", callbacks.vnpay_ipn, name="vnpay_ipn"),
    path("payments/sandbox/callback", callbacks.sandbox_callback, name="sandbox_callback"),
    path("payments/national/callback", callbacks.national_callback, name="national_callback"),
    path("payments/vnpay/callback", callbacks.vnpay_ipn, name="vnpay_callback"),
    path("payments/national/bill", callbacks.national_bill, name="national_bill"),
]
