"""Enrolment of counter units, broker configuration and fleet operations for IT."""
