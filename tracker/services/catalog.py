"""The app's catalog of data files (plans/), loaded once per app and cached."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..catalog import Catalog, load_catalog

_KEY = "rungs.catalog"


def current_catalog() -> Catalog:
    """The catalog for the current app; a malformed data file raises CatalogError with its name."""
    catalog = current_app.extensions.get(_KEY)
    if catalog is None:
        catalog = load_catalog(Path(current_app.config["PLANS_DIR"]))
        current_app.extensions[_KEY] = catalog
    return catalog
