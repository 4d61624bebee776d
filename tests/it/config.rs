//! `backcourt.toml` (src/config.rs, src/cli/config.rs) through the binary:
//! which file is read, the order flag > environment variable > file >
//! default, seen both in `backcourt config --json` and in a command that
//! uses the setting, mistakes in the file as configuration errors (exit 2)
//! naming the file, the key and the line, and credentials never printed.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::util::{bin, show, tempdir};

/// The variables a setting reads; each test sets the ones it means.
const SETTING_VARS: [&str; 4] = [
    "BACKCOURT_CONFIG",
    "BACKCOURT_LAKE",
    "BACKCOURT_CACHE_DIR",
    "BACKCOURT_BQ_PROJECT",
];

/// The binary in `cwd`, with none of the settings' variables set.
fn backcourt(cwd: &Path) -> Command {
    let mut cmd = bin();
    cmd.current_dir(cwd);
    for var in SETTING_VARS {
        cmd.env_remove(var);
    }
    cmd
}

fn output(cmd: &mut Command) -> Output {
    cmd.output().expect("run backcourt")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One row of `config --json`: the value (`None` when unset) and source.
type Rows = BTreeMap<String, (Option<String>, String)>;

/// `config --json` run as `cmd`, by setting name.
fn settings(cmd: &mut Command) -> Rows {
    let out = output(cmd.args(["--json", "config"]));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
    rows.iter()
        .map(|r| {
            (
                r["setting"].as_str().expect("setting").to_string(),
                (
                    r["value"].as_str().map(str::to_string),
                    r["source"].as_str().expect("source").to_string(),
                ),
            )
        })
        .collect()
}

fn row(rows: &Rows, name: &str) -> (Option<String>, String) {
    rows.get(name)
        .unwrap_or_else(|| panic!("no row {name}: {rows:?}"))
        .clone()
}

fn some(value: &str, source: &str) -> (Option<String>, String) {
    (Some(value.to_string()), source.to_string())
}

#[test]
fn every_setting_has_a_row_and_defaults_say_so() {
    let dir = tempdir();
    let rows = settings(&mut backcourt(dir.path()));
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "bigquery.location",
            "bigquery.project",
            "bigquery.staging",
            "cache_dir",
            "config",
            "lake",
            "preflight.min_ratio",
            "threads",
        ]
    );
    assert_eq!(row(&rows, "config"), (None, "none found".into()));
    assert_eq!(row(&rows, "lake"), some("data/lake", "default"));
    assert_eq!(row(&rows, "bigquery.project"), (None, "default".into()));
    assert_eq!(row(&rows, "preflight.min_ratio"), some("1.0", "default"));
    for (name, (_, source)) in &rows {
        if name != "config" {
            assert_eq!(source, "default", "{name}");
        }
    }
}

/// The lake: file, then `BACKCOURT_LAKE` over it, then `--lake` over both,
/// each seen in `config` and in the error `tables` gives for a lake of an
/// unsupported scheme, which names the root it was given.
#[test]
fn the_lake_is_flag_over_env_over_file() {
    let dir = tempdir();
    let cwd = dir.path();
    std::fs::write(
        cwd.join("backcourt.toml"),
        "lake = \"ftp://from-file/lake\"\n",
    )
    .expect("write");
    let tables = |cmd: &mut Command| {
        let out = output(cmd.arg("tables"));
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
        stderr(&out)
    };

    let rows = settings(&mut backcourt(cwd));
    assert_eq!(
        row(&rows, "config"),
        some("backcourt.toml", "found in the working directory")
    );
    assert_eq!(
        row(&rows, "lake"),
        some("ftp://from-file/lake", "file backcourt.toml")
    );
    assert!(tables(&mut backcourt(cwd)).contains("ftp://from-file/lake"));

    let env = || {
        let mut cmd = backcourt(cwd);
        cmd.env("BACKCOURT_LAKE", "ftp://from-env/lake");
        cmd
    };
    assert_eq!(
        row(&settings(&mut env()), "lake"),
        some("ftp://from-env/lake", "env BACKCOURT_LAKE")
    );
    let err = tables(&mut env());
    assert!(err.contains("ftp://from-env/lake"), "{err}");
    assert!(!err.contains("from-file"), "{err}");

    let flag = || {
        let mut cmd = env();
        cmd.args(["--lake", "ftp://from-flag/lake"]);
        cmd
    };
    assert_eq!(
        row(&settings(&mut flag()), "lake"),
        some("ftp://from-flag/lake", "flag --lake")
    );
    let err = tables(&mut flag());
    assert!(err.contains("ftp://from-flag/lake"), "{err}");
    assert!(
        !err.contains("from-env") && !err.contains("from-file"),
        "{err}"
    );

    // A flag after the subcommand is the same flag.
    let mut after = env();
    after.args(["config", "--json", "--lake", "ftp://after/lake"]);
    let out = output(&mut after);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ftp://after/lake"),
        "{}",
        show(&out)
    );
}

/// A relative lake in a file named by `--config` is relative to the file's
/// directory: `tables` creates the lake there, not in the working directory.
#[test]
fn a_relative_lake_in_a_file_is_beside_the_file() {
    let dir = tempdir();
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("conf")).expect("mkdir");
    std::fs::write(cwd.join("conf/team.toml"), "lake = \"mylake\"\n").expect("write");

    let rows = settings(backcourt(cwd).args(["--config", "conf/team.toml"]));
    assert_eq!(
        row(&rows, "config"),
        some("conf/team.toml", "flag --config")
    );
    assert_eq!(
        row(&rows, "lake"),
        some("conf/mylake", "file conf/team.toml")
    );

    let out = output(backcourt(cwd).args(["--config", "conf/team.toml", "--json", "tables"]));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(cwd.join("conf/mylake").is_dir(), "the lake was not opened");
    assert!(!cwd.join("mylake").exists(), "resolved against the cwd");
}

/// `--config` over `BACKCOURT_CONFIG` over `./backcourt.toml` over the
/// lake's own file; one file is read, never a merge of two.
#[test]
fn one_file_is_read_the_first_found() {
    let dir = tempdir();
    let cwd = dir.path();
    let lake = cwd.join("lake");
    std::fs::create_dir(&lake).expect("mkdir");
    let write = |path: &Path, text: &str| std::fs::write(path, text).expect("write");
    write(
        &lake.join("backcourt.toml"),
        "threads = 3\n[bigquery]\nproject = \"lake-proj\"\n",
    );
    let with_lake = || {
        let mut cmd = backcourt(cwd);
        cmd.args(["--lake", "lake"]);
        cmd
    };

    let rows = settings(&mut with_lake());
    assert_eq!(
        row(&rows, "config"),
        some("lake/backcourt.toml", "found in the lake")
    );
    assert_eq!(
        row(&rows, "bigquery.project"),
        some("lake-proj", "file lake/backcourt.toml")
    );
    assert_eq!(row(&rows, "threads"), some("3", "file lake/backcourt.toml"));

    // The working directory's file wins, and the lake's is then not read.
    write(
        &cwd.join("backcourt.toml"),
        "[bigquery]\nproject = \"cwd-proj\"\n",
    );
    let rows = settings(&mut with_lake());
    assert_eq!(
        row(&rows, "bigquery.project"),
        some("cwd-proj", "file backcourt.toml")
    );
    assert_eq!(row(&rows, "threads").1, "default", "two files were merged");

    write(
        &cwd.join("env.toml"),
        "[bigquery]\nproject = \"env-file\"\n",
    );
    write(
        &cwd.join("flag.toml"),
        "[bigquery]\nproject = \"flag-file\"\n",
    );
    let mut env = with_lake();
    env.env("BACKCOURT_CONFIG", "env.toml");
    let rows = settings(&mut env);
    assert_eq!(
        row(&rows, "config"),
        some("env.toml", "env BACKCOURT_CONFIG")
    );
    assert_eq!(
        row(&rows, "bigquery.project").0.as_deref(),
        Some("env-file")
    );
    let mut flag = with_lake();
    flag.env("BACKCOURT_CONFIG", "env.toml")
        .args(["--config", "flag.toml"]);
    assert_eq!(
        row(&settings(&mut flag), "bigquery.project"),
        some("flag-file", "file flag.toml")
    );

    // The lake's own file cannot move the lake.
    std::fs::remove_file(cwd.join("backcourt.toml")).expect("rm");
    write(
        &lake.join("backcourt.toml"),
        "threads = 3\nlake = \"other\"\n",
    );
    let out = output(with_lake().arg("config"));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = stderr(&out);
    assert!(err.contains("lake/backcourt.toml:2:"), "{err}");
    assert!(err.contains("`lake`"), "{err}");
}

#[test]
fn a_named_file_that_is_missing_is_a_usage_error() {
    let dir = tempdir();
    let cwd = dir.path();
    // Another file would be found; a named one that is not there is still an error.
    std::fs::write(cwd.join("backcourt.toml"), "").expect("write");
    let out = output(backcourt(cwd).args(["--config", "no/such.toml", "config"]));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("--config no/such.toml"),
        "{}",
        show(&out)
    );

    let out = output(
        backcourt(cwd)
            .env("BACKCOURT_CONFIG", "gone.toml")
            .arg("tables"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("BACKCOURT_CONFIG gone.toml"),
        "{}",
        show(&out)
    );
    assert!(
        !cwd.join("data").exists(),
        "tables ran without its settings"
    );
}

#[test]
fn mistakes_in_the_file_are_usage_errors_naming_file_key_and_line() {
    let dir = tempdir();
    let cwd = dir.path();
    for (text, key, line) in [
        (
            "lake = \"l\"\n\n[bigquery]\nprojct = \"p\"\n",
            "`bigquery.projct`",
            ":4:",
        ),
        ("lake = \"l\"\nthreads = \"eight\"\n", "`threads`", ":2:"),
        (
            "[preflight]\nmin_ratio = \"high\"\n",
            "`preflight.min_ratio`",
            ":2:",
        ),
        ("cache = \"/tmp\"\n", "`cache`", ":1:"),
    ] {
        std::fs::write(cwd.join("backcourt.toml"), text).expect("write");
        for command in ["config", "tables"] {
            let out = output(backcourt(cwd).arg(command));
            assert_eq!(
                out.status.code(),
                Some(2),
                "{text:?} {command}: {}",
                show(&out)
            );
            let err = stderr(&out);
            assert!(
                err.contains(&format!("backcourt.toml{line}")),
                "{text:?}: {err}"
            );
            assert!(err.contains(key), "{text:?}: {err}");
        }
        assert!(!cwd.join("l").exists(), "a command ran with a bad file");
        assert!(!cwd.join("data").exists(), "a command ran with a bad file");
    }
}

/// `BACKCOURT_CACHE_DIR` over the file's `cache_dir`, seen in the cache a
/// bucket lake opens (`import` of a missing path opens the lake, and its
/// cache directory, then fails before any request).
#[test]
fn the_cache_dir_is_env_over_file() {
    let dir = tempdir();
    let cwd = dir.path();
    std::fs::write(cwd.join("backcourt.toml"), "cache_dir = \"file-cache\"\n").expect("write");
    let import = |cmd: &mut Command| {
        let out = output(cmd.args([
            "--lake",
            "s3://backcourt-config-test/lake",
            "import",
            "no-such-exports",
        ]));
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    };
    let cached = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };

    // Beside the file, as written (the file is in the working directory).
    assert_eq!(
        row(&settings(&mut backcourt(cwd)), "cache_dir"),
        some("file-cache", "file backcourt.toml")
    );
    import(&mut backcourt(cwd));
    let in_file_cache = cached(&cwd.join("file-cache"));
    assert_eq!(in_file_cache.len(), 1, "{in_file_cache:?}");
    assert!(
        in_file_cache[0].starts_with("s3___backcourt_config_test_lake-"),
        "{in_file_cache:?}"
    );

    let env_cache = cwd.join("env-cache");
    let env = || {
        let mut cmd = backcourt(cwd);
        cmd.env("BACKCOURT_CACHE_DIR", &env_cache);
        cmd
    };
    assert_eq!(
        row(&settings(&mut env()), "cache_dir"),
        some(&env_cache.to_string_lossy(), "env BACKCOURT_CACHE_DIR")
    );
    std::fs::remove_dir_all(cwd.join("file-cache")).expect("rm");
    import(&mut env());
    assert_eq!(cached(&env_cache).len(), 1);
    assert!(
        !cwd.join("file-cache").exists(),
        "the file's cache was used"
    );
}

/// `[bigquery]` and `[preflight]`: the file, the project's variable over
/// it, a flag over both; `export` and `mirror` use the file's staging
/// bucket and project when no flag names them.
#[test]
fn bigquery_and_preflight_settings_layer_the_same_way() {
    let dir = tempdir();
    let cwd = dir.path();
    std::fs::write(
        cwd.join("backcourt.toml"),
        "threads = 2\n[bigquery]\nproject = \"file-proj\"\nlocation = \"EU\"\n\
         staging = \"s3://not-gcs/staging\"\n[preflight]\nmin_ratio = 0.5\n",
    )
    .expect("write");
    let file = "file backcourt.toml";

    let rows = settings(&mut backcourt(cwd));
    assert_eq!(row(&rows, "bigquery.project"), some("file-proj", file));
    assert_eq!(row(&rows, "bigquery.location"), some("EU", file));
    assert_eq!(
        row(&rows, "bigquery.staging"),
        some("s3://not-gcs/staging", file)
    );
    assert_eq!(row(&rows, "preflight.min_ratio"), some("0.5", file));
    assert_eq!(row(&rows, "threads"), some("2", file));

    let rows = settings(
        backcourt(cwd)
            .env("BACKCOURT_BQ_PROJECT", "env-proj")
            .args(["--threads", "1"]),
    );
    assert_eq!(
        row(&rows, "bigquery.project"),
        some("env-proj", "env BACKCOURT_BQ_PROJECT")
    );
    assert_eq!(row(&rows, "threads"), some("1", "flag --threads"));

    // The file's staging bucket reaches export and mirror, named with its source.
    let lake = cwd.join("lake");
    let lake = lake.to_str().expect("utf-8");
    let mirror = [
        "mirror",
        "--tables",
        "nbac_schedule",
        "--start",
        "2024-01-01",
        "--end",
        "2024-01-02",
    ];
    for args in [&["export"][..], &mirror] {
        let out = output(backcourt(cwd).args(["--lake", lake]).args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
        let err = stderr(&out);
        assert!(
            err.contains("s3://not-gcs/staging (file backcourt.toml)"),
            "{args:?}: {err}"
        );
    }
    // Without a project anywhere, export says where one can come from.
    std::fs::write(cwd.join("backcourt.toml"), "").expect("write");
    let out = output(backcourt(cwd).args(["--lake", lake, "export"]));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = stderr(&out);
    assert!(
        err.contains("--project") && err.contains("BACKCOURT_BQ_PROJECT"),
        "{err}"
    );
    let out = output(backcourt(cwd).args(["--lake", lake]).args(mirror));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr(&out).contains("no staging bucket"), "{}", show(&out));
}

#[test]
fn credentials_are_never_printed() {
    let dir = tempdir();
    let cwd = dir.path();
    std::fs::write(
        cwd.join("backcourt.toml"),
        "lake = \"s3://AKIAEXAMPLE:s3cr3t@bucket/lake?X-Amz-Security-Token=tok3n\"\n\
         [bigquery]\nstaging = \"gs://robot:pa55@bucket/stage\"\n",
    )
    .expect("write");
    let secrets = ["AKIAEXAMPLE", "s3cr3t", "tok3n", "robot", "pa55"];

    let rows = settings(&mut backcourt(cwd));
    assert_eq!(
        row(&rows, "lake").0.as_deref(),
        Some("s3://***@bucket/lake?***")
    );
    assert_eq!(
        row(&rows, "bigquery.staging").0.as_deref(),
        Some("gs://***@bucket/stage")
    );
    let table = output(backcourt(cwd).arg("config"));
    assert_eq!(table.status.code(), Some(0), "{}", show(&table));
    let json = output(backcourt(cwd).args(["config", "--json"]));
    let from_env = output(
        backcourt(cwd)
            .env("BACKCOURT_LAKE", "gs://AKIAEXAMPLE@bucket/lake#tok3n")
            .arg("config"),
    );
    for out in [&table, &json, &from_env] {
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out));
        assert!(printed.contains("***@bucket"), "{printed}");
        for secret in secrets {
            assert!(!printed.contains(secret), "{secret} printed: {printed}");
        }
    }
}
