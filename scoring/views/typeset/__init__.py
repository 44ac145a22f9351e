"""Typst for every PDF: ``markup`` escapes, ``html`` converts HTML, ``notebook`` walks the
cells, ``document`` compiles in process with the package's font."""
