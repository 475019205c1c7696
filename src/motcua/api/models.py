"""Storage the API needs beyond the domain models: remembered answers to idempotent requests.

A counter officer's tablet on a shaky connection retries a POST it never got an answer to; without a
remembered answer the retry would create a second dossier with a second code (and a gap-free register
with a phantom entry). The client sends an ``Idempotency-Key`` header; the first answer is stored here
and replayed for 24 hours. See ``motcua.api.dossiers.idempotency``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("khóa", max_length=255)
    request_hash = models.CharField("dấu vân tay yêu cầu", max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "khóa idempotency"
        verbose_name_plural = "khóa idempotency"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")]
        # ``purge_expired`` deletes by age.
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
