from collections.abc import Iterator

import pytest

from opendvc.catalog.search import search_index_reset


@pytest.fixture(autouse=True)
def fresh_search_index(settings) -> Iterator[None]:
    """Each test sees the catalogue as it is now: no index survives from another test's data."""
    settings.CATALOG_INDEX_CHECK_SECONDS = 0
    search_index_reset()
    yield
    search_index_reset()
