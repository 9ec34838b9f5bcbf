"""A PDF turned into what a scanner or a phone makes of the printed, signed sheet.

A scan is an image-only PDF: 200 or 300 dpi, grey paper, blur, a tilt of 0.5–2°,
noise and JPEG artefacts, sometimes a signature scribbled over a party's
signature label, a receipt stamp in the top margin, or a page fed upside down.
A photo is one page on a darker table, in perspective, unevenly lit, saved as
JPEG or PNG, held turned and stored with or without the EXIF orientation that
turns it back. A faint scan has lost its words altogether (doc.no-text-layer).
Every choice is drawn from the rng given, so a seed gives the same bytes; the
choices are returned for the truth.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import asdict, dataclass, field

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

# the words a signature is scribbled over, per party (a subset of extractors/labels.yaml's party words)
PARTY_WORDS = {"municipality": ("kommunen", "kommune", "arbeidsgiver"), "doctor": ("legen", "lege")}
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@dataclass
class ScanStyle:
    """How one document was scanned or photographed."""

    kind: str = "pdf"  # "pdf" (a scanner's image PDF), "photo" (a phone's JPEG or PNG), "faint" (words lost)
    dpi: int = 200
    paper: int = 235  # grey level of the paper
    blur: float = 0.6  # pixels
    tilt: float = 1.0  # degrees
    noise: float = 5.0  # grey levels
    quality: int = 65  # JPEG
    scribble: str | None = None  # the party whose signature label a signature covers
    stamp: bool = False
    upside_down: list[int] = field(default_factory=list)  # 1-based pages fed the wrong way
    turned: int = 0  # photo: degrees the phone was held turned (clockwise)
    exif: bool = False  # photo: the turn is undone by an EXIF orientation tag, not in the pixels
    image_format: str = "JPEG"  # photo

    @classmethod
    def draw(cls, rng: random.Random, pages: int, dpi: int | None = None) -> "ScanStyle":
        """A style drawn from `rng`; `dpi` fixes the resolution (a bench at one resolution)."""
        kind = "photo" if pages == 1 and rng.random() < 0.3 else "pdf"
        drawn_dpi = rng.choice([200, 200, 300])
        style = cls(kind=kind, dpi=dpi or drawn_dpi, paper=rng.randint(215, 245),
                    blur=rng.uniform(0.3, 1.0), tilt=rng.choice([-1, 1]) * rng.uniform(0.5, 2.0),
                    noise=rng.uniform(2, 8), quality=rng.randint(55, 75),
                    scribble=rng.choice([None, None, None, None, "municipality", "doctor"]), stamp=rng.random() < 0.25)
        if kind == "pdf" and rng.random() < 0.2:
            style.upside_down = [rng.randint(1, pages)]
        if kind == "photo":
            style.turned = rng.choice([0, 0, 90, 180, 270])
            style.exif = style.turned in (90, 270) and rng.random() < 0.5
            style.image_format = rng.choice(["JPEG", "JPEG", "PNG"])
        return style

    def truth(self) -> dict:
        facts = asdict(self)
        if self.kind != "photo":
            for key in ("turned", "exif", "image_format"):
                facts.pop(key)
        facts["legible"] = self.kind != "faint"
        return facts


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def scanned(pdf: bytes, style: ScanStyle, rng: random.Random) -> tuple[bytes, str]:
    """The document as the style makes it, and its file extension."""
    pages = [_page_image(pdf, number, style, rng) for number in range(1, page_count(pdf) + 1)]
    if style.kind == "photo":
        return _photo(pages[0], style, rng), "png" if style.image_format == "PNG" else "jpg"
    return _image_pdf(pages, style), "pdf"


def faint(pdf: bytes, rng: random.Random) -> bytes:
    """A scan so faint that no words are left to read: an image-only PDF for doc.no-text-layer."""
    style = ScanStyle(kind="faint", dpi=100, paper=238, blur=2.5, tilt=0.0, noise=4.0)
    pages = []
    for number in range(1, page_count(pdf) + 1):
        page = np.asarray(_render(pdf, number, style.dpi), dtype=np.float32)
        page = style.paper - (255 - page) * 0.03  # the toner all but gone
        pages.append(_finish(Image.fromarray(np.clip(page, 0, 255).astype(np.uint8)), style, rng))
    return _image_pdf(pages, style)


# --- one page ----------------------------------------------------------------------------------

def _render(pdf: bytes, number: int, dpi: int) -> Image.Image:
    page = pdfium.PdfDocument(pdf)[number - 1]
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def _page_image(pdf: bytes, number: int, style: ScanStyle, rng: random.Random) -> Image.Image:
    image = _render(pdf, number, style.dpi)
    draw = ImageDraw.Draw(image)
    scale = style.dpi / 72
    if style.scribble:
        box = _party_label_box(pdf, number, style.scribble)
        if box:
            _scribble(draw, [v * scale for v in box], rng, width=max(2, round(style.dpi / 70)))
    if style.stamp and number == 1:
        _stamp(image, rng, style.dpi)
    return _finish(_paper(image, style), style, rng, upside_down=number in style.upside_down)


def _paper(image: Image.Image, style: ScanStyle) -> Image.Image:
    """Ink stays dark, white becomes the paper's grey."""
    page = np.asarray(image, dtype=np.float32) / 255.0
    return Image.fromarray((20 + page * (style.paper - 20)).astype(np.uint8))


def _finish(image: Image.Image, style: ScanStyle, rng: random.Random, upside_down: bool = False) -> Image.Image:
    """Tilt, blur and grain: what the glass and the sensor add."""
    if style.tilt:
        image = image.rotate(style.tilt, resample=Image.BICUBIC, expand=False, fillcolor=style.paper)
    if upside_down:
        image = image.rotate(180)
    image = image.filter(ImageFilter.GaussianBlur(style.blur))
    grain = np.random.default_rng(rng.getrandbits(32)).normal(0, style.noise, (image.height, image.width))
    return Image.fromarray(np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8))


def _party_label_box(pdf: bytes, number: int, party: str) -> tuple[float, float, float, float] | None:
    """Where the party's word stands in the signature block of this page (points from the top left)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[number - 1].extract_words()
    start = next((i for i, w in enumerate(words) if w["text"].lower().startswith("underskrift")), None)
    if start is None:
        return None
    for word in words[start:]:
        if word["text"].lower().strip(":,.") in PARTY_WORDS[party]:
            return word["x0"] - 6, word["top"] - 4, word["x1"] + 14, word["bottom"] + 4
    return None


def _scribble(draw: ImageDraw.ImageDraw, box: list[float], rng: random.Random, width: int) -> None:
    """A handwritten signature: a few loops running across the box and a little beyond, over the word
    or partly above it, where the signature line is."""
    x0, top, x1, bottom = box
    height = bottom - top
    middle = (top + bottom) / 2 - rng.uniform(0, 0.8) * height
    turns, phase = rng.uniform(3, 6), rng.uniform(0, math.pi)
    points = []
    steps = 120
    for i in range(steps + 1):
        t = i / steps
        x = x0 + (x1 - x0) * t + height * 0.35 * math.cos(2 * math.pi * turns * t + phase)
        y = middle + height * 0.6 * math.sin(2 * math.pi * turns * t) * (0.6 + 0.4 * math.sin(3 * t + phase))
        points.append((x, y))
    draw.line(points, fill=rng.randint(15, 60), width=width, joint="curve")


def _stamp(image: Image.Image, rng: random.Random, dpi: int) -> None:
    """A post room's receipt stamp in the top right margin, in grey-printing red ink, a little askew."""
    scale = dpi / 72
    width, height = int(150 * scale), int(52 * scale)
    stamp = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(stamp)
    border = max(2, round(scale * 1.2))
    draw.rectangle([border, border, width - border, height - border], outline=0, width=border)
    font = ImageFont.truetype(_FONT, int(13 * scale))
    small = ImageFont.truetype(_FONT, int(9 * scale))
    day = f"{rng.randint(1, 28):02d}. {rng.choice(['JAN', 'FEB', 'MAR', 'APR', 'MAI', 'JUN', 'AUG', 'SEP'])} " \
          f"{rng.choice([2020, 2023, 2024])}"
    draw.text((width / 2, height * 0.32), "MOTTATT", font=font, fill=0, anchor="mm")
    draw.text((width / 2, height * 0.72), day, font=small, fill=0, anchor="mm")
    stamp = stamp.rotate(rng.uniform(-6, 6), expand=True, fillcolor=255)
    ink = Image.new("L", stamp.size, rng.randint(90, 130))
    at = (int(image.width - stamp.width - rng.uniform(10, 30) * scale), int(rng.uniform(8, 22) * scale))
    image.paste(ink, at, Image.eval(stamp, lambda v: 255 - v))


# --- files -------------------------------------------------------------------------------------

def _image_pdf(pages: list[Image.Image], style: ScanStyle) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    for page in pages:
        buffer = io.BytesIO()
        page.save(buffer, format="JPEG", quality=style.quality)
        canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *A4)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _photo(page: Image.Image, style: ScanStyle, rng: random.Random) -> bytes:
    """The sheet lying on a table, shot from a little aside: perspective, light falling off, grain."""
    width, height = page.size
    frame_w, frame_h = int(width * 1.25), int(height * 1.2)
    table = rng.randint(50, 110)
    margin_x, margin_y = (frame_w - width) / 2, (frame_h - height) / 2
    jitter = [(rng.uniform(-0.05, 0.05) * width, rng.uniform(-0.04, 0.04) * height) for _ in range(4)]
    corners = [(margin_x, margin_y), (margin_x + width, margin_y), (margin_x + width, margin_y + height),
               (margin_x, margin_y + height)]
    target = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(corners, jitter)]
    coefficients = _perspective_coefficients(target, [(0, 0), (width, 0), (width, height), (0, height)])
    canvas = Image.new("L", (frame_w, frame_h), table)
    warped = page.transform((frame_w, frame_h), Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=table)
    mask = Image.new("L", page.size, 255).transform((frame_w, frame_h), Image.PERSPECTIVE, coefficients,
                                                    Image.BILINEAR, fillcolor=0)
    canvas.paste(warped, (0, 0), mask)
    light = np.linspace(1.0, rng.uniform(0.75, 0.9), frame_w)[None, :] * np.ones((frame_h, 1))
    photo = np.clip(np.asarray(canvas, dtype=np.float32) * light, 0, 255).astype(np.uint8)
    image = Image.fromarray(photo).rotate(-style.turned, expand=True)  # held turned: the pixels lie turned
    out = io.BytesIO()
    exif = None
    if style.exif:  # the phone knew, and wrote the tag that turns the picture back upright
        exif = Image.Exif()
        exif[0x0112] = {90: 8, 270: 6}[style.turned]
    _save(image, out, style, exif)
    return out.getvalue()


def _save(image: Image.Image, out: io.BytesIO, style: ScanStyle, exif: Image.Exif | None = None) -> None:
    options = {"exif": exif} if exif is not None else {}
    if style.image_format == "PNG":
        image.save(out, format="PNG", **options)
    else:
        image.save(out, format="JPEG", quality=style.quality, **options)


def _perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """PIL's PERSPECTIVE maps output pixels back to input pixels: solve for the eight coefficients."""
    rows = []
    for (x, y), (u, v) in zip(source, target):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(target, dtype=np.float64).reshape(8))
    return solution.tolist()
