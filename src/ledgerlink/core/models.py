"""Infrastructure rows (no domain): which worker processes are alive."""

from django.db import models


class WorkerHeartbeat(models.Model):
    name = models.CharField(max_length=200, unique=True)  # host:pid
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
