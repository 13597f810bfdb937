"""One compiled-template cache for every page: a jinja2 bytecode cache in memory, shared by Voila's exporters.

Voila builds a new nbconvert exporter, with a new jinja environment, for every page it renders
(and every kernel it preheats), and compiled the same templates again each time: about a tenth
of the server's CPU time in a crowd. Entries are keyed by template file and checked against its
source, so an edited template is compiled again. The exporter is reached through
patches.share_template_bytecode.
"""

from __future__ import annotations

from jinja2 import BytecodeCache

from clinic_explainer.serving import patches


class MemoryBytecode(BytecodeCache):
    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


class SharedTemplateCode:
    """Application hook: every page's exporter gets ``self.cache`` (idempotent)."""

    def __init__(self):
        self.cache = MemoryBytecode()

    def __call__(self, app, voila_app) -> None:
        patches.share_template_bytecode(self.cache)


shared_template_code = SharedTemplateCode()
