"""What crosses between the parts: topics, message schemas, sealing and the QR codec."""
