from django.urls import path

from opendvc.sync import views

app_name = "sync"
urlpatterns = [
    path("can-bo/dong-bo/chat-luong-du-lieu/", views.quality_page, name="quality"),
    path(
        "can-bo/dong-bo/chat-luong-du-lieu/<int:record_id>/", views.quarantined_record_page, name="quarantined_record"
    ),
    path("can-bo/dong-bo/he-thong/", views.systems_page, name="systems"),
    path("can-bo/dong-bo/he-thong/<str:code>/", views.system_page, name="system"),
    path("can-bo/dong-bo/he-thong/<str:code>/cap-thong-tin-xac-thuc/", views.system_secret_issue, name="system_secret"),
    path("can-bo/dong-bo/he-thong/<str:code>/trang-thai/", views.system_status_set, name="system_status"),
]
