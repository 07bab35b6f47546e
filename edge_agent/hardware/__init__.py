"""Counter-unit hardware: card reader, camera and QR, receipt printer, each behind a small Protocol.

Hardware libraries (pyscard, zxing-cpp, python-escpos, OpenCV, picamera2) are imported only by the driver
modules below this package, so the rest of the edge agent stays importable on a machine without them.
"""
