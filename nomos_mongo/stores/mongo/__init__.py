"""The MongoDB adapter of the persistence port, on PyMongo's native async API."""

from .admin import init_db, rebuild_snapshots
from .blobs import GridFSBlobStorage
from .client import Capabilities
from .connecting import connect
from .persistence import MongoPersistence

__all__ = [
    "Capabilities",
    "GridFSBlobStorage",
    "MongoPersistence",
    "connect",
    "init_db",
    "rebuild_snapshots",
]
