"""Stage 5, the store: Oxigraph on disk or in memory, or a remote SPARQL 1.1 server, behind one interface. Imports base modules, kg.sparql and earlier stages."""
