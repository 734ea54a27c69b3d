"""Stage 1, reading: article files in, :class:`~kg.read.articles.Article` objects out. Imports only kg's base modules."""
