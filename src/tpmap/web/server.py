"""Start the web app: uvicorn on a local address, and the browser opened on the page.

>>> url_for("127.0.0.1", 8765), url_for("::1", 8765)
('http://127.0.0.1:8765/', 'http://[::1]:8765/')
"""

from __future__ import annotations

import importlib
import socket
import threading
import webbrowser
from typing import Any, Final

from .._extras import require
from ..catalogue.catalogue import Catalogue
from ..errors import QueryError

__all__ = ["WEB_EXTRA", "serve", "url_for"]

WEB_EXTRA: Final = "web"
"""The optional extra that provides the web app (``pip install "tpmap[web]"``)."""


def url_for(host: str, port: int) -> str:
    """The page's address for a server on ``host`` and ``port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(catalogue: Catalogue, *, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True) -> None:
    """Serve the web app for ``catalogue`` on ``host``:``port`` until interrupted, opening the page in the
    browser once the server is up unless ``open_browser`` is False.

    A host other than a loopback address answers to any host name, so the page can be reached from other
    machines: do that only on a network you trust.

    Raises:
        MissingExtraError: the ``web`` extra is not installed.
        QueryError: ``port`` is not a port number, or ``host``:``port`` cannot be listened on (in use, or not
            an address of this machine).
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise QueryError(f"port must be a whole number from 1 to 65535, not {port!r}")
    _check_free(host, port)
    uvicorn = require("uvicorn", WEB_EXTRA, "tpmap serve")
    require("starlette", WEB_EXTRA, "tpmap serve")
    app_module = importlib.import_module("tpmap.web.app")
    local = host in app_module.LOCAL_HOSTS
    app = app_module.create_app(catalogue, allowed_hosts=app_module.LOCAL_HOSTS if local else None)
    server: Any = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    if open_browser:
        threading.Thread(target=_open_when_up, args=(server, host, port), daemon=True).start()
    print(f"tpmap: serving on {url_for(host, port)} (Ctrl-C to stop)", flush=True)
    server.run()


def _check_free(host: str, port: int) -> None:
    """Refuse an address the server could not listen on, with a clear message instead of the server's log."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.bind(address)
    except OSError as err:
        reason = err.strerror or str(err)
        raise QueryError(f"cannot serve on {url_for(host, port)}: {reason}; choose another --port or --host") from None


def _open_when_up(server: Any, host: str, port: int) -> None:
    """Open the page once the server has started (not before, or the browser finds nothing there)."""
    for _ in range(200):
        if server.started:
            webbrowser.open(url_for(host, port))
            return
        threading.Event().wait(0.05)
