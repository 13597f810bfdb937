"""Serving the series to patients with Voila.

launcher.py   ``make serve``: checks the content, then runs app.py (``voila_command`` for tests)
app.py        the Voila process: our subclass of Voila, which runs the application hooks
hooks.py      APPLICATION_HOOKS, the extension point for code that must run inside the
              server before it serves (compression, cache headers, guards, headers)
config/       voila.py: every Voila and server setting, each with its reason
jupyter_data/ the ``clinic`` Voila template (share/jupyter layout, found via JUPYTER_PATH)
"""
