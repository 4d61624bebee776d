//! Rust functions callable from the SQL models, registered in every engine
//! session, so that SQL and Rust share one implementation (DESIGN principle
//! 7: one name normaliser):
//!
//! - `player_lookup(name VARCHAR) -> VARCHAR` — [`names::player_lookup`];
//! - `team_tricode(name VARCHAR) -> VARCHAR` — [`names::team_tricode`]
//!   (NULL for a name that is no NBA team).
//!
//! NULL in gives NULL out.

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
    Ok(())
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
}
