"""Micro-needling patient education: content -> models -> figures -> widgets -> Voila.

Data flows one way. ``content`` loads and validates the clinic's files, the pure models
(``timeline``) answer questions about them, ``chart`` draws them, the ``*_view`` modules
wrap them in ipywidgets and ``pages`` puts a notebook page together.
"""

__version__ = "0.1.0"
