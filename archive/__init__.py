"""Writing and reading the WARC archive: capture, indexing, serving a preserved original back."""
