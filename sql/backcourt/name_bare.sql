-- backcourt.name_bare(t): the words `t` without a trailing suffix (Jr, Sr, II-V); a step of
-- backcourt.name_key.
CREATE OR REPLACE MACRO backcourt.name_bare(t) AS
    CASE WHEN len(t) > 1 AND lower(t[-1]) IN ('jr', 'sr', 'ii', 'iii', 'iv', 'v') THEN t[1:-2] ELSE t END;
