"""Typst for every PDF: the notebook's outputs, in order, turned into one Typst document.

``markup`` escapes text for Typst; ``html`` converts the HTML a report shows (our views'
fragments, DataFrames, Stylers, Markdown rendered to HTML) into calls of the functions of
``templates/report.typ``, the print design; ``notebook`` walks an executed notebook's
cells and outputs; ``document`` wraps a body in the page and compiles it in process with
the ``typst`` wheel, using only the package's font.
"""
