from django.urls import path

from opendvc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("mfa/", views.mfa, name="mfa"),
    path("vneid/", views.eid_login, name="eid_login"),
    path("vneid/callback/", views.eid_callback, name="eid_callback"),
    path("verify/<str:channel>/", views.verify, name="verify"),
    path("verify/<str:channel>/resend/", views.verify_resend, name="verify_resend"),
    path("me/", views.account, name="account"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
