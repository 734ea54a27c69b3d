"""What Linked Data documents and pages say about a resource: descriptions, profiles, JSON-LD. Imports kg.reports and earlier."""
