from django.db import migrations

from opendvc.audit.triggers import append_only_forward, append_only_reverse


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial"), ("audit", "0002_append_only_trigger")]

    operations = [
        migrations.RunPython(
            append_only_forward("dossiers_dossierevent"), append_only_reverse("dossiers_dossierevent"), elidable=False
        )
    ]
