"""Infrastructure rows (no domain): which worker processes are alive, and what they last did."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per worker process, written at the start and end of every round (core/worker.py)."""

    name = models.CharField(max_length=200, unique=True)  # host:pid
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    version = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    last_round_at = models.DateTimeField(null=True, blank=True)  # when the last complete round ended
    rounds = models.PositiveIntegerField(default=0)
    last_round = models.JSONField(default=dict, blank=True)  # job name -> what it did (its counts)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]
