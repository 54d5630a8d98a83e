from django.urls import path

from opendvc.reporting import views

app_name = "reporting"
urlpatterns = [
    path("thong-ke/", views.national, name="national"),
    path("thong-ke/tinh/<str:code>/", views.province, name="province"),
    path("thong-ke/co-quan/<str:code>/", views.agency, name="agency"),
    path("thong-ke/co-quan/<str:code>/thu-tuc/<str:procedure>/", views.procedure, name="procedure"),
]
