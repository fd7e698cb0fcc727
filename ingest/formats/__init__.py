"""Format readers: each turns one file's bytes into a `RawDocument` (`read(path, data, limits)`)."""
