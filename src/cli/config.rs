//! The settings every command runs with, and `backcourt config`, which
//! shows them.
//!
//! Which flag and which environment variable feed each setting is decided
//! here, in one place; finding and reading `backcourt.toml` and layering
//! (flag > variable > file > default) is the library's `config` module.
//! Every variable is read here rather than by clap, so that `config` can
//! say where each value came from. An empty variable counts as unset.

use std::path::{Path, PathBuf};

use anyhow::Result;

use backcourt::config::{self, ConfigFile, Defaults, Given, Overrides, Settings};
use backcourt::lake::{default_cache_dir, Lake};

use super::output::{print_batches, record_batch, Cell};

const ENV_CONFIG: &str = "BACKCOURT_CONFIG";
const ENV_LAKE: &str = "BACKCOURT_LAKE";
const ENV_CACHE_DIR: &str = "BACKCOURT_CACHE_DIR";
const ENV_PROJECT: &str = "BACKCOURT_BQ_PROJECT";

pub(super) const CONFIG_HELP: &str = "\
Where the settings file is looked for (one file is read, the first found):
  1. --config PATH, or BACKCOURT_CONFIG=PATH (exit 2 if it does not exist)
  2. backcourt.toml in the working directory
  3. backcourt.toml at the root of the lake directory (the lake of --lake,
     BACKCOURT_LAKE or the default); this one cannot set `lake`

Precedence, highest first: command-line flag, environment variable, the
file, the built-in default. Relative paths in the file are relative to the
file's directory. An unknown key or a value of the wrong type is a
configuration error (exit 2) naming the file, the line and the key.

Example backcourt.toml (every key optional; what else sets it on the right):
  lake = \"data/lake\"                   # --lake, BACKCOURT_LAKE
  cache_dir = \"/var/cache/backcourt\"   # BACKCOURT_CACHE_DIR (bucket lakes)
  threads = 8                          # --threads

  [bigquery]
  project = \"my-proj\"                  # --project, BACKCOURT_BQ_PROJECT
  location = \"EU\"                      # export --location
  staging = \"gs://my-bucket/staging\"   # --staging (export and mirror)

  [preflight]
  min_ratio = 0.9                      # preflight --min-ratio

Values that could carry credentials (a URL's user name, password, query and
fragment) are shown as ***.

Examples:
  backcourt config
  backcourt --config ~/nba.toml --json config
  BACKCOURT_LAKE=gs://my-bucket/lake backcourt config";

/// The lake a command works on: its root and, for a bucket lake, the
/// directory its local copy is kept under.
pub(super) struct LakeRoot {
    root: String,
    cache_dir: Option<PathBuf>,
}

impl LakeRoot {
    pub(super) fn of(settings: &Settings) -> LakeRoot {
        LakeRoot {
            root: settings.lake.value.clone(),
            cache_dir: settings.cache_dir.value.clone(),
        }
    }

    /// The root as given (a directory or a bucket URL).
    pub(super) fn as_str(&self) -> &str {
        &self.root
    }

    pub(super) fn open(&self) -> Result<Lake> {
        Ok(Lake::open_with_cache(
            &self.root,
            self.cache_dir.as_deref(),
        )?)
    }
}

impl std::fmt::Display for LakeRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.root)
    }
}

/// A variable's value; unset, empty or not UTF-8 is none.
fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// What the command line says about each setting (`None`: not given),
/// and the lake the command uses when nothing names one.
#[derive(Debug, Default)]
pub(super) struct Flags {
    pub(super) config: Option<PathBuf>,
    pub(super) lake: Option<String>,
    pub(super) threads: Option<usize>,
    pub(super) project: Option<String>,
    pub(super) location: Option<String>,
    pub(super) staging: Option<String>,
    pub(super) min_ratio: Option<f64>,
    /// `data/lake`; `data/demo-lake` for `demo`.
    pub(super) default_lake: &'static str,
}

/// The settings a command runs with: its `flags` over the environment over
/// the settings file over the defaults.
pub(super) fn settings(flags: Flags) -> Result<Settings> {
    let lake = Given::default()
        .env(ENV_LAKE, env(ENV_LAKE))
        .flag("--lake", flags.lake);
    // The lake's own file is looked for in the lake named without a file.
    let lake_dir = lake
        .flag
        .as_ref()
        .or(lake.env.as_ref())
        .map_or(flags.default_lake, |(root, _)| root.as_str());
    let env_config = env_path(ENV_CONFIG);
    let given = match (&flags.config, &env_config) {
        (Some(path), _) => Some((path.as_path(), "--config")),
        (None, Some(path)) => Some((path.as_path(), ENV_CONFIG)),
        (None, None) => None,
    };
    let file = config::find(given, Path::new(""), lake_dir)?
        .map(|(path, found)| ConfigFile::load(path, found))
        .transpose()?;

    let overrides = Overrides {
        lake,
        cache_dir: Given::default().env(ENV_CACHE_DIR, env_path(ENV_CACHE_DIR)),
        threads: Given::default().flag("--threads", flags.threads),
        project: Given::default()
            .env(ENV_PROJECT, env(ENV_PROJECT))
            .flag("--project", flags.project),
        location: Given::default().flag("--location", flags.location),
        staging: Given::default().flag("--staging", flags.staging),
        min_ratio: Given::default().flag("--min-ratio", flags.min_ratio),
    };
    let defaults = Defaults {
        lake: flags.default_lake.to_string(),
        cache_dir: default_cache_dir(),
    };
    Ok(Settings::resolve(defaults, file.as_ref(), overrides))
}

/// `backcourt config`: one row per setting, with its value (credentials
/// redacted) and where it came from.
pub(super) fn cmd_config(settings: &Settings, json: bool) -> Result<()> {
    let text = |v: Option<&str>| match v {
        Some(v) => Cell::from(config::redact(v).into_owned()),
        None => Cell::Null,
    };
    let path = |p: &Option<PathBuf>| text(p.as_deref().map(|p| p.to_string_lossy()).as_deref());
    let s = settings;
    let (file, found) = match &s.file {
        Some((path, found)) => (Some(path.to_string_lossy()), found.to_string()),
        None => (None, "none found".to_string()),
    };
    // rayon's own default when nothing sets it: what the commands will use.
    let threads = s
        .threads
        .value
        .unwrap_or_else(rayon::current_num_threads)
        .to_string();
    let row = |name: &str, value: Cell, source: &dyn std::fmt::Display| {
        vec![name.into(), value, source.to_string().into()]
    };
    let rows = vec![
        row("config", text(file.as_deref()), &found),
        row("lake", text(Some(&s.lake.value)), &s.lake.source),
        row("cache_dir", path(&s.cache_dir.value), &s.cache_dir.source),
        row("threads", threads.into(), &s.threads.source),
        row(
            "bigquery.project",
            text(s.project.value.as_deref()),
            &s.project.source,
        ),
        row(
            "bigquery.location",
            text(s.location.value.as_deref()),
            &s.location.source,
        ),
        row(
            "bigquery.staging",
            text(s.staging.value.as_deref()),
            &s.staging.source,
        ),
        row(
            "preflight.min_ratio",
            format!("{:?}", s.min_ratio.value).into(),
            &s.min_ratio.source,
        ),
    ];
    print_batches(
        &[record_batch(&["setting", "value", "source"], rows)?],
        json,
    )
}
