"""``make share``: the site, the draft messages, the province's copy, the booklet."""
