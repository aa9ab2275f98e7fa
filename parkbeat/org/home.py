"""The organisation's figure on the home page: the parks in the user's jurisdiction."""
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.org.models import Park

CARDS = (Card("parks", _("Parks"), shown_to=None),)


def counts(*, user, now):
    return {"parks": Park.objects.visible_to(user, roles=None).count()}
