"""What only the tests use: a central that dies between commit and ack. Shared demo, test and bench
infrastructure lives in `testbed/`; nothing here is imported by the product, the demo or the benches."""
