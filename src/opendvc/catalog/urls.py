from django.urls import path

from opendvc.catalog import views

app_name = "catalog"
urlpatterns = [
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
]
