"""Counter units as central sees them: the city CA, enrolment (tokens, serial numbers, CSRs) and certificate
renewal, the broker's access rules and admin API, central's own MQTT identities and publishing session, and
revocation."""
