"""``burdenshare warmup`` compiles every kernel the commands run (then loaded from the on-disk cache)."""

from __future__ import annotations

from burdenshare.warmup import STEPS, warm


def test_warm_compiles_or_loads_every_kernel():
    from burdenshare.bargaining import batch
    from burdenshare.engine import kernel
    from burdenshare.legislature import _kernels
    from burdenshare.theory import _consent_kernel

    steps = warm()
    assert [w for w, _ in steps] == [w for w, _ in STEPS] and all(t >= 0 for _, t in steps)
    jitted = [getattr(m, name) for m in (kernel, batch, _kernels, _consent_kernel) for name in dir(m)
              if type(getattr(m, name)).__name__ == "CPUDispatcher" and not name.startswith("__")]
    called = {d.py_func.__qualname__ for d in jitted if d.signatures}
    # the entry kernels of every module have a compiled (or cache-loaded) signature after warm()
    assert {"_kernel", "consent_dp"} <= called
    assert "play_batch_chunk" in called and any("consent" in n or "margin" in n for n in called
                                                             if n not in ("consent_dp",))
