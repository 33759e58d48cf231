"""The stores: adapters of the persistence ports (memory, MongoDB, and SQLite)."""
