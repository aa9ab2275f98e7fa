"""Start-up checks (`manage.py check`, and every server and command start): what an operator must know."""
from django.core.checks import Warning, register


@register()
def field_cipher(app_configs, **kwargs):
    """Commercial cryptography (GB/T 39786): personal data is encrypted with SM4-GCM where OpenSSL has it."""
    from parkbeat.core.personal import sm4_available

    if sm4_available():
        return []
    return [Warning(
        "This platform's OpenSSL has no SM4-GCM: new personal-data values are encrypted with AES-256-GCM "
        "(the documented fallback, docs/security.md D3). Install an OpenSSL with SM4 and run "
        "`manage.py rotate_field_keys` to move them to SM4.", id="parkbeat.W001")]
