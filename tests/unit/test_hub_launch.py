"""The hub's command line: its internal ports (hub API, proxy API, explainer service)."""

from __future__ import annotations

from clinic_explainer.hub import launch


class ScriptedSocket:
    """A socket whose ``bind(("127.0.0.1", 0))`` gets the next port of a script, as the kernel
    may hand out a port that was just released (the public port, chosen and closed by the caller)."""

    script: list[int] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def bind(self, address):
        self.port = self.script.pop(0)

    def getsockname(self):
        return ("127.0.0.1", self.port)


def test_the_internal_ports_never_include_the_public_port(monkeypatch, tmp_path):
    # the proxy binds the public port before the hub binds its API port: were they the same,
    # the hub would fail and the proxy would send its error pages to itself, forever
    ScriptedSocket.script = [8123, 9001, 9002, 9003]
    monkeypatch.setattr(launch.socket, "socket", ScriptedSocket)
    _, env = launch.hub_command(8123, data=tmp_path)
    assert env[launch.PORTS_ENV] == "9001,9002,9003"


def test_the_internal_ports_differ_from_each_other_and_are_free():
    ports = launch.free_ports(3)
    assert len(set(ports)) == 3
    assert all(1024 < p < 65536 for p in ports)
