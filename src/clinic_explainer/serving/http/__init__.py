"""What the server does to HTTP before and after Voila: application hooks (see ../hooks.py), one job a module.

compression.py  brotli (then gzip) for pages and files, permessage-deflate on the kernel websocket
caching.py      cache lifetimes, Voila's files under a versioned prefix, hot files from memory
templates.py    one compiled-template (jinja2 bytecode) cache for every page's exporter
security.py     CSP and other headers, no identity cookie, branded error pages, clean template paths
ws_guard.py     crafted kernel-websocket frames rejected before they are parsed
activity.py     what keeps a visitor's kernel alive: a patient's changes, not any traffic
surface.py      body limits, a kernel's request details once, no listings, versions or tracebacks
assets.py       files made from content/: notice words, colours.css, the landing page's words
routes.py       swap a handler class in a built application's routing table
"""
