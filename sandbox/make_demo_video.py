"""
Make the demo lectures shipped in ``sandbox/static/sandbox/media/`` (run once by a
developer; the files are committed, so nothing is generated or downloaded at run time).

    .venv/bin/pip install av      # PyAV bundles libvpx; not a project requirement
    .venv/bin/python -m sandbox.make_demo_video

Each lecture is a silent VP8 WebM of coloured frames with a large seconds counter, so
a screenshot shows how far the lecture has played.  Small by construction: 320x180,
5 frames per second, a low bit rate.
"""
import sys
from fractions import Fraction
from pathlib import Path

MEDIA = Path(__file__).resolve().parent / "static" / "sandbox" / "media"
LECTURES = {"lecture-20s.webm": 20, "lecture-120s.webm": 120}
FPS = 5
SIZE = (320, 180)


def frame_image(second, total, title):
    """One frame: background, title, progress bar and the elapsed seconds."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", SIZE, (32, 60, 110))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    small = ImageFont.load_default(size=16)
    draw.text((12, 10), title, fill=(255, 255, 255), font=small)
    draw.text((SIZE[0] // 2, SIZE[1] // 2), f"{second:>3d}s", fill=(255, 230, 120), font=font, anchor="mm")
    width = int((SIZE[0] - 24) * second / total)
    draw.rectangle((12, SIZE[1] - 22, SIZE[0] - 12, SIZE[1] - 12), outline=(255, 255, 255))
    draw.rectangle((12, SIZE[1] - 22, 12 + width, SIZE[1] - 12), fill=(255, 255, 255))
    return image


def make(path, seconds):
    import av

    container = av.open(str(path), mode="w", format="webm")
    stream = container.add_stream("libvpx", rate=FPS)
    stream.width, stream.height = SIZE
    stream.pix_fmt = "yuv420p"
    stream.bit_rate = 60_000
    stream.time_base = Fraction(1, FPS)
    for index in range(seconds * FPS):
        image = frame_image(index // FPS, seconds, f"Demo lecture · {seconds}s")
        frame = av.VideoFrame.from_image(image)
        frame.pts = index
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()


def main():
    MEDIA.mkdir(parents=True, exist_ok=True)
    for name, seconds in LECTURES.items():
        make(MEDIA / name, seconds)
        print(f"{MEDIA / name}: {(MEDIA / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
