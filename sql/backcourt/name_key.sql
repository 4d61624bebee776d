-- backcourt.name_key(name): the parts of a display name that name resolution's methods compare,
-- as lookups: {first, last, base} with base = the whole name without its suffix
-- (backcourt.name_tokens, then backcourt.name_bare, then backcourt.name_parts).
CREATE OR REPLACE MACRO backcourt.name_key(name) AS
    backcourt.name_parts(backcourt.name_bare(backcourt.name_tokens(name)));
