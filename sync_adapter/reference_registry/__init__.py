"""
The reference registry: the registry side of docs/registry-openapi.yaml, runnable
on its own (``python -m sync_adapter.reference_registry serve --port 8765``).

A separate small service with its own SQLite file and no Django: it checks request
signatures and timestamps, stores records idempotently (same key and body ->
"duplicate"; same key, different body -> "conflict"), answers per record, serves the
totals reconciliation reads, and can be told to misbehave (errors, latency, 429s,
dropped connections, answers lost after storing) with a seed, for tests and demos.
"""
