"""Swap a handler class in a built tornado application's routing table (for application hooks)."""

from __future__ import annotations

from collections.abc import Callable


def replace_handler(app, base: type, make: Callable[[type], type]) -> int:
    """Replace every route target that is ``base`` or a subclass of it by ``make(target)``.

    Walks nested routers (the wildcard router, host routers added by ``add_handlers``).
    Returns the number of routes changed.
    """

    def walk(router) -> int:
        changed = 0
        for rule in getattr(router, "rules", []):
            target = rule.target
            if isinstance(target, type) and issubclass(target, base):
                rule.target = make(target)
                changed += 1
            elif hasattr(target, "rules"):
                changed += walk(target)
        return changed

    return walk(app.default_router)
