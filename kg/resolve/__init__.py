"""Stage 3, resolution: which IRI an extracted entity has across the corpus (the name index). Imports base modules, kg.read and kg.extract."""
