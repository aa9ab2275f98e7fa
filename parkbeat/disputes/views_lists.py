"""The mediation session (调解记录) and agreement (调解协议) lists: of the disputes the user may see.

Both are `core.views.ScopedListView`s on the shared list mechanism; the rows come from the selectors,
which narrow them through `Dispute.objects.visible_to(user)` (a child is seen by exactly who sees its case).
"""
from parkbeat.core.views import ScopedListView
from parkbeat.disputes import selectors
from parkbeat.disputes.filters import AgreementListFilterSet, SessionListFilterSet
from parkbeat.disputes.models import Agreement, MediationSession
from parkbeat.disputes.tables import AgreementTable, SessionTable


class SessionListView(ScopedListView):
    model = MediationSession
    required_perm = "case.view"
    filterset_class = SessionListFilterSet
    table_class = SessionTable
    template_name = "disputes/session_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.session_list(user=self.request.user).select_related("dispute__park").order_by(
            "-started_at", "-id")


class AgreementListView(ScopedListView):
    model = Agreement
    required_perm = "case.view"
    filterset_class = AgreementListFilterSet
    table_class = AgreementTable
    template_name = "disputes/agreement_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.agreement_list(user=self.request.user).select_related("dispute__park").order_by(
            "-signed_on", "-id")
