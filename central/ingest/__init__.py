"""MQTT ingest: verify → open → store idempotently → commit → ack."""
