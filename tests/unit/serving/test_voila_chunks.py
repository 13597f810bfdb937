"""voila.js's first chunks in one file (serving/http/chunks.py): each chunk kept whole, in a
function of its own, its license banner and strict mode kept; anything else left out."""

from __future__ import annotations

import sys
from pathlib import Path

from clinic_explainer.serving.http.chunks import FIRST_VISIT, build

PUSH = b'(self.webpackChunk_X=self.webpackChunk_X||[]).push([[%d],{1:(e,t,n)=>{}}]);'


def test_each_chunk_is_kept_whole_in_a_function_of_its_own(tmp_path):
    (tmp_path / "1.voila.js").write_bytes(PUSH % 1 + b"\n//# sourceMappingURL=1.voila.js.map\n")
    (tmp_path / "2.voila.js").write_bytes(b'/*! For license information please see 2.LICENSE.txt */\n"use strict";' + PUSH % 2)
    (tmp_path / "3.voila.js").write_bytes(b"alert(1);" + PUSH % 3)  # runs something: not a plain chunk
    body, found = build([str(tmp_path / "missing"), str(tmp_path)], (1, 2, 3, 4))
    assert found == [1, 2]
    first, second = body.decode().split("})();\n")[:2]
    # a last line comment ends before the function does; the next chunk is not called by it
    assert first == "(function(){\n" + (PUSH % 1).decode() + "\n//# sourceMappingURL=1.voila.js.map\n"
    # the banner stays (licenses), outside; "use strict" stays the chunk's first statement
    assert second == ('/*! For license information please see 2.LICENSE.txt */\n(function(){"use strict";\n'
                      + (PUSH % 2).decode() + "\n")
    assert b"alert" not in body


def test_the_installed_voila_has_every_chunk_of_a_first_visit():
    """FIRST_VISIT was recorded with Voila 0.5.13: an upgrade that renames its chunks fails here
    (the page still works, one request a chunk, until the list is recorded again)."""
    static = Path(sys.prefix) / "share/jupyter/voila/templates/base/static"
    _, found = build([str(static)])
    assert found == list(FIRST_VISIT)
