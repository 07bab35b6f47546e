"""The central server: MQTT ingest, cases, exports and the staff web UIs."""
