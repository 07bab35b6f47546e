"""Central runs on the city's own catalog when told (`--catalog`), not the bundled sample city."""

import shutil
from pathlib import Path

import httpx

from procedures.planner import SAMPLE_CATALOG
from testbed.broker import Broker
from testbed.services import central_service


def test_central_serves_the_catalog_it_is_given(tmp_path: Path, broker: Broker) -> None:
    catalog = tmp_path / "aoba_city"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    meta = catalog / "catalog.yaml"
    meta.write_text(meta.read_text().replace("Midori City", "Aoba City"))
    service = central_service(tmp_path, broker.url)
    service.argv += ["--catalog", str(catalog)]
    service.start()
    try:
        page = httpx.get(f"{service.base_url}/preentry/?lang=en").text
        assert "Aoba City" in page
        assert "Midori City" not in page
    finally:
        service.kill()
