"""Pre-entry (行かない・書かない): a public, phone-friendly page where a citizen enters the basic facts
at home and gets a QR code, sealed to the counter key, to show at a kiosk camera. See docs/kiosk.md.

Central only seals and shows the QR: the facts are never stored, logged or sent anywhere else.
"""
