"""The report views and their templates: the unit report, the ranking, the missing unit's
report, charts, the HTML export, the Typst PDF, the Excel ranking, the index and trends."""
