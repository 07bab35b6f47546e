"""My Number Card reading: the CardReader interface, its PC/SC driver and the errors a read can end with.

Import `PcscCardReader` from `.pcsc` (it loads pyscard); this package itself stays importable without it.
"""
