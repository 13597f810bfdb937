"""Serving the series to patients with Voila (the server process: no widgets, charts or page session).

launcher.py    ``make serve``: checks the content, then runs app.py (``voila_command`` for tests)
app.py         the Voila process: our subclass of Voila, which runs the application hooks
hooks.py       APPLICATION_HOOKS, the code that runs inside the server before it serves
patches.py     every reach into Voila / jupyter_server / tornado internals, with its inventory
kernels/       a kernel per visitor: admission, reaping, the preheated pool, content edits
http/          compression, caching, template cache, security headers, websocket guard, assets
notices.py     the busy / updating / not found / error pages (pages/templates/notice.html.j2)
template_filters.py  the clinic template's Jinja filters (title, lang, lean widget output)
cell_timeout.py      how long a cell may run; patient_ipykernel.py: the patients' kernel
config/        voila.py: every Voila and server setting, each with its reason; nginx.conf
jupyter_data/  the ``clinic`` Voila template and kernelspec (share/jupyter layout, JUPYTER_PATH)
static/        kernel-watch.js and notice.css (served under clinic-static/)
"""
