"""Speech recognition: model catalog and registry, voice activity detection, batched Whisper."""
