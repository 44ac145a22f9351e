"""The reports, charts, HTML, Typst PDF and Excel exports, the index and trends pages."""
