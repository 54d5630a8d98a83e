from django.urls import path

from opendvc.sync import views

app_name = "sync"
urlpatterns = [
    path("can-bo/dong-bo/chat-luong-du-lieu/", views.quality_page, name="quality"),
]
