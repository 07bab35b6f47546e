"""Counter units as central sees them: enrolment tokens, enrolment and revocation."""
