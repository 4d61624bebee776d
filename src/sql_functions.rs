//! Rust functions callable from the SQL models, registered in every engine
//! session, so that SQL and Rust share one implementation (DESIGN principle
//! 7: one name normaliser):
//!
//! - `player_lookup(name VARCHAR) -> VARCHAR` — [`names::player_lookup`];
//! - `team_tricode(name VARCHAR) -> VARCHAR` — [`names::team_tricode`]
//!   (NULL for a name that is no NBA team).
//!
//! NULL in gives NULL out.
//!
//! And one SQL macro over them:
//!
//! - `team_code(name)` — `coalesce(team_tricode(name), name)`, what every
//!   model does with a feed's team field, without calling Rust for a name
//!   that already is a tricode (most rows of every feed). Over four seasons
//!   the call on each play-by-play row cost about 1 s per feed.

use std::sync::Arc;

use arrow::array::{Array, AsArray, StringBuilder};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use duckdb::vscalar::{ArrowFunctionSignature, VArrowScalar};
use duckdb::Connection;

use crate::names;

type InvokeResult = Result<Arc<dyn Array>, Box<dyn std::error::Error>>;

/// Registers every function of this module on `conn`.
pub fn register(conn: &Connection) -> duckdb::Result<()> {
    conn.register_scalar_function::<PlayerLookup>("player_lookup")?;
    conn.register_scalar_function::<TeamTricode>("team_tricode")?;
    conn.execute_batch(&team_code_macro())
}

/// `team_code(x)`: a tricode maps to itself (`names::team_tricode` is tested
/// to do so), so only other spellings reach the Rust function.
fn team_code_macro() -> String {
    let tricodes = names::TEAMS
        .iter()
        .map(|t| format!("'{}'", t.tricode))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "CREATE OR REPLACE MACRO team_code(x) AS \
         CASE WHEN x IN ({tricodes}) THEN x ELSE coalesce(team_tricode(x), x) END"
    )
}

/// Maps the first (string) column of `input` row by row; `f` appends the
/// result for one non-NULL value to the builder (or a NULL).
fn map_strings(input: &RecordBatch, mut f: impl FnMut(&str, &mut StringBuilder)) -> InvokeResult {
    let column = cast(input.column(0), &DataType::Utf8)?;
    let strings = column.as_string::<i32>();
    let mut out = StringBuilder::with_capacity(strings.len(), strings.value_data().len());
    for value in strings {
        match value {
            Some(s) => f(s, &mut out),
            None => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn one_string_signature() -> Vec<ArrowFunctionSignature> {
    vec![ArrowFunctionSignature::exact(
        vec![DataType::Utf8],
        DataType::Utf8,
    )]
}

struct PlayerLookup;

impl VArrowScalar for PlayerLookup {
    type State = ();

    fn invoke(_: &(), input: RecordBatch) -> InvokeResult {
        let mut buf = String::new();
        map_strings(&input, |s, out| {
            buf.clear();
            names::player_lookup_into(s, &mut buf);
            out.append_value(&buf);
        })
    }

    fn signatures() -> Vec<ArrowFunctionSignature> {
        one_string_signature()
    }
}

struct TeamTricode;

impl VArrowScalar for TeamTricode {
    type State = ();

    fn invoke(_: &(), input: RecordBatch) -> InvokeResult {
        map_strings(&input, |s, out| out.append_option(names::team_tricode(s)))
    }

    fn signatures() -> Vec<ArrowFunctionSignature> {
        one_string_signature()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_and_rust_normalise_names_alike() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let names = [
            "Nikola Jokić",
            "Michael Porter Jr.",
            "1630552jalenjohnson",
            "Royce O'Neale",
        ];
        for name in names {
            let got: String = conn
                .query_row("SELECT player_lookup(?)", [name], |r| r.get(0))
                .unwrap();
            assert_eq!(got, names::player_lookup(name), "{name}");
        }
        let (team, none, null): (String, Option<String>, Option<String>) = conn
            .query_row(
                "SELECT team_tricode('LA Clippers'), team_tricode('Springfield'), player_lookup(NULL)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((team.as_str(), none, null), ("LAC", None, None));
    }

    #[test]
    fn team_code_is_coalesce_of_team_tricode() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let mut inputs: Vec<String> = names::TEAMS.iter().map(|t| t.tricode.into()).collect();
        inputs.extend(names::TEAMS.iter().map(|t| t.full_name.to_lowercase()));
        inputs.extend(["GS", "PHO", "NO", "Springfield", "", " LAC "].map(String::from));
        conn.execute_batch("CREATE TABLE t (x VARCHAR)").unwrap();
        for x in &inputs {
            conn.execute("INSERT INTO t VALUES (?)", [x]).unwrap();
        }
        conn.execute_batch("INSERT INTO t VALUES (NULL)").unwrap();
        let differing: i64 = conn
            .query_row(
                "SELECT count(*) FROM t WHERE team_code(x) IS DISTINCT FROM coalesce(team_tricode(x), x)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(differing, 0);
        let mapped: i64 = conn
            .query_row("SELECT count(*) FROM t WHERE team_code(x) <> x", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(mapped >= 30, "the full names map to tricodes: {mapped}");
    }
}
