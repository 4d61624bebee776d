-- backcourt.name_parts(t): {first, last, base} of the words `t`, each as a lookup; a step of
-- backcourt.name_key.
CREATE OR REPLACE MACRO backcourt.name_parts(t) AS
    CASE WHEN len(t) > 0 THEN {
        'first': player_lookup(t[1]),
        'last': player_lookup(t[-1]),
        'base': player_lookup(array_to_string(t, ' '))
    } END;
