"""The append-only trigger's function (migration 0004), with the verbs kept for the sensitive floor as a
parameter, so that a later migration can widen them without copying the rest."""


def function(sensitive_verbs):
    verbs = ", ".join(f"'{verb}'" for verb in sensitive_verbs)
    return f"""
CREATE OR REPLACE FUNCTION parkbeat_audit_append_only() RETURNS trigger AS $$
DECLARE
    kept_for interval;
BEGIN
    kept_for := CASE WHEN OLD.verb IN ({verbs}) THEN interval '1095 days' ELSE interval '180 days' END;
    IF TG_OP = 'DELETE'
       AND current_setting('parkbeat.audit_purge', true) = 'on'
       AND OLD.at < now() - kept_for THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql"""
