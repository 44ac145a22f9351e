"""Everything that reads ``data/`` (its layout: ``layout.DataLayout``): the unit list, the
criteria files, the returned forms and verifications, the unit changes, the build's
snapshot and the source the data API reads from."""
