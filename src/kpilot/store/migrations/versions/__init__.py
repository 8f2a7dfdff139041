"""One module per revision of the store's schema, oldest first (docs/store.md: adding a migration)."""
