"""jamak (자막): video and audio files to readable subtitles with Whisper.

The package is layered so that each layer can be read and tested on its own; the import
contract in ``pyproject.toml`` (import-linter) keeps the direction one way.
"""

__version__ = "0.1.0"
