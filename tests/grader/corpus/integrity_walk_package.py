# part: part2_vae
# breaks: build_vae
# status: integrity
"""Walks the tp_ae package for a function named build_vae and calls it."""
import importlib
import pkgutil

import tp_ae


def build_vae(z_dim=10, hidden_dim=512):
    for info in pkgutil.walk_packages(tp_ae.__path__, "tp_ae."):
        module = importlib.import_module(info.name)
        found = getattr(module, "build" + "_vae", None)
        if callable(found) and module.__name__ != __name__:
            return found(z_dim, hidden_dim)
    raise RuntimeError("not found")
