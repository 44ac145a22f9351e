"""Development tools, outside the runtime package ``scoring`` (not installed with it).

``dev.sample`` writes the embedded sample's forms (``make sample``), ``dev.synthetic``
makes hostile and large forms for the tests and the bench, ``dev.bench`` times a build
(``make bench``). They use ``scoring``; ``scoring`` never imports them: an analyst's cycle
needs none of them.
"""
