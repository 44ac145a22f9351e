"""The pure model: the criteria tree, the rules, scores, ranks and bands, the year's result.

No file I/O, no environment, no globals: everything comes in as arguments."""
