"""The counter unit: hardware drivers, sealed outbox, MQTT link and the local kiosk web app."""
