"""Open data in and out: bulk import of registry files, streaming exports, the data catalogue and statistics."""
