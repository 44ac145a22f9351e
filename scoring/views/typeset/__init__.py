"""Typst for every PDF: an executed notebook's outputs, in order, as one Typst document
(``markup`` escapes, ``html`` converts HTML, ``notebook`` walks the cells, ``document``
compiles in process with the package's font)."""
