"""Cut Droid Sans Fallback into pieces by code point, so an invoice parses only the pieces its
names need (fpdf2 parses every font it is given whole: about 0.25 s for the full 3.4 MB file,
about 10 ms for a piece). See README.md beside this file.

    .venv/bin/python static/fonts/split_fallback.py /usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf

writes ``fallback/DroidSansFallback-01.ttf`` ... ``-32.ttf`` here, each holding an equal share
of the font's characters above ASCII (which the main font has), in code point order.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

PIECES = 32
HERE = Path(__file__).resolve().parent


def split(source: Path, pieces: int = PIECES) -> list[Path]:
    characters = sorted(code for code in TTFont(source, lazy=True).getBestCmap() if code >= 0x80)
    share = -(-len(characters) // pieces)
    written = []
    for number, start in enumerate(range(0, len(characters), share), start=1):
        options = subset.Options()
        options.layout_features = []  # names are set character by character: no shaping
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.drop_tables += ["vhea", "vmtx"]  # horizontal text only
        font = TTFont(source, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters[start:start + share])
        subsetter.subset(font)
        path = HERE / "fallback" / f"DroidSansFallback-{number:02d}.ttf"
        path.parent.mkdir(exist_ok=True)
        font.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in split(Path(sys.argv[1])):
        print(path.relative_to(HERE))
