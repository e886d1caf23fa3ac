"""The timing benchmark: when subtitles appear and vanish against the voice (bench/README.md)."""
