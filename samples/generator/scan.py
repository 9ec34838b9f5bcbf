"""Turns a PDF into a scan: every page an image, no text layer (doc.no-text-layer)."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


def scanned(pdf: bytes, dpi: int = 90) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=60)
        canvas.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, *A4)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
