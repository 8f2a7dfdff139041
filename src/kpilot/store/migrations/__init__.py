"""Alembic migrations of the metadata store, shipped inside the package and run by `kpilot.store.revisions`."""
