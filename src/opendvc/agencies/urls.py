from django.urls import path

from opendvc.agencies import views

app_name = "agencies"
urlpatterns = [
    path("co-quan/", views.agency_list, name="agency_list"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency_detail"),
]
