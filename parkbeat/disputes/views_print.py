"""The mediation agreement (调解协议书) as a printable page and as a PDF, from one description of the document.

Who may print: whoever works the case ("dispute.change" on the dispute: its police and its mediators). Others
who see the case (the enterprise's liaison, a joined agency) get 403; anyone who cannot see it gets 404.

Personal data on the printed agreement: an agreement binds named parties and is signed on paper, so it
names each party (name, kind, number of people, representatives) and the mediator; contact mobiles are
printed masked (138****5678) as everywhere else (SECURITY D2), and no other personal data is printed.
The PDF download is scoped and checked as the page is, counted against the export quota and audited.
"""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from parkbeat.core import pdf
from parkbeat.core.exports import ExportRateLimited
from parkbeat.core.permissions import require
from parkbeat.core.personal import mask_mobile
from parkbeat.core.templatetags.parkbeat import format_yuan
from parkbeat.core.views import PermissionRequiredMixin
from parkbeat.disputes import selectors

PERM = "dispute.change"


def agreement_document(*, dispute, agreement):
    """What the printed agreement says, for the page and the PDF alike."""
    agreements = list(dispute.agreements.order_by("signed_on", "id").values_list("pk", flat=True))
    parties = list(agreement.parties.all()) or list(dispute.parties.all())
    mediators = []
    if agreement.session_id:
        mediators = [u.display_name for u in agreement.session.mediators.all()]
    if not mediators and dispute.mediator_id:
        mediators = [dispute.mediator.display_name]
    obligations = list(agreement.obligations.order_by("sequence"))
    return {
        "station_name": dispute.park.station.name,
        "organisation": dispute.mediation_centre.name if dispute.mediation_centre_id else dispute.park.station.name,
        "number": f"{dispute.number}-{agreements.index(agreement.pk) + 1}",
        "case_number": dispute.number,
        "park_name": dispute.park.name,
        "enterprise_name": dispute.enterprise.name if dispute.enterprise_id else "",
        "title": dispute.title,
        "category": dispute.get_category_display(),
        "summary": dispute.summary,
        "core_demands": dispute.core_demands,
        "parties": [{"side": p.get_side_display(), "kind": p.get_kind_display(), "name": p.name,
                     "headcount": p.headcount, "representatives": p.representatives,
                     "mobile": mask_mobile(p.contact_mobile) if p.contact_mobile else ""} for p in parties],
        "terms": agreement.terms,
        "obligations": [{"sequence": o.sequence, "description": o.description, "due_on": o.due_on,
                         "amount": format_yuan(o.amount), "status": o.get_status_display()} for o in obligations],
        "total": format_yuan(agreement.total_amount),
        "signed_on": agreement.signed_on,
        "status": agreement.get_status_display(),
        "mediators": mediators,
        "place": agreement.session.place if agreement.session_id else "",
    }


def agreement_pdf(doc, *, printed_by):
    """The agreement as PDF bytes: title, numbered sections, instalments, signatures and the seal box."""
    width = pdf.page_width()
    story = [
        pdf.para(_("Mediation agreement"), "title"),
        pdf.para(_("No. %(number)s") % {"number": doc["number"]}, "subtitle"),
        pdf.fields([(_("Case number"), doc["case_number"]), (_("Mediated by"), doc["organisation"]),
                    (_("Park"), doc["park_name"]), (_("Enterprise"), doc["enterprise_name"] or "—"),
                    (_("Mediators"), "、".join(doc["mediators"]) or "—"),
                    (_("Signed on"), doc["signed_on"].strftime("%Y-%m-%d"))], width),
        pdf.para(_("1. Parties"), "heading"),
        pdf.table([[_("Side"), _("Kind"), _("Party name"), _("People"), _("Representatives"), _("Contact")]]
                  + [[p["side"], p["kind"], p["name"], str(p["headcount"]), p["representatives"] or "—",
                      p["mobile"] or "—"] for p in doc["parties"]],
                  [width * f for f in (0.11, 0.13, 0.30, 0.08, 0.22, 0.16)]),
        pdf.para(_("2. What the dispute is about"), "heading"),
        pdf.para(f"{doc['title']}（{doc['category']}）"),
        pdf.para(doc["summary"]),
    ]
    if doc["core_demands"]:
        story.append(pdf.para(_("Demands: %(demands)s") % {"demands": doc["core_demands"]}))
    story += [pdf.para(_("3. What the parties agree"), "heading"), pdf.para(doc["terms"]),
              pdf.para(_("4. How it is carried out"), "heading")]
    if doc["obligations"]:
        story.append(pdf.table(
            [[_("No."), _("What is due"), _("Due on"), _("Amount")]]
            + [[str(o["sequence"]), o["description"], o["due_on"].strftime("%Y-%m-%d"), o["amount"]]
               for o in doc["obligations"]]
            + [["", _("Total"), "", doc["total"]]],
            [width * f for f in (0.08, 0.50, 0.18, 0.24)], right=(3,), total=True))
    else:
        story.append(pdf.para(_("Total amount: %(total)s") % {"total": doc["total"]}))
    story += [pdf.para(_("5. This agreement takes effect when the parties sign it. Each party, the mediators "
                         "and the mediation organisation keep one copy."), "body"),
              pdf.signatures([_("%(side)s %(name)s (signature)") % {"side": p["side"], "name": p["name"]}
                              for p in doc["parties"]] + [_("Mediator (signature)")], width,
                             seal=doc["organisation"])]
    return pdf.render(story, title=_("Mediation agreement") + " " + doc["number"], header=doc["station_name"],
                      printed_by=printed_by)


class AgreementPrintMixin(PermissionRequiredMixin):
    """The agreement of a dispute in the user's scope (else 404), for those who work the case (else 403)."""

    required_perm = PERM

    @cached_property
    def dispute(self):
        dispute = selectors.dispute_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, PERM, dispute)
        return dispute

    @cached_property
    def agreement(self):
        queryset = self.dispute.agreements.select_related("session").prefetch_related(
            "parties", "obligations", "session__mediators")
        return selectors.get_visible(queryset, self.kwargs["agreement_pk"])

    @cached_property
    def document(self):
        return agreement_document(dispute=self.dispute, agreement=self.agreement)


class AgreementPrintView(AgreementPrintMixin, TemplateView):
    template_name = "disputes/print/agreement.html"

    def get_context_data(self, **kwargs):
        dispute, agreement = self.dispute, self.agreement
        return {**super().get_context_data(**kwargs), "doc": self.document, "dispute": dispute,
                "station_name": self.document["station_name"], "printed_at": timezone.now(),
                "back_url": f"{dispute.get_absolute_url()}#agreement-{agreement.pk}",
                "pdf_url": reverse("disputes:agreement_pdf", args=[dispute.pk, agreement.pk])}


class AgreementPdfView(AgreementPrintMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        doc, user = self.document, request.user
        try:
            return pdf.download(user=user, build=lambda: agreement_pdf(doc, printed_by=user.display_name),
                                stem_zh=f"调解协议书_{doc['number']}", stem_en=f"agreement_{doc['number']}",
                                obj=self.agreement)
        except ExportRateLimited as exc:
            messages.error(request, str(exc))
            return redirect("disputes:agreement_print", self.dispute.pk, self.agreement.pk)
