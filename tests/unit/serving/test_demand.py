"""How deep a pool of copies is kept (serving/kernels/demand.py): from the visitors measured."""

from clinic_explainer.serving.kernels.demand import LEAD, WINDOW, Demand, floor_of


def test_a_quiet_pool_keeps_a_quarter_and_a_stream_grows_it_up_to_the_memory_s_size():
    demand = Demand()
    assert demand.target("en", 20, now=0.0) == floor_of(20) == 5
    assert floor_of(3) == 1 and floor_of(1) == 1
    for second in range(60):  # one visitor a second for a minute
        demand.arrived("en", now=float(second))
    assert demand.rate("en", now=60.0) == 1.0
    assert demand.target("en", 20, now=60.0) == LEAD  # ten seconds of visitors
    for second in range(60):  # then four a second
        for quarter in range(4):
            demand.arrived("en", now=60.0 + second + quarter / 4)
    assert demand.target("en", 20, now=120.0) == 20  # never past the memory's size
    assert demand.target("es", 5, now=120.0) == 1  # another pool: its own count
    assert not demand.quiet("en", now=120.0)
    assert demand.quiet("en", now=120.0 + WINDOW + 1) and demand.target("en", 20, now=200.0) == 5
