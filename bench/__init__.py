"""jamak's benchmark against faster-whisper: speed, accuracy and memory, side by side.

``python -m bench.run`` (or ``make bench``) runs every system on the same clips with the same
model and decoding settings, so a change in jamak shows up as a number next to two fixed
anchors (plain and batched faster-whisper) rather than as an impression. See bench/README.md.
"""
