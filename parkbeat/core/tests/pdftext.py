"""Test helper: the text of a PDF response, page by page joined (pypdf), to check what a printout says."""
import io


def pdf_text(response):
    from pypdf import PdfReader

    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
