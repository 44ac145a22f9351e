"""Scoring and ranking of e-government maturity against a criteria set.

The core (criteria, units, forms, rules, scores, ranks) has no dependency on the
rendering layer in ``scoring.render`` (papermill, nbconvert, WeasyPrint), which sits on
top of it.
"""

__version__ = "0.1.0"
