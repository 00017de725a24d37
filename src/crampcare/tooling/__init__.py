"""Developer tooling (translation extraction): may import anything; nothing at run time imports it."""
