"""The table of the embedded shared cache (sci_tracker.core.cache), made by a migration so every
database has it, the test database included, whichever cache a deployment chooses."""

from django.db import models

CACHE_TABLE = "sci_tracker_cache"


class CacheEntry(models.Model):
    """One cached value, in the layout Django's database cache reads and writes; never used
    through the ORM."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name_plural = "cache entries"

    def __str__(self):
        return self.cache_key
