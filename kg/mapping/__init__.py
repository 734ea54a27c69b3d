"""Stage 4, mapping: an article and its extraction to RDF quads in the article's named graph (IRIs from kg.iris). Imports base modules and earlier stages."""
