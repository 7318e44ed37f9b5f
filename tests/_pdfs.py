"""What a reader of a PDF sees of its structure, read with pypdf (shared by the booklet and feedback-PDF tests)."""
from __future__ import annotations

from pypdf import PdfReader


def bookmarks(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Every bookmark as (depth, title, page index), in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out
