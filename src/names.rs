//! The one name normaliser of backcourt: `player_lookup`, team tricodes and player aliases.
//!
//! # Why one normaliser
//!
//! Every table joins players on `player_lookup`. In the reference pipeline each Phase 2 processor
//! built that key its own way (spec `reference-phase3.md` §0.2), and the joins between sources
//! silently dropped players with suffixes or accents (§10 item 2). DESIGN principle 7 therefore
//! puts the whole rule in [`player_lookup`], and every reader, kernel and fixture calls it.
//!
//! The source variants (§0.2) that this function folds into one key:
//!
//! | Source | Suffix (Jr/Sr/II/III/IV) | Diacritics |
//! |---|---|---|
//! | gamebook, Odds-API | kept | stripped (`Jokić` → `jokic`) |
//! | BDL box scores | kept | deleted (`Jokić` → `joki`) |
//! | BigDataBall PBP, NBA.com PBP, BettingPros, ESPN rosters | stripped | deleted |
//!
//! BigDataBall also prefixes the NBA player id from Oct 2024 (`1630552jalenjohnson`).
//!
//! # Contract of [`player_lookup`]
//!
//! 1. Transliterate non-ASCII characters with `deunicode`: diacritics are *transliterated*, never
//!    deleted (`Jokić` → `jokic`, `Şengün` → `sengun`, `Schröder` → `schroder`, `ß` → `ss`).
//!    This matches the reference's NFD-and-drop-marks rule on every accented Latin letter, and
//!    improves on it for letters with no decomposition (`ß`, `ø`, `ł`, `æ`), which the reference
//!    deletes.
//! 2. Lowercase, and keep only `[a-z0-9]`: spaces and punctuation (`-`, `'`, `.`, `,`, `_`, …) go.
//! 3. Suffixes are kept: `Michael Porter Jr.` → `michaelporterjr`. Re-read sources that strip
//!    suffixes through [`Aliases`]; the normaliser cannot put back a suffix a source dropped.
//! 4. A leading numeric player id is removed: `1630552jalenjohnson` → `jalenjohnson`. Only a run of
//!    digits followed by a letter counts; a key made only of digits is left alone.
//!
//! The output is ASCII `[a-z0-9]*`, so the function is idempotent:
//! `player_lookup(&player_lookup(x)) == player_lookup(x)`. It runs per row over millions of rows,
//! so it makes one allocation ([`player_lookup`]) or none ([`player_lookup_into`] with a reused
//! buffer), and ASCII input never touches the transliteration table.
//!
//! # Teams
//!
//! [`TEAMS`] holds the 30 NBA.com tricodes (§0.1). [`team_tricode`] maps the variants other sources
//! use onto them: Basketball-Reference (`BRK`, `CHO`, `PHO`), ESPN (`NY`, `GS`, `NO`, `SA`, `UTAH`,
//! `WSH`, and `UTH`), and the full names the Odds-API uses (`LA Clippers` and `Los Angeles Clippers`
//! both give `LAC`).

use std::collections::HashMap;

/// Returns the canonical `player_lookup` of a player name (see the module docs for the contract).
///
/// `Nikola Jokić` → `nikolajokic`, `Michael Porter Jr.` → `michaelporterjr`,
/// `1630552jalenjohnson` → `jalenjohnson`. Idempotent; never fails (an empty or all-punctuation
/// name gives the empty string).
pub fn player_lookup(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    player_lookup_into(name, &mut out);
    out
}

/// Appends the canonical `player_lookup` of `name` to `out`, leaving what `out` held untouched.
///
/// The same function as [`player_lookup`], for hot loops that reuse one buffer
/// (`buf.clear(); player_lookup_into(name, &mut buf);`) and so allocate nothing per row.
pub fn player_lookup_into(name: &str, out: &mut String) {
    let start = out.len();
    if name.is_ascii() {
        // Fast path: most names in every source are plain ASCII.
        for b in name.bytes() {
            push_folded(out, b);
        }
    } else {
        for c in name.chars() {
            if c.is_ascii() {
                push_folded(out, c as u8);
            } else if let Some(ascii) = deunicode::deunicode_char(c) {
                // deunicode gives ASCII, possibly with capitals, spaces or punctuation
                // (`北` → "Bei "), so it goes through the same filter.
                for b in ascii.bytes() {
                    push_folded(out, b);
                }
            }
        }
    }
    // BigDataBall's id prefix (§0.2): strip leading digits only when a letter follows, so that the
    // output never starts with a digit run followed by a letter and a second pass changes nothing.
    let key = &out.as_bytes()[start..];
    let digits = key.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && digits < key.len() {
        out.drain(start..start + digits);
    }
}

/// Pushes `b` lowercased when it is an ASCII letter or digit; drops anything else.
#[inline]
fn push_folded(out: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() {
        out.push(char::from(b.to_ascii_lowercase()));
    }
}

/// One NBA franchise as NBA.com names it, with ESPN's abbreviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Team {
    /// NBA.com tricode, the canonical `team_abbr` of every table (`LAC`).
    pub tricode: &'static str,
    /// Full name, `city` + space + `nickname` (`Los Angeles Clippers`).
    pub full_name: &'static str,
    /// City or region as NBA.com spells it (`Los Angeles`, `Golden State`, `Utah`).
    pub city: &'static str,
    /// Team nickname (`Clippers`, `Trail Blazers`).
    pub nickname: &'static str,
    /// ESPN's abbreviation (`GS`, `NY`, `NO`, `SA`, `UTAH`, `WSH`); the tricode for the others.
    pub espn: &'static str,
}

const fn t(
    tricode: &'static str,
    full_name: &'static str,
    city: &'static str,
    nickname: &'static str,
    espn: &'static str,
) -> Team {
    Team {
        tricode,
        full_name,
        city,
        nickname,
        espn,
    }
}

/// The 30 NBA teams, sorted by NBA.com tricode (spec §0.1): tricode, full
/// name, city, nickname, ESPN code.
#[rustfmt::skip]
pub static TEAMS: [Team; 30] = [
    t("ATL", "Atlanta Hawks",          "Atlanta",       "Hawks",         "ATL"),
    t("BKN", "Brooklyn Nets",          "Brooklyn",      "Nets",          "BKN"),
    t("BOS", "Boston Celtics",         "Boston",        "Celtics",       "BOS"),
    t("CHA", "Charlotte Hornets",      "Charlotte",     "Hornets",       "CHA"),
    t("CHI", "Chicago Bulls",          "Chicago",       "Bulls",         "CHI"),
    t("CLE", "Cleveland Cavaliers",    "Cleveland",     "Cavaliers",     "CLE"),
    t("DAL", "Dallas Mavericks",       "Dallas",        "Mavericks",     "DAL"),
    t("DEN", "Denver Nuggets",         "Denver",        "Nuggets",       "DEN"),
    t("DET", "Detroit Pistons",        "Detroit",       "Pistons",       "DET"),
    t("GSW", "Golden State Warriors",  "Golden State",  "Warriors",      "GS"),
    t("HOU", "Houston Rockets",        "Houston",       "Rockets",       "HOU"),
    t("IND", "Indiana Pacers",         "Indiana",       "Pacers",        "IND"),
    t("LAC", "Los Angeles Clippers",   "Los Angeles",   "Clippers",      "LAC"),
    t("LAL", "Los Angeles Lakers",     "Los Angeles",   "Lakers",        "LAL"),
    t("MEM", "Memphis Grizzlies",      "Memphis",       "Grizzlies",     "MEM"),
    t("MIA", "Miami Heat",             "Miami",         "Heat",          "MIA"),
    t("MIL", "Milwaukee Bucks",        "Milwaukee",     "Bucks",         "MIL"),
    t("MIN", "Minnesota Timberwolves", "Minnesota",     "Timberwolves",  "MIN"),
    t("NOP", "New Orleans Pelicans",   "New Orleans",   "Pelicans",      "NO"),
    t("NYK", "New York Knicks",        "New York",      "Knicks",        "NY"),
    t("OKC", "Oklahoma City Thunder",  "Oklahoma City", "Thunder",       "OKC"),
    t("ORL", "Orlando Magic",          "Orlando",       "Magic",         "ORL"),
    t("PHI", "Philadelphia 76ers",     "Philadelphia",  "76ers",         "PHI"),
    t("PHX", "Phoenix Suns",           "Phoenix",       "Suns",          "PHX"),
    t("POR", "Portland Trail Blazers", "Portland",      "Trail Blazers", "POR"),
    t("SAC", "Sacramento Kings",       "Sacramento",    "Kings",         "SAC"),
    t("SAS", "San Antonio Spurs",      "San Antonio",   "Spurs",         "SA"),
    t("TOR", "Toronto Raptors",        "Toronto",       "Raptors",       "TOR"),
    t("UTA", "Utah Jazz",              "Utah",          "Jazz",          "UTAH"),
    t("WAS", "Washington Wizards",     "Washington",    "Wizards",       "WSH"),
];

/// Variants that are neither a tricode, an ESPN code, a full name nor a nickname in [`TEAMS`].
const OTHER_VARIANTS: [(&str, &str); 6] = [
    // Basketball-Reference (§0.1).
    ("BRK", "BKN"),
    ("CHO", "CHA"),
    ("PHO", "PHX"),
    // An older ESPN / feed spelling of Utah.
    ("UTH", "UTA"),
    // The Odds-API and NBA.com's current branding (§0.1).
    ("LA Clippers", "LAC"),
    ("LA Lakers", "LAL"),
];

/// Returns the team with this exact NBA.com tricode (uppercase, as in [`TEAMS`]), or `None`.
///
/// Use [`team_tricode`] first to accept any source's variant.
pub fn team(tricode: &str) -> Option<&'static Team> {
    TEAMS
        .binary_search_by(|team| team.tricode.cmp(tricode))
        .ok()
        .map(|i| &TEAMS[i])
}

/// Maps any team variant to its canonical NBA.com tricode, or `None` when it is unknown.
///
/// Accepted, ASCII case-insensitive after trimming surrounding whitespace: NBA.com tricodes,
/// Basketball-Reference `BRK`/`CHO`/`PHO`, ESPN `NY`/`GS`/`NO`/`SA`/`UTAH`/`WSH` (and `UTH`),
/// full names (`Portland Trail Blazers`), `LA Clippers`/`LA Lakers`, and nicknames (`Clippers`),
/// which are unique across the league.
pub fn team_tricode(s: &str) -> Option<&'static str> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let matches = |variant: &str| variant.eq_ignore_ascii_case(s);
    TEAMS
        .iter()
        .find(|team| {
            matches(team.tricode)
                || matches(team.espn)
                || matches(team.full_name)
                || matches(team.nickname)
        })
        .map(|team| team.tricode)
        .or_else(|| {
            OTHER_VARIANTS
                .iter()
                .find(|(variant, _)| matches(variant))
                .map(|&(_, tricode)| tricode)
        })
}

/// Player alias table: `alias_lookup` → `nba_canonical_lookup`, from `nba_reference.player_aliases`.
///
/// It repairs what [`player_lookup`] cannot: sources that dropped a suffix (`kellyoubre` for
/// `kellyoubrejr`) and names spelt differently across sources. Resolution is a **single hop**:
/// an alias maps to its canonical lookup and the canonical lookup is not looked up again, as in the
/// reference registry reader (spec §0.2). The table is expected to be flat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    /// Normalised alias → normalised canonical lookup.
    map: HashMap<String, String>,
}

impl Aliases {
    /// Builds the table from `(alias_lookup, nba_canonical_lookup, is_active)` rows.
    ///
    /// Inactive rows are ignored. Both sides go through [`player_lookup`], so raw names work too.
    /// Rows whose alias is empty or already equals its canonical lookup are skipped. When an alias
    /// appears twice, the first row wins (the reference's rule), so pass rows in a fixed order.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, bool)>) -> Aliases {
        let mut map = HashMap::new();
        for (alias, canonical, is_active) in rows {
            if !is_active {
                continue;
            }
            let alias = player_lookup(alias);
            let canonical = player_lookup(canonical);
            if alias.is_empty() || canonical.is_empty() || alias == canonical {
                continue;
            }
            map.entry(alias).or_insert(canonical);
        }
        Aliases { map }
    }

    /// Returns the canonical lookup for `lookup` when it is an alias, otherwise `lookup` itself.
    ///
    /// `lookup` must already be a [`player_lookup`] key; it is not normalised here. One hop only.
    pub fn resolve<'a>(&'a self, lookup: &'a str) -> &'a str {
        self.map.get(lookup).map_or(lookup, String::as_str)
    }

    /// Number of active aliases in the table.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the table has no active alias.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn player_lookup_canonical_examples() {
        let cases = [
            ("Nikola Jokić", "nikolajokic"),
            ("Michael Porter Jr.", "michaelporterjr"),
            ("P.J. Tucker", "pjtucker"),
            ("Royce O'Neale", "royceoneale"),
            ("Royce O\u{2019}Neale", "royceoneale"),
            ("Alperen Şengün", "alperensengun"),
            ("Dennis Schröder", "dennisschroder"),
            ("Karl-Anthony Towns", "karlanthonytowns"),
            ("De'Aaron Fox", "deaaronfox"),
            ("Kelly Oubre Jr.", "kellyoubrejr"),
            ("Kelly Oubre", "kellyoubre"),
            ("Robert Williams III", "robertwilliamsiii"),
            ("Gary Trent Jr", "garytrentjr"),
            ("Marvin Bagley III", "marvinbagleyiii"),
            ("Luka Dončić", "lukadoncic"),
            ("Kristaps Porziņģis", "kristapsporzingis"),
            ("Jonas Valančiūnas", "jonasvalanciunas"),
            ("Dāvis Bertāns", "davisbertans"),
            ("Straße", "strasse"),
            ("Ørjan Ødegaard", "orjanodegaard"),
            ("  LeBron   James  ", "lebronjames"),
            ("SHAI_GILGEOUS-ALEXANDER", "shaigilgeousalexander"),
            ("", ""),
            ("-- .", ""),
        ];
        for (name, want) in cases {
            assert_eq!(player_lookup(name), want, "{name:?}");
        }
    }

    #[test]
    fn decomposed_accents_match_precomposed() {
        // NFD input: `c` followed by U+0301 COMBINING ACUTE ACCENT.
        assert_eq!(player_lookup("Nikola Jokic\u{301}"), "nikolajokic");
        assert_eq!(
            player_lookup("Nikola Jokic\u{301}"),
            player_lookup("Nikola Jokić")
        );
    }

    #[test]
    fn numeric_id_prefix_is_removed() {
        assert_eq!(player_lookup("1630552jalenjohnson"), "jalenjohnson");
        assert_eq!(player_lookup("1630552 Jalen Johnson"), "jalenjohnson");
        assert_eq!(player_lookup("2544lebronjames"), "lebronjames");
        // A digit run with no letter after it is not an id prefix.
        assert_eq!(player_lookup("1630552"), "1630552");
        // Digits inside or at the end of a key stay.
        assert_eq!(player_lookup("jalen2johnson3"), "jalen2johnson3");
    }

    #[test]
    fn player_lookup_into_appends_and_reuses() {
        let mut buf = String::from("x:");
        player_lookup_into("1630552jalenjohnson", &mut buf);
        assert_eq!(buf, "x:jalenjohnson");
        buf.clear();
        player_lookup_into("Nikola Jokić", &mut buf);
        assert_eq!(buf, "nikolajokic");
    }

    #[test]
    fn player_lookup_is_idempotent() {
        let names = [
            "Nikola Jokić",
            "Michael Porter Jr.",
            "P.J. Tucker",
            "Royce O'Neale",
            "Alperen Şengün",
            "Dennis Schröder",
            "1630552jalenjohnson",
            "1630552 1630552 jalen",
            "Kelly Oubre Jr.",
            "Karl-Anthony Towns",
            "De'Aaron Fox",
            "Robert Williams III",
            "Straße",
            "Nikola Jokic\u{301}",
            "北京 Ducks",
            "１２３ Fullwidth",
            "007",
            "0",
            "",
            "   ",
            "_-.,'",
        ];
        for name in names {
            let once = player_lookup(name);
            assert_eq!(player_lookup(&once), once, "{name:?}");
            assert!(
                once.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{name:?} -> {once:?}"
            );
        }
    }

    #[test]
    fn suffix_alias_maps_to_canonical() {
        assert_ne!(
            player_lookup("Kelly Oubre"),
            player_lookup("Kelly Oubre Jr.")
        );
        let aliases = Aliases::from_rows([
            ("kellyoubre", "kellyoubrejr", true),
            ("Gary Trent", "Gary Trent Jr.", true),
            ("inactivealias", "someoneelse", false),
            ("kellyoubre", "firstrowwins", true),
            ("chain", "kellyoubre", true),
        ]);
        assert_eq!(aliases.len(), 3);
        assert_eq!(
            aliases.resolve(&player_lookup("Kelly Oubre")),
            "kellyoubrejr"
        );
        assert_eq!(aliases.resolve("garytrent"), "garytrentjr");
        assert_eq!(aliases.resolve("inactivealias"), "inactivealias");
        assert_eq!(aliases.resolve("kellyoubrejr"), "kellyoubrejr");
        assert_eq!(aliases.resolve("nikolajokic"), "nikolajokic");
        // One hop: `chain` → `kellyoubre`, not on to `kellyoubrejr`.
        assert_eq!(aliases.resolve("chain"), "kellyoubre");
        assert!(Aliases::default().is_empty());
    }

    const TRICODES: [&str; 30] = [
        "ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU", "IND", "LAC",
        "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX", "POR", "SAC",
        "SAS", "TOR", "UTA", "WAS",
    ];

    #[test]
    fn teams_are_the_30_sorted_tricodes() {
        let codes: Vec<&str> = TEAMS.iter().map(|team| team.tricode).collect();
        assert_eq!(codes, TRICODES);
        for team in &TEAMS {
            assert_eq!(
                team.full_name,
                format!("{} {}", team.city, team.nickname),
                "{}",
                team.tricode
            );
        }
    }

    #[test]
    fn team_finds_each_canonical_tricode() {
        for code in TRICODES {
            assert_eq!(team(code).map(|team| team.tricode), Some(code));
            assert_eq!(team_tricode(code), Some(code));
            assert_eq!(team_tricode(&code.to_ascii_lowercase()), Some(code));
        }
        assert_eq!(team("LAC").map(|team| team.city), Some("Los Angeles"));
        assert_eq!(team("LAC").map(|team| team.nickname), Some("Clippers"));
        assert_eq!(team("GSW").map(|team| team.espn), Some("GS"));
        assert_eq!(team("lac"), None);
        assert_eq!(team("BRK"), None);
        assert_eq!(team(""), None);
    }

    #[test]
    fn team_tricode_maps_full_names() {
        let cases = [
            ("Atlanta Hawks", "ATL"),
            ("Brooklyn Nets", "BKN"),
            ("Boston Celtics", "BOS"),
            ("Charlotte Hornets", "CHA"),
            ("Chicago Bulls", "CHI"),
            ("Cleveland Cavaliers", "CLE"),
            ("Dallas Mavericks", "DAL"),
            ("Denver Nuggets", "DEN"),
            ("Detroit Pistons", "DET"),
            ("Golden State Warriors", "GSW"),
            ("Houston Rockets", "HOU"),
            ("Indiana Pacers", "IND"),
            ("Los Angeles Clippers", "LAC"),
            ("LA Clippers", "LAC"),
            ("Los Angeles Lakers", "LAL"),
            ("Memphis Grizzlies", "MEM"),
            ("Miami Heat", "MIA"),
            ("Milwaukee Bucks", "MIL"),
            ("Minnesota Timberwolves", "MIN"),
            ("New Orleans Pelicans", "NOP"),
            ("New York Knicks", "NYK"),
            ("Oklahoma City Thunder", "OKC"),
            ("Orlando Magic", "ORL"),
            ("Philadelphia 76ers", "PHI"),
            ("Phoenix Suns", "PHX"),
            ("Portland Trail Blazers", "POR"),
            ("Sacramento Kings", "SAC"),
            ("San Antonio Spurs", "SAS"),
            ("Toronto Raptors", "TOR"),
            ("Utah Jazz", "UTA"),
            ("Washington Wizards", "WAS"),
        ];
        assert_tricodes(&cases);
        assert_eq!(team_tricode("  la clippers "), Some("LAC"));
        assert_eq!(team_tricode("PORTLAND TRAIL BLAZERS"), Some("POR"));
        assert_eq!(team_tricode("Clippers"), Some("LAC"));
    }

    /// Each spelling maps to its tricode.
    fn assert_tricodes(cases: &[(&str, &str)]) {
        for &(spelling, want) in cases {
            assert_eq!(team_tricode(spelling), Some(want), "{spelling:?}");
        }
    }

    #[test]
    fn team_tricode_maps_source_codes() {
        let cases = [
            // Basketball-Reference.
            ("BRK", "BKN"),
            ("CHO", "CHA"),
            ("PHO", "PHX"),
            // ESPN.
            ("NY", "NYK"),
            ("GS", "GSW"),
            ("NO", "NOP"),
            ("SA", "SAS"),
            ("UTAH", "UTA"),
            ("WSH", "WAS"),
            ("UTH", "UTA"),
            // Case and whitespace.
            ("brk", "BKN"),
            (" utah\t", "UTA"),
            ("Gs", "GSW"),
        ];
        assert_tricodes(&cases);
    }

    #[test]
    fn unknown_team_is_none() {
        for s in [
            "",
            "   ",
            "XYZ",
            "LA",
            "Los Angeles",
            "Seattle SuperSonics",
            "NJN",
            "L",
        ] {
            assert_eq!(team_tricode(s), None, "{s:?}");
        }
    }
}
