"""What every room uses and nothing of theirs: the database connection, the settings,
private files, the code version, Ctrl-C and SIGTERM, and the digests a run records."""
