"""The access log of every view, print, correction, approval and export of a case, and case retention."""
