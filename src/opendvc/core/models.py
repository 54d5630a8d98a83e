from django.db import models


class SetupStep(models.Model):
    """A one-time setup step (loading reference or demo data) and the data version it loaded."""

    name = models.CharField(max_length=80, unique=True)
    version = models.CharField(max_length=40)
    completed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bước khởi tạo"
        verbose_name_plural = "bước khởi tạo"

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
