"""The local test bed: a private broker, PostgreSQL, central and edge processes, simulated units and synthetic
households — for `madoguchi demo`, the tests and the benches; never imported by the product."""
