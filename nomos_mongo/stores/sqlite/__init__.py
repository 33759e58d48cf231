"""The SQLite adapter of the persistence port: the embedded, durable default of `nomos serve`."""

from .backup import backup_database
from .blobs import SqliteBlobStorage
from .lock import DataDirectoryInUse
from .persistence import SqlitePersistence

__all__ = ["DataDirectoryInUse", "SqliteBlobStorage", "SqlitePersistence", "backup_database"]
