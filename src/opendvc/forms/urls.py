from django.urls import path

from opendvc.forms import views

app_name = "forms"
urlpatterns = [
    path("", views.drafts, name="drafts"),
    path("xa-phuong/", views.communes, name="communes"),
    path("soan/<uuid:draft_id>/", views.task_list, name="task_list"),
    path("soan/<uuid:draft_id>/trang/<slug:page_id>/", views.page, name="page"),
    path("soan/<uuid:draft_id>/giay-to/<int:document_id>/", views.document, name="document"),
    path(
        "soan/<uuid:draft_id>/giay-to/<int:document_id>/xoa/<int:attachment_id>/",
        views.document_remove,
        name="document_remove",
    ),
    path("soan/<uuid:draft_id>/kiem-tra/", views.check_answers, name="check"),
    path("soan/<uuid:draft_id>/da-nop/", views.confirmation, name="confirmation"),
    path("soan/<uuid:draft_id>/xoa/", views.delete, name="delete"),
    path("<str:code>/", views.start, name="start"),
]
