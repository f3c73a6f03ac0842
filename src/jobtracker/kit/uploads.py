"""Files in and out over HTTP: uploads read with a size limit, downloads with a safe name."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import UploadFile
from fastapi.responses import StreamingResponse

from jobtracker.kit.clock import utcnow
from jobtracker.kit.problems import ProblemError

CHUNK = 64 * 1024


class TooLarge(ProblemError):
    status, kind, title = 413, "too-large", "The file is too large"


async def read_upload(file: UploadFile, *, max_bytes: int) -> bytes:
    """The whole upload, read in chunks and refused past `max_bytes` whatever its headers say."""
    chunks = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
        chunks.append(chunk)
    return b"".join(chunks)


def csv_download(lines: Iterator[str], name: str = "applications") -> StreamingResponse:
    filename = f"jobtracker-{name}-{utcnow().date().isoformat()}.csv"
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
