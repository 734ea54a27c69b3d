"""Querying the store: the killable worker processes, streamed and capped results, result formats, tables. Imports kg.store.local and earlier."""
