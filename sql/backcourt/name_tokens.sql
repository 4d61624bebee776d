-- backcourt.name_tokens(name): the words of a display name, the first step of backcourt.name_key.
-- "Last, First" (the NBA.com injury report's form) is turned round first; a comma before a suffix
-- ("Porter, Jr.") is not. Dots and commas separate words.
CREATE OR REPLACE MACRO backcourt.name_tokens(name) AS
    list_filter(string_split(regexp_replace(
        CASE WHEN contains(name, ',') AND NOT regexp_matches(name, ',\s*(jr|sr|ii|iii|iv|v)\.?\s*$', 'i')
             THEN trim(split_part(name, ',', 2)) || ' ' || trim(split_part(name, ',', 1))
             ELSE name END,
        '[.,]', ' ', 'g'), ' '), t -> t <> '');
