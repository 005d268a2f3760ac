"""
The picture of a fallback attention check: the server's number drawn with noise (PNG).

A block without an authored question pool asks the learner to pick, among four
numbers, the one shown in a picture.  The number is never in any JSON: only this
picture carries it, so a script that reads the protocol passes by chance (1 in 4).
The drawing is deterministic per check (seeded from the check id and its secret), so
asking for the picture again gives the same image instead of fresh noise that could
be averaged away.  It does not stop a script that runs OCR, nor a person paid to
click (ADR 0022).
"""
import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 220, 90
FONT_SIZE = 54


def render(check) -> bytes:
    """PNG bytes showing ``check.secret`` among noise."""
    seed = int.from_bytes(hashlib.sha256(f"{check.check_id}:{check.secret}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), _light(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(10):  # background strokes
        draw.line([(rng.randrange(WIDTH), rng.randrange(HEIGHT)), (rng.randrange(WIDTH), rng.randrange(HEIGHT))],
                  fill=_mid(rng), width=rng.randint(1, 3))
    font = ImageFont.load_default(size=FONT_SIZE)
    x = 30 + rng.randrange(20)
    for digit in check.secret:
        glyph = Image.new("L", (FONT_SIZE + 20, FONT_SIZE + 30), 0)
        ImageDraw.Draw(glyph).text((10, 5), digit, font=font, fill=255)
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(_dark(rng), (x, rng.randrange(0, 16)), glyph)
        x += FONT_SIZE - 6 + rng.randrange(12)
    for _ in range(6):  # strokes across the digits
        draw.line([(rng.randrange(WIDTH // 3), rng.randrange(HEIGHT)),
                   (WIDTH - rng.randrange(WIDTH // 3), rng.randrange(HEIGHT))], fill=_mid(rng), width=2)
    for _ in range(900):  # speckle
        draw.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)), fill=_mid(rng))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _light(rng):
    return tuple(rng.randint(225, 250) for _ in range(3))


def _mid(rng):
    return tuple(rng.randint(120, 200) for _ in range(3))


def _dark(rng):
    return tuple(rng.randint(10, 70) for _ in range(3))
