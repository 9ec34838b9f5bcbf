"""Text read from images: scanned PDF pages and photographed attachments (RapidOCR).

Each page becomes an upright, flat, grey image first: a photographed sheet is
cut out of its background and its perspective undone, a page turned a quarter
is turned back (text lines make the row profile of ink sharp), and a tilt of a
few degrees is measured and undone, because the line grouping expects the
words of one line at one height. Table ruling lines are found with OpenCV
morphology; words are built from the recognizer's character boxes, so a glyph
standing on an upright line (the line read as "|" or "1": an HPR 9306163 read
as 19306163) is dropped and a text box running across a line is cut into its
cells' words. The lines go to the grouping as the table's rules, as a text
layer's drawn lines do. A page still read poorly is tried upside down. The words, with boxes in PDF points
and their confidence, go through the same grouping as a text layer
(`extractors.pdf_text.group_words`), so labels and evidence work unchanged.

The models ship in the `rapidocr` wheel and are given by path, so nothing is
ever downloaded. One inference thread: the two cores are shared by the
batch's workers, and a session without a thread pool survives the
forkserver's fork (pipeline/warmup.py builds it once).
"""
from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from extractors.fields import Line
from extractors.models import OcrReading
from extractors.pdf_text import Rule, group_words
from extractors.safety import LIMITS, Rejected

DPI = 200  # OCR.md: RapidOCR at 200 dpi read as well as at 300, in half the time
_POINTS_PER_INCH = 72
_A4_LONG_SIDE = 842.0  # points: an image is measured as if its long side were an A4 page's
_MAX_SIDE = 2400  # pixels: an A4 page at 200 dpi (2339) fits; RapidOCR's default 2000 would shrink it
_DET_SIDE = 1600  # pixels the detector sees at most; crops are still cut from the full image
_RETRY_BELOW = 0.8  # a page read with a lower mean confidence is tried upside down as well
_USABLE = 0.5  # RapidOCR's own floor for a text box: weaker words do not count when two readings are compared
_GLYPH_SHARE = 0.7  # a detected box is about 1.4 times its letters' height (10-pt text: 14-15 pt)
_TALLEST = 1.25  # a box taller than this times the page's usual one framed something else as well
_SLACK = 2.0  # points OCR's box edges wander beyond a text layer's
_INK_CONTRAST = 60  # grey levels below the paper that count as ink
_INK_SHARE = 0.0005  # a page with less ink than this (a few characters' worth) is blank
_ORIENTATION_SIDE = 1000  # pixels of the copy on which text lines show which way a page lies

cv2.setNumThreads(1)


class PageTimeout(BaseException):
    """One page took longer than LIMITS.ocr_page_seconds (a BaseException: RapidOCR wraps every Exception)."""


@dataclass
class OcrPages:
    """What OCR read of a file: lines per page with confidences, and the pages it left unread and why."""

    lines: list[Line] = field(default_factory=list)
    read: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    word_confidences: list[tuple[float, int]] = field(default_factory=list)  # (confidence, characters)

    @property
    def characters(self) -> int:
        return sum(len(line.text) for line in self.lines)

    def merged(self, other: OcrPages) -> OcrPages:
        """This reading followed by another of later pages of the same file."""
        return OcrPages(lines=self.lines + other.lines, read=self.read + other.read,
                        skipped={**self.skipped, **other.skipped},
                        word_confidences=self.word_confidences + other.word_confidences)

    def reading(self) -> OcrReading:
        chars = sum(n for _, n in self.word_confidences)
        mean = sum(c * n for c, n in self.word_confidences) / chars if chars else None
        low = min((c for c, _ in self.word_confidences), default=None)
        return OcrReading(pages_read=self.read, pages_skipped=self.skipped,
                          mean_confidence=round(mean, 3) if mean is not None else None,
                          min_confidence=round(low, 3) if low is not None else None)


# --- the engine ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def engine():
    """RapidOCR with the models of its own wheel (never a download), built once per process."""
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    _fewer_malloc_arenas()
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.max_side_len": _MAX_SIDE,
        "Global.use_cls": False,  # orientation is decided per page here; per line it flipped good lines
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Det.limit_side_len": _DET_SIDE,
        "Det.limit_type": "max",
        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def warm() -> None:
    """Loads both models by reading one small drawn word, so a forked child starts ready."""
    image = np.full((60, 240), 255, np.uint8)
    cv2.putText(image, "ALIS 2024", (10, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    engine()(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), use_rec=True, return_word_box=True, return_single_char_box=True)


def _fewer_malloc_arenas() -> None:
    """glibc reserves 64 MB of address space per thread arena; the child's RLIMIT_AS counts it."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


# --- pages in -----------------------------------------------------------------------------------

def read_pdf_pages(path: Path, pages: list[int], already_read: int = 0) -> OcrPages:
    """OCR of the given 1-based pages of a PDF, rendered at DPI, under the page cap less the pages
    of the file an earlier call read."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        def render(number: int) -> np.ndarray:
            page = document[number - 1]
            width, height = page.get_size()
            scale = min(DPI / _POINTS_PER_INCH, _MAX_SIDE / max(width, height, 1))
            return np.asarray(page.render(scale=scale, grayscale=True).to_pil().convert("L")).copy()

        return _read_pages(pages, render, photo=False, cap=LIMITS.ocr_pages - already_read)
    finally:
        document.close()


def image_only_pages(path: Path) -> list[int]:
    """1-based numbers of the pages that show an image and hold no text objects (a scan)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(path))
    try:
        found = []
        for number, page in enumerate(document, start=1):
            kinds = {obj.type for obj in page.get_objects(max_depth=2)}
            if pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds and pdfium_c.FPDF_PAGEOBJ_TEXT not in kinds:
                found.append(number)
        return found
    finally:
        document.close()


def read_image_file(path: Path) -> OcrPages:
    """OCR of an image attachment (JPEG, PNG, TIFF pages), its EXIF orientation honoured."""
    with Image.open(path) as image:
        width, height = image.size
        if width * height > LIMITS.image_pixels:
            raise Rejected("image-too-large", limit=LIMITS.image_pixels // 1_000_000)

        def frame(number: int) -> np.ndarray:
            image.seek(number - 1)
            return _grey(image)

        return _read_pages(list(range(1, getattr(image, "n_frames", 1) + 1)), frame, photo=True)


def _grey(frame: Image.Image) -> np.ndarray:
    """An upright grey image no larger than _MAX_SIDE: the camera's EXIF turn applied, a big photo shrunk."""
    upright = ImageOps.exif_transpose(frame.copy())
    if upright.mode in ("RGBA", "LA", "P"):
        upright = upright.convert("RGBA")
        white = Image.new("RGBA", upright.size, "white")
        upright = Image.alpha_composite(white, upright)
    grey = upright.convert("L")
    grey.thumbnail((_MAX_SIDE * 2, _MAX_SIDE * 2))  # the sheet may fill only part of a photo
    return np.asarray(grey).copy()


def capped(pages: list[int], cap: int = LIMITS.ocr_pages) -> tuple[list[int], list[int]]:
    """(pages read, pages skipped) under the page cap: the first pages name the document and hold
    its fields, the last two its signatures, so a long file keeps both ends."""
    if len(pages) <= cap:
        return list(pages), []
    if cap <= 2:
        chosen = pages[-max(cap, 0):] if cap > 0 else []
    else:
        chosen = pages[: cap - 2] + pages[-2:]
    return chosen, [n for n in pages if n not in chosen]


def _read_pages(pages: list[int], image_of, photo: bool, cap: int = LIMITS.ocr_pages) -> OcrPages:
    """Reads page after page within the page cap and the file's OCR time budget; a page over its own
    limit is skipped. Each skipped page keeps why, for the caseworker."""
    chosen, over_cap = capped(pages, cap)
    result = OcrPages(skipped={n: f"ikke lest: OCR leser høyst {LIMITS.ocr_pages} sider av en fil" for n in over_cap})
    started = time.process_time()
    for number in chosen:
        if time.process_time() - started > LIMITS.ocr_file_seconds:
            result.skipped[number] = "ikke lest: tidsgrensen for OCR av filen var brukt opp"
            continue
        try:
            with _time_limit(LIMITS.ocr_page_seconds):
                lines, words = read_page(image_of(number), f"s. {number}", photo)
        except PageTimeout:
            result.skipped[number] = f"ikke lest: OCR av siden tok mer enn {LIMITS.ocr_page_seconds:.0f} s CPU-tid"
            continue
        result.read.append(number)
        result.lines.extend(lines)
        result.word_confidences.extend(words)
    return result


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """A limit on the CPU time one page may take (SIGPROF), so a busy machine does not skip pages a
    free one reads; the child's wall-clock limit (pipeline/isolation.py) still bounds the file. The
    recognizer returns to Python between text boxes, so a page stops within about a second. Outside
    the main thread (no signals there) the child's own limits still hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise PageTimeout

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# --- one page -----------------------------------------------------------------------------------

def read_page(grey: np.ndarray, where: str, photo: bool = False) -> tuple[list[Line], list[tuple[float, int]]]:
    """The lines of one page image, and each word's (confidence, characters); a page without ink
    (blank, or so faint that its words are gone) is not given to the recognizer at all."""
    if _blank(grey):
        return [], []
    if photo:
        grey = _flatten_sheet(grey)
    grey = _deskewed(_quarter_turned(grey))
    first = _recognise(grey, where)
    if first.mean >= _RETRY_BELOW:
        return first.lines, first.words
    turned = _recognise(cv2.rotate(grey, cv2.ROTATE_180), where)
    best = max((first, turned), key=lambda r: r.usable_chars)
    return best.lines, best.words


def _blank(grey: np.ndarray) -> bool:
    """Hardly a pixel clearly darker than the paper: no words to read."""
    paper = float(np.median(grey))
    return float((grey < paper - _INK_CONTRAST).mean()) < _INK_SHARE


@dataclass
class _Reading:
    lines: list[Line]
    words: list[tuple[float, int]]

    @property
    def mean(self) -> float:
        chars = sum(n for _, n in self.words)
        return sum(c * n for c, n in self.words) / chars if chars else 0.0

    @property
    def usable_chars(self) -> float:
        return sum(c * n for c, n in self.words if c >= _USABLE)


def _recognise(grey: np.ndarray, where: str) -> _Reading:
    scale = _points_per_pixel(grey)
    upright, across = _ruling_lines(grey, scale)
    output = engine()(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), use_rec=True,  # RapidOCR keeps the last call's
                      return_word_box=True, return_single_char_box=True)  # settings: say them every time
    words = _glyph_heights([w for w in _words(output, scale, upright) if w["text"].strip()])
    if not words:
        return _Reading([], [])
    lines = group_words(words, where, upright, across, slack=_SLACK)
    return _Reading(lines, [(w["confidence"], len(w["text"])) for w in words])


def _glyph_heights(words: list[dict]) -> list[dict]:
    """Boxes as tall as a text layer's glyphs, around the middle of what OCR framed.

    A detected text box reaches above and below its letters (the detector's margin), and further
    where a signature or a stamp overlaps the word; the middle stays on the line. So each box keeps
    its middle and gets its letters' height: its own, shrunk by the margin, but never more than a
    little over the page's usual height. The grouping's tolerances, made for text layers, then hold.
    """
    if not words:
        return words
    usual = float(np.median([w["bottom"] - w["top"] for w in words]))
    for word in words:
        middle = (word["top"] + word["bottom"]) / 2
        half = min(word["bottom"] - word["top"], _TALLEST * usual) * _GLYPH_SHARE / 2
        word["top"], word["bottom"] = middle - half, middle + half
    return words


def _points_per_pixel(grey: np.ndarray) -> float:
    """A rendered page is at DPI, a photo is measured against an A4 sheet: either way the grouping's
    tolerances, set in points, mean the same on the page."""
    return _A4_LONG_SIDE / max(grey.shape)


def _words(output, scale: float, upright: list[Rule]) -> list[dict]:
    """Words in points, built from RapidOCR's character boxes: a glyph standing on a table's
    upright line is that line (read as "|" or "1") and is dropped, and a word that runs across
    such a line is two cells' words. A text box whose characters cannot be placed is split evenly."""
    if output is None or not getattr(output, "txts", None):
        return []
    words: list[dict] = []
    char_results = output.word_results if len(output.word_results) == len(output.txts) else [()] * len(output.txts)
    for box, text, score, chars in zip(output.boxes, output.txts, output.scores, char_results):
        placed = [(c, float(s), np.asarray(b, float) * scale) for c, s, b in chars if b is not None] if chars else []
        if placed and len(placed) == len(text.replace(" ", "")):
            words.extend(_words_of_line(text, placed, upright))
        else:
            words.extend(_split_box(text, float(score), np.asarray(box, float) * scale))
    return words


_RULE_LIKE = set("|1lI![]")


def _words_of_line(text: str, chars: list[tuple[str, float, np.ndarray]], upright: list[Rule]) -> list[dict]:
    """The text box's words (split at its spaces), each cut where an upright rule crosses it."""
    words: list[dict] = []
    remaining = iter(chars)
    for token in text.split(" "):
        glyphs = [next(remaining) for _ in token]
        piece: list[tuple[str, float, np.ndarray]] = []
        for glyph in glyphs:
            rule = _rule_at(glyph[2], upright)
            if rule is not None and glyph[0] in _RULE_LIKE:
                words.extend(_word_of(piece))
                piece = []
                continue
            if piece and _rule_between(piece[-1][2], glyph[2], upright):
                words.extend(_word_of(piece))
                piece = []
            piece.append(glyph)
        words.extend(_word_of(piece))
    return words


def _middle(corners: np.ndarray) -> tuple[float, float]:
    return (corners[:, 0].min() + corners[:, 0].max()) / 2, (corners[:, 1].min() + corners[:, 1].max()) / 2


def _rule_at(corners: np.ndarray, upright: list[Rule]) -> Rule | None:
    """The upright rule a glyph stands on: its middle within two points of the line, which runs
    through the glyph's height (a line of the row above, ending at the row's border, does not)."""
    x, y = _middle(corners)
    return next((r for r in upright if abs(r[0] - x) <= 2.0 and r[1] <= y <= r[2]), None)


def _rule_between(left: np.ndarray, right: np.ndarray, upright: list[Rule]) -> bool:
    (start, y), (end, _) = _middle(left), _middle(right)
    return any(start < x < end and top <= y <= bottom for x, top, bottom in upright)


def _word_of(glyphs: list[tuple[str, float, np.ndarray]]) -> list[dict]:
    if not glyphs:
        return []
    corners = np.vstack([g[2] for g in glyphs])
    mean = sum(g[1] for g in glyphs) / len(glyphs)  # as RapidOCR scores a word: its characters' mean
    return [_word("".join(g[0] for g in glyphs), mean, corners)]


def _word(text: str, score: float, corners: np.ndarray) -> dict:
    xs, ys = corners[:, 0], corners[:, 1]
    return {"text": text, "x0": xs.min(), "x1": xs.max(), "top": ys.min(), "bottom": ys.max(),
            "confidence": float(score)}


def _split_box(text: str, score: float, corners: np.ndarray) -> list[dict]:
    x0, x1 = corners[:, 0].min(), corners[:, 0].max()
    per_char = (x1 - x0) / max(len(text), 1)
    words, offset = [], 0
    for token in text.split(" "):
        if token:
            left = x0 + offset * per_char
            words.append(_word(token, score, np.array([[left, corners[:, 1].min()],
                                                        [left + len(token) * per_char, corners[:, 1].max()]])))
        offset += len(token) + 1
    return words


# --- page geometry ------------------------------------------------------------------------------

def _flatten_sheet(grey: np.ndarray) -> np.ndarray:
    """A photographed sheet cut from its darker background and its perspective undone; an image
    that is all sheet (a scan) or shows no clear sheet is returned as it was."""
    small_scale = 800 / max(grey.shape)
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    _, sheet = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    sheet = cv2.morphologyEx(sheet, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(sheet, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return grey
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / (small.shape[0] * small.shape[1])
    corners = cv2.approxPolyDP(largest, 0.02 * cv2.arcLength(largest, True), True)
    if len(corners) != 4 or not 0.2 < area < 0.9:
        return grey
    return _warped(grey, _ordered(corners.reshape(4, 2) / small_scale))


def _ordered(points: np.ndarray) -> np.ndarray:
    """Top left, top right, bottom right, bottom left."""
    sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[sums.argmin()], points[diffs.argmin()], points[sums.argmax()], points[diffs.argmax()]],
                    dtype=np.float32)


def _warped(grey: np.ndarray, corners: np.ndarray) -> np.ndarray:
    width = max(np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3]))
    height = max(np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1]))
    grow = min(_MAX_SIDE / max(width, height), 2.0)
    size = (int(width * grow), int(height * grow))
    target = np.array([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    sheet = cv2.warpPerspective(grey, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)
    edge = max(2, int(0.01 * max(size)))  # the sheet's border may still show a strip of the table
    sheet[:edge, :] = sheet[-edge:, :] = 255
    sheet[:, :edge] = sheet[:, -edge:] = 255
    return sheet


def _ink(grey: np.ndarray, width: int = 1000) -> np.ndarray:
    """A small binary image of the ink (1) on the paper (0), for measuring orientation and tilt."""
    factor = width / grey.shape[1]
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _profile_sharpness(ink: np.ndarray, angle: float) -> float:
    """How sharply rows of ink alternate with rows of paper when the image is turned by `angle`:
    highest when text lines lie level."""
    height, width = ink.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum() / max(np.square(rows).sum(), 1.0))


def _best_angle(ink: np.ndarray, span: float = 3.0) -> tuple[float, float]:
    coarse = max(np.arange(-span, span + 0.01, 0.25), key=lambda a: _profile_sharpness(ink, a))
    fine = np.arange(coarse - 0.25, coarse + 0.26, 0.05)
    best = max(fine, key=lambda a: _profile_sharpness(ink, a))
    return float(best), _profile_sharpness(ink, best)


def _quarter_turned(grey: np.ndarray) -> np.ndarray:
    """A page lying on its side turned a quarter: the detector's text boxes on a small copy run up
    the page instead of across it. Which quarter is settled later, by trying the page upside down
    when it reads poorly."""
    factor = min(1.0, _ORIENTATION_SIDE / max(grey.shape))
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found = engine()(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR), use_rec=False)
    boxes = getattr(found, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return grey
    extents = np.ptp(np.asarray(boxes, float), axis=1)  # (width, height) of each box
    lines = extents[np.maximum(extents[:, 0], extents[:, 1]) >= 3 * np.minimum(extents[:, 0], extents[:, 1])]
    across, upright = lines[lines[:, 0] > lines[:, 1], 0].sum(), lines[lines[:, 1] > lines[:, 0], 1].sum()
    return cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE) if upright > across else grey


def _deskewed(grey: np.ndarray) -> np.ndarray:
    """A tilt of a few degrees measured on the ink and undone, so one line's words stand at one height."""
    ink = _ink(grey)
    if ink.sum() == 0:
        return grey
    angle = _best_angle(ink)[0]
    if abs(angle) < 0.1:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _ruling_lines(grey: np.ndarray, scale: float) -> tuple[list[Rule], list[Rule]]:
    """The page's table lines as rules in points: upright (x, top, bottom) and across (y, x0, x1).
    A line is a straight run of ink taller or wider than any glyph of body or heading text (14 points:
    one table row). The lines stay in the image:
    wiping them also wipes a digit written over the line."""
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    length = max(15, int(14 / scale))
    across_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    upright_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return _rules(upright_mask, scale, upright=True), _rules(across_mask, scale, upright=False)


def _rules(mask: np.ndarray, scale: float, upright: bool) -> list[Rule]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rules: list[Rule] = []
    for x, y, w, h, _area in stats[1:count]:
        if upright:
            rules.append(((x + w / 2) * scale, y * scale, (y + h) * scale))
        else:
            rules.append(((y + h / 2) * scale, x * scale, (x + w) * scale))
    return rules

