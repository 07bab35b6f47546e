"""What crosses between the parts: topics, message schemas, sealing, the QR codec, and what citizens read."""
