"""The interface language: Chinese unless the user chose another one (Django's set_language cookie).

A browser's Accept-Language is its installer's setting, not the user's choice: an officer whose laptop came
with an English Windows still works in Chinese. So pages ignore it; the navbar's language switch
(set_language, kept in the cookie) is the one way to English. The API still honours Accept-Language,
because there the header is the client's explicit request.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request):
    """The supported language of the cookie, else LANGUAGE_CODE."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without Accept-Language for pages (see the module's docstring)."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None
