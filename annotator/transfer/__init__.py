"""Import and export orchestration over the formats: files in, a stream of documents out."""
