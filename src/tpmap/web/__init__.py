"""``tpmap serve``: click where it hurts, in the browser, with the ranking updating on every change.

A local web app (the optional ``web`` extra: Starlette, served by uvicorn) made of one page and a JSON API
(:mod:`tpmap.web.app`) that answers with the command line's JSON. The page (``static/``: plain HTML, CSS and
JavaScript, no build step) draws tpmap's body outline front and back (:mod:`tpmap.web.bodymap`), reads a
complaint in plain words, and shows the ranking as a heat map and a list, the red flags, the next questions,
the smallest explaining set and the satellites. Its state is in the page's address, so a link reproduces a
report. How to use it: ``docs/howto/web.md``.

Importing this package needs nothing beyond tpmap; :func:`tpmap.web.server.serve` says how to install the
extra when it is missing.
"""
