"""The embedded cache: Django's database cache, shared by every process that uses the database,
with an `incr` that never loses a count.

Django's own database cache increments by reading the value and writing it back, so two workers
counting the same guess at once both write the same number and one guess is lost. Here the row
is locked first (an UPDATE takes the row lock on PostgreSQL and the write lock on SQLite), so the
read and the write happen as one step and `Limit.hit` is exact under any number of workers.
"""

import base64
import pickle

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now


class SharedDatabaseCache(DatabaseCache):
    def incr(self, key, delta: int = 1, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        name = connection.ops.quote_name
        table, cache_key, value, expires = (
            name(self._table),
            name("cache_key"),
            name("value"),
            name("expires"),
        )
        # Names are quoted by the database's own rules; the key and times go as parameters.
        # Expiry is compared as Django's has_key() compares it.
        moment = connection.ops.adapt_datetimefield_value(now().replace(microsecond=0, tzinfo=None))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # A write that changes nothing, to hold the row (or the database) until the end.
            cursor.execute(
                f"UPDATE {table} SET {expires} = {expires} WHERE {cache_key} = %s",  # noqa: S608
                [key],
            )
            cursor.execute(
                f"SELECT {value} FROM {table} WHERE {cache_key} = %s AND {expires} > %s",  # noqa: S608
                [key, moment],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            count = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(count, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s",  # noqa: S608
                [encoded, key],
            )
        return count


class _OneClientPerPool(django_redis.RedisCacheClient):
    """Django's client makes a new redis.Redis (about 0.15 ms of CPU: its table of reply
    handlers) for every cache operation; one per connection pool does the same work. A
    redis.Redis may be shared by threads (each command takes a connection from the pool)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache, with one client per connection pool (see _OneClientPerPool)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
