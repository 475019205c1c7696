"""The demo catalogue: real procedures a commune and a province run, loaded by ``motcua demo load``.

The data (``fixtures/demo_catalog.json``, motcua's exchange format) was written by hand from public
facts of the National Public Service Portal; its process plans and receiving units refer to the demo
province (Thành phố Huế), so load the units first.
"""

from __future__ import annotations

from pathlib import Path

from motcua.catalog.exchange import ImportReport, import_catalog

DEMO_CATALOG = Path(__file__).parent / "fixtures" / "demo_catalog.json"


def load_demo_catalog() -> ImportReport:
    return import_catalog(DEMO_CATALOG)
