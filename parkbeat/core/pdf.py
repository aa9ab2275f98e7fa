"""Printed documents as PDF (调解协议书, 警情登记表, 值班表): one look and one delivery for all of them.

ReportLab draws the Chinese with its built-in CID font STSong-Light, which every PDF reader has, so no
font file ships with the project and nothing is fetched at run time. A document module builds a list of
flowables with `para`, `fields`, `table` and `signatures`, and `render` lays them out on A4 (portrait or
landscape) with the station's name at the top and "打印时间 … · 第 n 页 / 共 m 页" at the bottom.

`download` is the one way a PDF leaves the system: the same hourly quota as spreadsheet exports, an audit
event (verb "download") once the file exists and before it is handed over, and an attachment with a
Chinese file name. Scope and permission are the caller's view's job, exactly as for the page it prints.
"""
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from parkbeat.audit.services import record
from parkbeat.core.exports import download_response, export_filename, take_export_slot

FONT = "STSong-Light"
PDF_CONTENT_TYPE = "application/pdf"
MARGIN = 18 * mm
GRID = colors.black
HEADER_FILL = colors.HexColor("#eeeeee")


def _font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def styles():
    """The paragraph styles every document uses (CJK line breaking, black on white)."""
    font = _font()
    base = {"fontName": font, "wordWrap": "CJK", "textColor": colors.black}
    return {
        "title": ParagraphStyle("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm, **base),
        "subtitle": ParagraphStyle("subtitle", fontSize=10.5, leading=15, alignment=TA_CENTER, spaceAfter=4 * mm,
                                   **base),
        "heading": ParagraphStyle("heading", fontSize=12, leading=18, spaceBefore=3 * mm, spaceAfter=1.5 * mm,
                                  **base),
        "body": ParagraphStyle("body", fontSize=10.5, leading=17, alignment=TA_LEFT, **base),
        "cell": ParagraphStyle("cell", fontSize=9.5, leading=13, **base),
        "cell_right": ParagraphStyle("cell_right", fontSize=9.5, leading=13, alignment=TA_RIGHT, **base),
        "cell_head": ParagraphStyle("cell_head", fontSize=9.5, leading=13, alignment=TA_CENTER, **base),
        "small": ParagraphStyle("small", fontSize=8.5, leading=12, textColor=colors.HexColor("#333333"),
                                fontName=font, wordWrap="CJK"),
    }


def text(value):
    """User text made safe for ReportLab's mini-markup (escaped, line breaks kept)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def para(value, style="body", *, markup=False):
    """A paragraph of `value` (escaped unless `markup` says it is already markup built here)."""
    return Paragraph(value if markup else text(value), styles()[style])


def _cell(value, style):
    if isinstance(value, (Paragraph, Table)):
        return value
    return para(value, style)


def table(rows, widths, *, header=True, right=(), total=False, font_size=None):
    """A ruled table; string cells become wrapping paragraphs, columns in `right` align right (amounts),
    `total` sets the last row apart."""
    cells = []
    for r, row in enumerate(rows):
        if header and r == 0:
            cells.append([_cell(v, "cell_head") for v in row])
        else:
            cells.append([_cell(v, "cell_right" if c in right else "cell") for c, v in enumerate(row)])
    result = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    if total:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL))
    result.setStyle(TableStyle(commands))
    return result


def fields(pairs, width, *, columns=2):
    """Label/value pairs as a ruled form (登记表 style), `columns` pairs a line; a pair whose label ends
    with "*" spans the whole line."""
    label_w = 26 * mm
    value_w = (width - label_w * columns) / columns
    rows, spans, line = [], [], []
    for label, value in pairs:
        wide = label.endswith("*")
        if wide:
            if line:
                rows.append(line + [""] * (columns * 2 - len(line)))
                line = []
            rows.append([para(label[:-1], "cell_head"), para(value, "cell")] + [""] * (columns * 2 - 2))
            spans.append(len(rows) - 1)
            continue
        line += [para(label, "cell_head"), _cell(value, "cell")]
        if len(line) == columns * 2:
            rows.append(line)
            line = []
    if line:
        rows.append(line + [""] * (columns * 2 - len(line)))
    result = Table(rows, colWidths=[label_w, value_w] * columns)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    for c in range(0, columns * 2, 2):
        commands.append(("BACKGROUND", (c, 0), (c, -1), HEADER_FILL))
    for r in spans:
        commands.append(("SPAN", (1, r), (-1, r)))
    result.setStyle(TableStyle(commands))
    return result


def signatures(lines, width, *, seal=None):
    """Signature lines ("甲方（签名）：________  日期：____年__月__日"), with an optional seal box on the right."""
    # Blanks are ruled cells, not underlined spaces, so a line never wraps however long the label.
    date_w = [12 * mm, 14 * mm, 6 * mm, 9 * mm, 6 * mm, 9 * mm, 6 * mm]
    inner = width - (50 * mm if seal else 0)
    label_w = inner - sum(date_w) - 4 * mm
    rows = [[para(f"{label}：", "body"), "", para(_("Date") + "：", "body"), "", para("年", "body"), "",
             para("月", "body"), "", para("日", "body")] for label in lines]
    block = Table(rows, colWidths=[label_w * 0.7, label_w * 0.3] + date_w)
    style = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 1),
             ("RIGHTPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 5 * mm)]
    for c in (1, 3, 5, 7):
        style.append(("LINEBELOW", (c, 0), (c, -1), 0.5, GRID))
    block.setStyle(TableStyle(style))
    if not seal:
        return KeepTogether([Spacer(1, 4 * mm), block])
    seal_box = Table([[para(seal, "cell_head")], [para(_("(seal)"), "cell_head")]],
                     colWidths=[46 * mm], rowHeights=[30 * mm, 8 * mm])
    seal_box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, 0), "TOP")]))
    outer = Table([[block, seal_box]], colWidths=[width - 50 * mm, 50 * mm])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 4 * mm), outer])


def page_width(*, wide=False):
    size = landscape(A4) if wide else A4
    return size[0] - 2 * MARGIN


def _numbered_canvas(header, footer_left):
    """A canvas that knows the page count, for "第 n 页 / 共 m 页" (two passes over the saved pages)."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802  (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total):
            width, height = self._pagesize
            self.saveState()
            self.setFont(_font(), 8.5)
            self.setFillColor(colors.HexColor("#333333"))
            if header:
                self.drawString(MARGIN, height - MARGIN + 6 * mm, header)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(MARGIN, MARGIN - 4 * mm, width - MARGIN, MARGIN - 4 * mm)
            self.drawString(MARGIN, MARGIN - 8 * mm, footer_left)
            self.drawRightString(width - MARGIN, MARGIN - 8 * mm,
                                 _("Page %(page)s of %(total)s") % {"page": self._pageNumber, "total": total})
            self.restoreState()

    return NumberedCanvas


def render(story, *, title, header="", printed_by="", wide=False):
    """The PDF bytes of `story` on A4 (landscape when `wide`), with header and numbered footer."""
    import io

    _font()
    buffer = io.BytesIO()
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    footer = _("Printed %(time)s") % {"time": stamp}
    if printed_by:
        footer += " · " + _("by %(name)s") % {"name": printed_by}
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4) if wide else A4, title=title, author=header,
                            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
    doc.build(list(story), canvasmaker=_numbered_canvas(header, footer))
    return buffer.getvalue()


def download(*, user, build, stem_zh, stem_en, obj=None, object_type="", object_repr=""):
    """Deliver a PDF: counted against the export quota (raises ExportRateLimited), built, put on the audit
    trail as a download, then sent as an attachment named like an export ("调解协议书_…_20261202-0930.pdf")."""
    take_export_slot(user)
    content = build()
    record(actor=user, verb="download", obj=obj, object_type=object_type, object_repr=object_repr, note="PDF")
    filename, ascii_fallback = export_filename(stem_zh, stem_en, "pdf")
    return download_response(content, filename, ascii_fallback, PDF_CONTENT_TYPE)
