"""The incident record (警情登记表) as a printable page and as a PDF, from one description of the record.

Who may print: the police of the incident's park ("incident.handle" where it reaches: leader, officer,
auxiliary). A liaison or volunteer who reported it, or an agency brought in, sees the incident but gets
403 here; anyone who cannot see it gets 404.

Personal data on the printout: the caller's name as the page shows it; the caller's mobile masked
(138****5678), as on every page (SECURITY D2). The PDF download is scoped and checked as the page is,
counted against the export quota and audited.
"""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from parkbeat.core import pdf
from parkbeat.core.exports import ExportRateLimited
from parkbeat.core.permissions import require
from parkbeat.core.personal import mask_mobile
from parkbeat.core.views import PermissionRequiredMixin
from parkbeat.incidents import selectors

PERM = "incident.handle"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def incident_document(incident):
    """What the printed record says, for the page and the PDF alike (times in Asia/Shanghai)."""
    steps = []
    for t in incident.transitions.select_related("actor", "holder").order_by("at", "id"):
        what = t.get_kind_display()
        if t.kind == t.Kind.STATUS:
            what = t.get_to_status_display()
        elif t.holder_id:
            what = f"{what} → {t.holder.display_name}"
        steps.append({"at": _local(t.at), "what": what, "by": t.actor.display_name if t.actor_id else _("System"),
                      "note": t.note})
    return {
        "station_name": incident.park.station.name,
        "number": incident.number,
        "fields": [
            (_("Incident number"), incident.number),
            (_("110 dispatch number"), incident.dispatch_number or "—"),
            (_("Source"), incident.get_source_display()),
            (_("Type"), incident.get_kind_display()),
            (_("Park"), incident.park.name),
            (_("Enterprise"), incident.enterprise.name if incident.enterprise_id else "—"),
            (pgettext("place", "Location"), incident.location or "—"),
            (_("People involved"), str(incident.people_involved)),
            (_("Caller"), incident.caller_name or "—"),
            (_("Caller mobile"), mask_mobile(incident.caller_mobile) if incident.caller_mobile else "—"),
            (_("Occurred at"), _local(incident.occurred_at)),
            (_("Reported at"), _local(incident.reported_at)),
            (_("Accepted at"), _local(incident.accepted_at)),
            (_("On scene at"), _local(incident.on_scene_at)),
            (_("Closed at"), _local(incident.closed_at)),
            (_("Status"), incident.get_status_display()),
            (_("Recorded by"), incident.reported_by.display_name),
            (_("Held by"), incident.holder.display_name if incident.holder_id else "—"),
        ],
        "description": incident.description,
        "agencies": [a.name for a in incident.agencies.all()],
        "result": incident.get_result_display() if incident.result else "",
        "result_note": incident.result_note,
        "steps": steps,
    }


def incident_pdf(doc, *, printed_by):
    width = pdf.page_width()
    story = [
        pdf.para(_("Incident record"), "title"),
        pdf.para(_("No. %(number)s") % {"number": doc["number"]}, "subtitle"),
        pdf.fields(doc["fields"] + [(_("Description") + "*", doc["description"]),
                                    (_("Partner agencies") + "*", "、".join(doc["agencies"]) or "—"),
                                    (_("Result") + "*", doc["result"] or "—"),
                                    (_("Result details") + "*", doc["result_note"] or "—")], width),
        pdf.para(_("How it was handled"), "heading"),
        pdf.table([[_("Time"), _("Step"), _("By"), _("Note")]]
                  + [[s["at"], s["what"], s["by"], s["note"] or ""] for s in doc["steps"]],
                  [width * f for f in (0.2, 0.24, 0.16, 0.4)]),
        pdf.signatures([_("Officer handling it (signature)"), _("Reviewed by (signature)")], width),
    ]
    return pdf.render(story, title=_("Incident record") + " " + doc["number"], header=doc["station_name"],
                      printed_by=printed_by)


class IncidentPrintMixin(PermissionRequiredMixin):
    """The incident in the user's scope (else 404), for the police of its park (else 403)."""

    required_perm = PERM

    @cached_property
    def incident(self):
        incident = selectors.incident_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, PERM, incident)
        return incident

    @cached_property
    def document(self):
        return incident_document(self.incident)


class IncidentPrintView(IncidentPrintMixin, TemplateView):
    template_name = "incidents/print/incident.html"

    def get_context_data(self, **kwargs):
        incident = self.incident
        return {**super().get_context_data(**kwargs), "doc": self.document, "incident": incident,
                "station_name": self.document["station_name"], "printed_at": timezone.now(),
                "back_url": incident.get_absolute_url(),
                "pdf_url": reverse("incidents:incident_pdf", args=[incident.pk])}


class IncidentPdfView(IncidentPrintMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        doc, user = self.document, request.user
        try:
            return pdf.download(user=user, build=lambda: incident_pdf(doc, printed_by=user.display_name),
                                stem_zh=f"警情登记表_{doc['number']}", stem_en=f"incident_{doc['number']}",
                                obj=self.incident)
        except ExportRateLimited as exc:
            messages.error(request, str(exc))
            return redirect("incidents:incident_print", self.incident.pk)
