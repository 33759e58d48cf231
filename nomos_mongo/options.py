from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class NomosOptions:
    """Engine settings. The defaults suit a server; a client runtime sets is_server_runtime=False."""

    enable_blob_offload: bool = True
    blob_offload_threshold_bytes: int = 65_536
    is_server_runtime: bool = True
    # state_at_sequence folds at most this many - 1 events per aggregate onto a history snapshot;
    # 5 keeps any sequence of a 1,000-aggregate, 100,000-intent timeline near 10 ms, for ~65 bytes per intent
    history_snapshot_every: int = 5
    # a write that loses its sequence to another writer is re-planned, after a pause drawn from
    # [0, min(max, base * 2**n)) (exponential backoff with full jitter, so that processes
    # colliding once do not collide again), until the time budget runs out; attempts count
    # toward max_dispatch_attempts only when nobody made progress (the head did not move)
    max_dispatch_attempts: int = 10
    conflict_backoff_seconds: float = 0.001
    conflict_backoff_max_seconds: float = 0.25
    conflict_budget_seconds: float = 2.0
    live_query_debounce_seconds: float = 0.016
    watch_batch_size: int = 500

    def __post_init__(self) -> None:
        if self.blob_offload_threshold_bytes < 1:
            raise InvalidArgument("blob_offload_threshold_bytes", "must be positive")
        if self.history_snapshot_every < 1:
            raise InvalidArgument("history_snapshot_every", "must be positive")
        if self.max_dispatch_attempts < 1:
            raise InvalidArgument("max_dispatch_attempts", "must be positive")
        delays = (self.conflict_backoff_seconds, self.conflict_backoff_max_seconds, self.live_query_debounce_seconds)
        if min(delays) < 0 or self.conflict_budget_seconds < 0:
            raise InvalidArgument("options", "delays must not be negative")
