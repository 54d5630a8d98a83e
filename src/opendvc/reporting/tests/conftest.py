from opendvc.dossiers.tests.conftest import clear_cache, clock, media_root, world

__all__ = ["clear_cache", "clock", "media_root", "world"]
