from django.db import migrations

from opendvc.audit.triggers import append_only_forward, append_only_reverse


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            append_only_forward("audit_auditentry"), append_only_reverse("audit_auditentry"), elidable=False
        )
    ]
