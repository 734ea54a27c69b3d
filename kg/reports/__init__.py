"""Canned reports: the .rq catalogue, reports saved in the store (versions), running them with parameters. Imports kg.query and earlier."""
