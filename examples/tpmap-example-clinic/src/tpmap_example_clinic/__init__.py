"""An example tpmap catalogue plug-in: the catalogue files in this package are merged by
``tpmap.load_catalogue(plugins=True)`` (``tpmap --plugins`` on the command line)."""
