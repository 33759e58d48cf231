from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class NomosOptions:
    """Engine settings. The defaults suit a server; a client runtime sets is_server_runtime=False."""

    enable_blob_offload: bool = True
    blob_offload_threshold_bytes: int = 65_536
    is_server_runtime: bool = True
    history_snapshot_every: int = 50
    max_dispatch_attempts: int = 10
    conflict_backoff_seconds: float = 0.001
    live_query_debounce_seconds: float = 0.016
    watch_batch_size: int = 500

    def __post_init__(self) -> None:
        if self.blob_offload_threshold_bytes < 1:
            raise InvalidArgument("blob_offload_threshold_bytes", "must be positive")
        if self.history_snapshot_every < 1:
            raise InvalidArgument("history_snapshot_every", "must be positive")
        if self.max_dispatch_attempts < 1:
            raise InvalidArgument("max_dispatch_attempts", "must be positive")
        if self.conflict_backoff_seconds < 0 or self.live_query_debounce_seconds < 0:
            raise InvalidArgument("options", "delays must not be negative")
