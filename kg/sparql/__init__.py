"""SPARQL text tools used by the store and the endpoint: limits (nesting, size), the query text's parts, value binding. Imports base modules only."""
