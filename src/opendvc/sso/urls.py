"""The provider's addresses. The issuer is the site's origin, so discovery is at the root
(``/.well-known/openid-configuration``); the endpoints live under ``/o/``. The namespace is the
toolkit's own (``oauth2_provider``), which its views use to build the discovery document."""

from django.urls import path, re_path

from opendvc.sso import views

app_name = "oauth2_provider"
urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", views.TokenView.as_view(), name="token"),
    path("o/revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("o/jwks/", views.JwksInfoView.as_view(), name="jwks-info"),
    path("o/logout/", views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
