from django.urls import path

from opendvc.dossiers_web.views import citizen, files, officer, tracking

app_name = "dossiers_web"
urlpatterns = [
    path("ho-so-cua-toi/", citizen.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", citizen.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", citizen.supply, name="my_supply"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", citizen.withdraw, name="my_withdraw"),
    path("tra-cuu-ho-so/", tracking.track, name="track"),
    path("can-bo/", officer.worklist, name="worklist"),
    path("can-bo/dang-ky-ho-so/", officer.register, name="register"),
    path("can-bo/ho-so/<str:code>/", officer.dossier, name="officer_dossier"),
    path("can-bo/ho-so/<str:code>/thao-tac/<slug:slug>/", officer.action, name="officer_action"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/", files.attachment_view, name="attachment_view"),
]
