"""Rules grouped by theme; each function takes facts and returns findings."""
