"""Pages that never connect are owed by their address (serving/kernels/shares.py): past the
limit the address is refused, time forgives, and other addresses are never affected."""

from clinic_explainer.serving.kernels.shares import Shares
from clinic_explainer.settings import UNCONNECTED_FORGIVEN_SECONDS, UNCONNECTED_PAGES_MAX


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_an_address_that_never_connects_is_refused_until_forgiven():
    clock = Clock()
    shares = Shares(clock=clock)
    for _ in range(UNCONNECTED_PAGES_MAX):
        shares.owe("127.0.0.2")
    assert not shares.refused("127.0.0.2")  # a few tabs closed while loading are fine
    shares.owe("127.0.0.2")
    assert shares.refused("127.0.0.2") and not shares.refused("127.0.0.1") and not shares.refused(None)
    for _ in range(5):  # asking again and again while refused: never forgiven
        clock.now += UNCONNECTED_FORGIVEN_SECONDS * 0.9
        assert shares.refused("127.0.0.2")
    clock.now += UNCONNECTED_FORGIVEN_SECONDS * 1.5  # calm
    assert not shares.refused("127.0.0.2")
    shares.owe("127.0.0.2")  # one more page for nobody: refused again at once
    assert shares.refused("127.0.0.2")
    clock.now += UNCONNECTED_FORGIVEN_SECONDS * (UNCONNECTED_PAGES_MAX + 2)
    shares.owe("127.0.0.9")
    assert "127.0.0.2" not in shares.owed  # forgiven addresses are not kept
