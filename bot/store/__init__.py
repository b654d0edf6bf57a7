"""Persistence: SQLite (embedded default) or PostgreSQL (several replicas)."""

from bot.store.db import DatabaseUrl, DatabaseUrlError
from bot.store.store import Claim, Conversation, Store, TurnTx

__all__ = ["Claim", "Conversation", "DatabaseUrl", "DatabaseUrlError", "Store", "TurnTx"]
