"""
Rebuild ``CadreCertKai-Regular.ttf``: the certificate font shipped with the plugin.

Why a subset: the full LXGW WenKai font is 15 MB; the certificate needs the GB 2312
character set (6,763 hanzi, which covers the names on practically every ID card, plus
symbols), ASCII and the CJK punctuation.  Why renamed: the source is under the SIL Open
Font License 1.1 with the Reserved Font Names "霞鹜" and "LXGW", so a modified version
(a subset is one) must carry another name (OFL §3).  See FONTLOG.txt and OFL.txt.

Run (needs ``pip install fonttools`` and Debian's ``fonts-lxgw-wenkai``)::

    python cadre_policy_plugin/fonts/make_subset.py \
        /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf
"""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "CadreCertKai-Regular.ttf")
FAMILY = "CadreCertKai"


def gb2312_characters():
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_text():
    chars = gb2312_characters()
    chars.update(chr(code) for code in range(0x20, 0x7F))  # ASCII
    chars.update(chr(code) for code in range(0x3000, 0x3040))  # CJK punctuation
    chars.update(chr(code) for code in range(0xFF01, 0xFF5F))  # full-width forms
    chars.update("·•—–‘’“”…※№℃〇")
    return "".join(sorted(chars))


def rename(font):
    """Drop the reserved names: every name record says CadreCertKai."""
    names = {1: FAMILY, 2: "Regular", 3: f"{FAMILY}-Regular-subset", 4: f"{FAMILY} Regular",
             6: f"{FAMILY}-Regular", 16: FAMILY, 17: "Regular"}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    table.setName("Subset of LXGW WenKai (OFL-1.1) renamed per OFL §3; see FONTLOG.txt", 5, 3, 1, 0x409)


def main(source):
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=wanted_text())
    subsetter.subset(font)
    rename(font)
    font.save(TARGET)
    print(f"{TARGET}: {os.path.getsize(TARGET)} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
