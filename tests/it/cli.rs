//! The command line (src/cli.rs, src/main.rs): help, exit codes (0 ok,
//! 1 failed work, 2 usage or configuration), JSON output and `demo`'s refusal
//! to wipe a directory it did not create.

use std::collections::BTreeSet;
use std::process::Output;

use backcourt::registry::TableId;

use crate::util::{bin, files, run, tempdir};

/// Every subcommand `backcourt` has.
const SUBCOMMANDS: [&str; 18] = [
    "demo",
    "fixtures",
    "import",
    "tables",
    "query",
    "calendar",
    "predict",
    "model",
    "run",
    "status",
    "unlock",
    "coverage",
    "preflight",
    "failures",
    "bench",
    "export",
    "mirror",
    "config",
];

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_lists_every_subcommand() {
    let out = bin().arg("--help").output().expect("run backcourt");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let help = stdout(&out);
    // The `Commands:` section, one `  name  description` line each.
    let listed: BTreeSet<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap_or_else(|| panic!("no Commands section:\n{help}"))
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions are indented further than the names.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: BTreeSet<&str> = SUBCOMMANDS.iter().copied().chain(["help"]).collect();
    assert_eq!(listed, expected, "{help}");
    assert!(
        help.contains("Exit codes: 0 ok, 1 failed work, 2 usage"),
        "{help}"
    );

    let out = bin()
        .args(["fixtures", "--help"])
        .output()
        .expect("run backcourt");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("generate"), "{}", stdout(&out));
}

/// A `--through` before the last season's opening night (2023-10-24): a league ended early must
/// end in its last season.
const THROUGH_TOO_EARLY: &[&str] = &[
    "fixtures",
    "generate",
    "--seasons",
    "2023-24",
    "--through",
    "2023-10-23",
];

#[test]
fn usage_errors_exit_2() {
    let dir = tempdir();
    let lake = dir.path().join("lake");
    for args in [
        &["--no-such-flag", "tables"][..],
        &["tables", "--no-such-flag"],
        &["no-such-command"],
        &["query"],
        &["fixtures", "generate", "--seasons", "2024-27"],
        &["fixtures", "generate", "--seasons", "2024-25..2023-24"],
        THROUGH_TOO_EARLY,
        &["demo", "--seed", "seven"],
        &["export"],
        &["export", "--project", "p", "--staging", "s3://b/p"],
        &["export", "--project", "p", "--start", "2024-01-02"],
        &[
            "export",
            "--project",
            "p",
            "--start",
            "2024-01-02",
            "--end",
            "2024-01-01",
        ],
        &["export", "--project", "p", "--tables", "no_such_table"],
        &[
            "mirror",
            "--project",
            "p",
            "--tables",
            "player_game_summary",
            "--start",
            "2024-01-01",
            "--end",
            "2024-01-02",
            "--staging",
            "gs://b/p",
        ],
    ] {
        let out = run(&lake, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{args:?}: no message");
    }
    let out = run(&lake, THROUGH_TOO_EARLY);
    assert!(stderr(&out).contains("2023-10-24"), "{}", stderr(&out));
    let out = run(&lake, &["fixtures", "generate", "--seasons", "2024-27"]);
    assert!(stderr(&out).contains("2024-27"), "{}", stderr(&out));
    assert!(!lake.exists(), "a usage error created the lake");

    // A lake root of an unsupported scheme is a configuration error.
    let out = bin()
        .args(["--lake", "ftp://bucket/lake", "tables"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ftp://bucket/lake"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_sql_is_failed_work_and_names_the_problem() {
    let dir = tempdir();
    let out = run(dir.path(), &["query", "SELEC 1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("SELEC"), "{err}");
    // Named once: the error chain is printed without repeating causes.
    assert_eq!(
        err.matches("syntax error at or near \"SELEC\"").count(),
        1,
        "{err}"
    );
    // DuckDB's C error code adds nothing to its message.
    assert!(!err.contains("Unknown error code"), "{err}");

    let out = run(
        dir.path(),
        &["query", "SELECT * FROM nba_raw.no_such_table"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no_such_table"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn query_json_is_an_array_of_objects() {
    let dir = tempdir();
    let out = run(
        dir.path(),
        &[
            "query",
            "--json",
            "SELECT * FROM (VALUES (1, 'x', 1.5), (2, NULL, -0.25)) AS t(n, s, f) ORDER BY n",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v,
        serde_json::json!([{"n": 1, "s": "x", "f": 1.5}, {"n": 2, "f": -0.25}])
    );

    // No rows is an empty array, not an empty line; views exist in a fresh lake.
    let out = run(
        dir.path(),
        &["--json", "query", "SELECT * FROM nba_raw.nbac_schedule"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn timestamps_print_as_utc_in_tables_and_json() {
    // DuckDB labels TIMESTAMPTZ with the zone name `UTC`, which arrow's
    // formatters cannot resolve on their own: every processed_at column
    // would fail to print.
    let dir = tempdir();
    let sql = "SELECT TIMESTAMPTZ '2024-01-15 19:30:00+00' AS tip_off";
    let out = run(dir.path(), &["query", sql]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2024-01-15T19:30:00Z"),
        "{}",
        stdout(&out)
    );
    let out = run(dir.path(), &["--json", "query", sql]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v, serde_json::json!([{"tip_off": "2024-01-15T19:30:00Z"}]));
}

#[test]
fn tables_json_lists_every_registry_table_once() {
    let dir = tempdir();
    let out = run(dir.path(), &["tables", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
    let listed: Vec<String> = v
        .iter()
        .map(|t| t["table"].as_str().expect("table is a string").to_string())
        .collect();
    let expected: Vec<String> = TableId::ALL.iter().map(|t| t.to_string()).collect();
    assert_eq!(listed, expected, "registry order, each table once");
    for t in &v {
        assert_eq!(t["rows"], 0, "{t}");
        assert_eq!(t["partitions"], 0, "{t}");
    }
    for (t, id) in v.iter().zip(TableId::ALL) {
        assert_eq!(t["date_column"], id.def().date_column.unwrap_or("-"), "{t}");
    }
}

#[test]
fn demo_refuses_to_wipe_a_directory_it_did_not_create() {
    let dir = tempdir();
    std::fs::write(dir.path().join("notes.txt"), "precious").expect("write");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/data.parquet"), "not really").expect("write");
    let before = files(dir.path());

    let out = run(dir.path(), &["demo", "--seasons", "2023-24"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("is not a demo lake"), "{err}");
    assert!(
        files(dir.path()) == before,
        "demo touched a directory it refused"
    );
}

#[test]
fn demo_replaces_its_own_lake() {
    let dir = tempdir();
    let lake = dir.path().join("demo");
    std::fs::create_dir(&lake).expect("mkdir");
    std::fs::write(lake.join(".backcourt-demo"), "marker").expect("marker");
    std::fs::write(lake.join("stale.txt"), "from an older demo").expect("stale");

    let out = run(
        &lake,
        &["--json", "demo", "--seasons", "2023-24", "--seed", "3"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["seed"], 3);
    assert_eq!(
        v["seasons"].as_array().map(Vec::len),
        Some(1),
        "{}",
        v["seasons"]
    );
    assert!(
        !lake.join("stale.txt").exists(),
        "the old demo lake was not replaced"
    );
    assert!(
        lake.join(".backcourt-demo").exists(),
        "the new lake is not marked"
    );
    assert!(lake.join("nba_raw/nbac_schedule").is_dir());
    assert_eq!(v["run"]["nothing_to_do"], false, "{}", v["run"]);

    // The same league again: kept, and the runner finds everything done.
    let before = files(&lake.join("nba_predictions"));
    let out = run(
        &lake,
        &["--json", "demo", "--seasons", "2023-24", "--seed", "3"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(again["run"]["nothing_to_do"], true, "{}", again["run"]);
    assert!(again["generated"].is_null(), "the league was regenerated");
    assert_eq!(files(&lake.join("nba_predictions")), before);
}
