"""The ontology: SHACL validation, OWL reasoning, its documentation. Imports kg.views and earlier."""
