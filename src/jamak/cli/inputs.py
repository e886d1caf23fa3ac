"""What ``jamak transcribe`` reads, and where each file's subtitles go.

A file named on the command line writes ``<output dir>/<stem>.<ext>``, as it always has. A
folder stands for the recordings in it and in its subfolders (told by their names:
:mod:`jamak.media.suffixes`), each written at its own place in the folder's tree under the
output folder. So ``-o`` the folder itself puts every subtitle beside its video, where
players look for it, and two ``intro.mp4`` in two subfolders do not overwrite each other.
Hidden files and folders (a leading dot) are left out, as listings leave them out, and links
to folders are not followed, so a link that loops ends the walk instead of repeating it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from jamak.media import is_media_name


@dataclass(frozen=True, slots=True)
class Input:
    source: Path
    # Where its subtitles go, relative to the output folder and without an extension.
    output_stem: PurePath

    @property
    def label(self) -> str:
        """The name its progress bar shows: the file's, with its place in a folder's tree."""
        return str(self.output_stem.parent / self.source.name)

    def output(self, output_dir: Path, extension: str) -> Path:
        return output_dir / self.output_stem.parent / f"{self.output_stem.name}.{extension}"


def expand(arguments: Sequence[Path]) -> tuple[list[Input], list[Path]]:
    """The inputs ``arguments`` stand for, in order (a folder's in sorted order), and the
    folders among them that hold no recording, for the caller to report."""
    inputs: list[Input] = []
    empty: list[Path] = []
    for argument in arguments:
        if not argument.is_dir():
            inputs.append(Input(argument, PurePath(argument.stem)))
            continue
        found = [
            Input(path, path.relative_to(argument).with_suffix(""))
            for path in _recordings_in(argument)
        ]
        inputs.extend(found)
        if not found:
            empty.append(argument)
    return inputs, empty


def _recordings_in(folder: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and is_media_name(PurePath(name)):
                yield Path(root, name)
