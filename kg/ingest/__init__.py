"""Ingest on top of every stage: read, extract (in worker processes), resolve, map, write, settle. Imports everything but kg.cli and server."""
