//! `backcourt.toml`: the settings a user would otherwise repeat on every
//! command, namely the lake, a bucket lake's cache directory, the worker
//! threads, the BigQuery project, location and staging bucket, and
//! `preflight`'s threshold.
//!
//! Every setting already exists as a flag or an environment variable; the
//! file is one more layer under them, never a knob of its own. The binary
//! layers them, the first that has a value winning:
//!
//! 1. the command-line flag (`--lake`, `--threads`, `--project`, ...),
//! 2. the environment variable (`BACKCOURT_LAKE`, `BACKCOURT_CACHE_DIR`,
//!    `BACKCOURT_BQ_PROJECT`),
//! 3. the file,
//! 4. the built-in default.
//!
//! So a file holds the defaults of a machine or a team, and a flag still
//! changes one command. One file is read, the first that [`find`] finds:
//! the path given by `--config` or `BACKCOURT_CONFIG` (which must exist),
//! else `backcourt.toml` in the working directory, else `backcourt.toml` at
//! the root of the lake directory (a local lake). A lake's own file cannot
//! set `lake`: it was found through the lake, so it cannot move it.
//!
//! Relative paths in a file (`lake`, `cache_dir`) are relative to the
//! file's directory, so a file means the same from wherever it is read.
//!
//! A mistake in the file is a configuration error naming the file, the
//! line and the key. Unknown keys are refused, because a misspelt one
//! (`[bigquery] projct`) would otherwise be ignored and the command would
//! quietly run with the default; so are values of the wrong type.
//!
//! This module knows the file and the layering; which flag and which
//! variable feed a setting is the binary's business (it fills in
//! [`Overrides`]).

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings file's name, in the working directory or a lake's root.
pub const FILE_NAME: &str = "backcourt.toml";

/// `preflight --min-ratio` when nothing sets it: every team playing must
/// have box-score rows.
pub const DEFAULT_MIN_RATIO: f64 = 1.0;

/// What a settings file may say. Every key is optional: a key left out
/// leaves the setting to the default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table of settings")]
pub struct FileSettings {
    /// The lake root: a directory, `gs://bucket/prefix` or
    /// `s3://bucket/prefix` (`--lake`, `BACKCOURT_LAKE`).
    pub lake: Option<String>,
    /// Where a bucket lake's local copy is kept (`BACKCOURT_CACHE_DIR`).
    pub cache_dir: Option<PathBuf>,
    /// Worker threads for parallel work (`--threads`).
    pub threads: Option<usize>,
    /// Where `export` writes and `mirror` reads.
    #[serde(default)]
    pub bigquery: BigQueryFile,
    /// The thresholds of `preflight`.
    #[serde(default)]
    pub preflight: PreflightFile,
}

/// The `[bigquery]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([bigquery])")]
pub struct BigQueryFile {
    /// The project of `export` and `mirror` (`--project`,
    /// `BACKCOURT_BQ_PROJECT`).
    pub project: Option<String>,
    /// The location of the datasets `export` creates (`export --location`).
    pub location: Option<String>,
    /// The bucket `export` stages its files in and `mirror`'s EXPORT DATA
    /// writes to (`--staging`).
    pub staging: Option<String>,
}

/// The `[preflight]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([preflight])")]
pub struct PreflightFile {
    /// The share of the teams playing a box-score feed must have rows for
    /// (`preflight --min-ratio`).
    pub min_ratio: Option<f64>,
}

/// How the settings file was found; it decides what the file may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Named by a flag or variable (`--config`, `BACKCOURT_CONFIG`).
    Given(&'static str),
    /// `backcourt.toml` in the working directory.
    WorkingDir,
    /// `backcourt.toml` at the root of the lake directory.
    Lake,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Given(by) if by.starts_with("--") => write!(f, "flag {by}"),
            Found::Given(by) => write!(f, "env {by}"),
            Found::WorkingDir => f.write_str("found in the working directory"),
            Found::Lake => f.write_str("found in the lake"),
        }
    }
}

/// A mistake in, or about, the settings file: a configuration error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file named by `--config` or `BACKCOURT_CONFIG` is not there.
    #[error("{by} {}: no such file", path.display())]
    Missing { path: PathBuf, by: &'static str },
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not TOML, an unknown key, a value of the wrong type, or a key the
    /// file may not set where it was found.
    #[error("{}:{line}:{column}: {}{message}", path.display(), key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The dotted key at fault (`bigquery.project`), when there is one.
        key: Option<String>,
        message: String,
    },
}

/// The settings file to read: `given` (with the flag or variable that
/// named it), which must exist; else [`FILE_NAME`] in `cwd`; else
/// [`FILE_NAME`] at the root of `lake` when it is a directory (relative
/// to `cwd`). `None` when there is none: every setting is then a default,
/// a variable or a flag.
pub fn find(
    given: Option<(&Path, &'static str)>,
    cwd: &Path,
    lake: &str,
) -> Result<Option<(PathBuf, Found)>, Error> {
    if let Some((path, by)) = given {
        if !path.is_file() {
            return Err(Error::Missing {
                path: path.to_path_buf(),
                by,
            });
        }
        return Ok(Some((path.to_path_buf(), Found::Given(by))));
    }
    let here = cwd.join(FILE_NAME);
    if here.is_file() {
        return Ok(Some((here, Found::WorkingDir)));
    }
    if !is_url(lake) {
        let there = cwd.join(lake).join(FILE_NAME);
        if there.is_file() {
            return Ok(Some((there, Found::Lake)));
        }
    }
    Ok(None)
}

/// A settings file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub found: Found,
    /// With relative paths made relative to the file's directory.
    pub settings: FileSettings,
}

impl ConfigFile {
    /// Reads and checks the file at `path`.
    pub fn load(path: PathBuf, found: Found) -> Result<ConfigFile, Error> {
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let settings = parse(&text, &path, found)?;
        Ok(ConfigFile {
            path,
            found,
            settings,
        })
    }
}

/// Parses and checks the text of the file at `path`, found as `found`;
/// relative paths in it become relative to `path`'s directory.
pub fn parse(text: &str, path: &Path, found: Found) -> Result<FileSettings, Error> {
    let mut settings: FileSettings =
        toml::from_str(text).map_err(|e| invalid(text, path, e.span(), e.message()))?;
    if found == Found::Lake && settings.lake.is_some() {
        let at = key_span(text, "lake");
        return Err(invalid(
            text,
            path,
            at,
            &format!(
                "a lake's own {FILE_NAME} cannot set the lake (it was read because it is in \
                 the lake); put the file in the working directory or pass --config"
            ),
        ));
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    settings.lake = settings.lake.map(|lake| {
        if is_url(&lake) {
            lake
        } else {
            dir.join(&lake).to_string_lossy().into_owned()
        }
    });
    settings.cache_dir = settings.cache_dir.map(|d| dir.join(d));
    Ok(settings)
}

/// A lake root that is a bucket URL, not a directory.
fn is_url(root: &str) -> bool {
    root.contains("://")
}

/// The [`Error::Invalid`] for a problem at byte span `at` of `text`.
fn invalid(text: &str, path: &Path, at: Option<std::ops::Range<usize>>, message: &str) -> Error {
    let offset = at.as_ref().map_or(0, |s| s.start);
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    // toml names the key only when it is unknown; a wrong value's error
    // points at the value, so the key is found from the document's spans.
    let key = at.and_then(|_| {
        let doc = toml::de::DeTable::parse(text).ok()?;
        key_at(doc.get_ref(), offset, "")
    });
    Error::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        key,
        message: message.trim().to_string(),
    }
}

/// The dotted key whose name or value covers byte `offset`, the innermost
/// one when tables nest.
fn key_at(table: &toml::de::DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table {
        let dotted = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if key.span().contains(&offset) {
            return Some(dotted);
        }
        // A `[table]`'s span need not cover its keys: look inside first.
        if let toml::de::DeValue::Table(inner) = value.get_ref() {
            if let Some(found) = key_at(inner, offset, &dotted) {
                return Some(found);
            }
        }
        if value.span().contains(&offset) {
            return Some(dotted);
        }
    }
    None
}

/// The span of top-level key `name` in `text`.
fn key_span(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    doc.get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == name)
        .map(|(k, _)| k.span())
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    /// An environment variable, by name.
    Env(&'static str),
    /// A command-line flag, by name.
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// A setting's effective value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// What the environment and the command line say about one setting, each
/// with the variable or flag that said it.
#[derive(Debug, Clone, PartialEq)]
pub struct Given<T> {
    pub env: Option<(T, &'static str)>,
    pub flag: Option<(T, &'static str)>,
}

impl<T> Default for Given<T> {
    fn default() -> Self {
        Given {
            env: None,
            flag: None,
        }
    }
}

impl<T> Given<T> {
    /// With the value of variable `var`, if it has one.
    pub fn env(mut self, var: &'static str, value: Option<T>) -> Self {
        self.env = value.map(|v| (v, var));
        self
    }

    /// With the value of flag `flag`, if it was given.
    pub fn flag(mut self, flag: &'static str, value: Option<T>) -> Self {
        self.flag = value.map(|v| (v, flag));
        self
    }

    fn map<U>(self, f: impl Fn(T) -> U) -> Given<U> {
        Given {
            env: self.env.map(|(v, n)| (f(v), n)),
            flag: self.flag.map(|(v, n)| (f(v), n)),
        }
    }
}

impl<T> Setting<T> {
    /// The value of the highest layer that has one: the flag, else the
    /// variable, else the file (at `path`), else `default`.
    pub fn layered(default: T, file: Option<T>, path: Option<&Path>, given: Given<T>) -> Self {
        if let Some((value, flag)) = given.flag {
            return Setting {
                value,
                source: Source::Flag(flag),
            };
        }
        if let Some((value, var)) = given.env {
            return Setting {
                value,
                source: Source::Env(var),
            };
        }
        match (file, path) {
            (Some(value), Some(path)) => Setting {
                value,
                source: Source::File(path.to_path_buf()),
            },
            _ => Setting {
                value: default,
                source: Source::Default,
            },
        }
    }
}

/// Per setting, what the environment and the command line say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub lake: Given<String>,
    pub cache_dir: Given<PathBuf>,
    pub threads: Given<usize>,
    pub project: Given<String>,
    pub location: Given<String>,
    pub staging: Given<String>,
    pub min_ratio: Given<f64>,
}

/// The defaults that depend on the command or the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    /// `data/lake`, or `data/demo-lake` for `demo`.
    pub lake: String,
    /// [`crate::lake::default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
}

/// The effective settings of one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The file read, if any, and how it was found.
    pub file: Option<(PathBuf, Found)>,
    pub lake: Setting<String>,
    pub cache_dir: Setting<Option<PathBuf>>,
    /// `None`: rayon's default (every core).
    pub threads: Setting<Option<usize>>,
    pub project: Setting<Option<String>>,
    pub location: Setting<Option<String>>,
    pub staging: Setting<Option<String>>,
    pub min_ratio: Setting<f64>,
}

impl Settings {
    /// Layers `given` over `file` over `defaults`.
    pub fn resolve(defaults: Defaults, file: Option<&ConfigFile>, given: Overrides) -> Settings {
        let path = file.map(|f| f.path.as_path());
        let f = file.map(|f| f.settings.clone()).unwrap_or_default();
        fn optional<T>(
            file: Option<T>,
            path: Option<&Path>,
            given: Given<T>,
        ) -> Setting<Option<T>> {
            Setting::layered(None, file.map(Some), path, given.map(Some))
        }
        Settings {
            file: file.map(|f| (f.path.clone(), f.found)),
            lake: Setting::layered(defaults.lake, f.lake, path, given.lake),
            cache_dir: Setting::layered(
                defaults.cache_dir,
                f.cache_dir.map(Some),
                path,
                given.cache_dir.map(Some),
            ),
            threads: optional(f.threads, path, given.threads),
            project: optional(f.bigquery.project, path, given.project),
            location: optional(f.bigquery.location, path, given.location),
            staging: optional(f.bigquery.staging, path, given.staging),
            min_ratio: Setting::layered(
                DEFAULT_MIN_RATIO,
                f.preflight.min_ratio,
                path,
                given.min_ratio,
            ),
        }
    }
}

/// `value` with whatever could be a credential replaced by `***`: a URL's
/// user name and password, its query (a signed URL's signature and token
/// are there) and its fragment. Anything else comes back as it is, so a
/// path or a plain bucket URL is shown exactly.
pub fn redact(value: &str) -> Cow<'_, str> {
    let Ok(mut url) = url::Url::parse(value) else {
        return Cow::Borrowed(value);
    };
    let userinfo = !url.username().is_empty() || url.password().is_some();
    if !userinfo && url.query().is_none() && url.fragment().is_none() {
        return Cow::Borrowed(value);
    }
    if userinfo && (url.set_password(None).is_err() || url.set_username("***").is_err()) {
        return Cow::Owned("***".into());
    }
    if url.query().is_some() {
        url.set_query(Some("***"));
    }
    if url.fragment().is_some() {
        url.set_fragment(Some("***"));
    }
    Cow::Owned(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_at(text: &str) -> (usize, usize, Option<String>, String) {
        match parse(text, Path::new("conf/backcourt.toml"), Found::WorkingDir) {
            Err(Error::Invalid {
                path,
                line,
                column,
                key,
                message,
            }) => {
                assert_eq!(path, Path::new("conf/backcourt.toml"));
                (line, column, key, message)
            }
            other => panic!("{text:?}: expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn parses_every_setting_and_anchors_relative_paths_at_the_file() {
        let text = r#"
lake = "lake"
cache_dir = "/var/cache/backcourt"
threads = 3

[bigquery]
project = "my-proj"
location = "EU"
staging = "gs://my-bucket/staging"

[preflight]
min_ratio = 0.9
"#;
        let s = parse(text, Path::new("conf/backcourt.toml"), Found::WorkingDir).expect("valid");
        assert_eq!(
            s,
            FileSettings {
                lake: Some("conf/lake".into()),
                cache_dir: Some("/var/cache/backcourt".into()),
                threads: Some(3),
                bigquery: BigQueryFile {
                    project: Some("my-proj".into()),
                    location: Some("EU".into()),
                    staging: Some("gs://my-bucket/staging".into()),
                },
                preflight: PreflightFile {
                    min_ratio: Some(0.9)
                },
            }
        );
        // A bucket lake is a URL, not a path; a relative cache_dir follows the file.
        let s = parse(
            "lake = \"s3://b/p\"\ncache_dir = \"cache\"\n[preflight]\nmin_ratio = 1\n",
            Path::new("conf/backcourt.toml"),
            Found::WorkingDir,
        )
        .expect("valid");
        assert_eq!(s.lake.as_deref(), Some("s3://b/p"));
        assert_eq!(s.cache_dir, Some(PathBuf::from("conf/cache")));
        assert_eq!(s.preflight.min_ratio, Some(1.0), "an integer ratio");
        // Beside the working directory's file, paths stay as written.
        let s = parse(
            "lake = \"data/x\"",
            Path::new("backcourt.toml"),
            Found::WorkingDir,
        )
        .expect("valid");
        assert_eq!(s.lake.as_deref(), Some("data/x"));
        assert_eq!(
            parse("", Path::new("backcourt.toml"), Found::WorkingDir).expect("empty"),
            FileSettings::default()
        );
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let (line, column, key, message) = invalid_at("lake = \"x\"\nlakee = \"y\"\n");
        assert_eq!((line, column), (2, 1));
        assert_eq!(key.as_deref(), Some("lakee"));
        assert!(message.contains("unknown field `lakee`"), "{message}");

        let (line, _, key, message) = invalid_at("[bigquery]\nproject = \"p\"\nprojct = \"q\"\n");
        assert_eq!(line, 3);
        assert_eq!(key.as_deref(), Some("bigquery.projct"));
        assert!(
            message.contains("`project`"),
            "lists the known keys: {message}"
        );

        let (line, _, key, _) = invalid_at("[export]\nproject = \"p\"\n");
        assert_eq!(line, 1);
        assert_eq!(key.as_deref(), Some("export"));
    }

    #[test]
    fn wrong_types_name_the_key_the_value_belongs_to() {
        let (line, column, key, message) = invalid_at("lake = \"x\"\nthreads = \"eight\"\n");
        assert_eq!((line, column), (2, 11));
        assert_eq!(key.as_deref(), Some("threads"));
        assert!(message.contains("invalid type"), "{message}");

        let (line, _, key, _) = invalid_at("threads = 2\n\n[bigquery]\nproject = 3\n");
        assert_eq!(line, 4);
        assert_eq!(key.as_deref(), Some("bigquery.project"));

        let (line, _, key, _) = invalid_at("\nbigquery = { location = \"EU\", project = 3 }\n");
        assert_eq!(line, 2);
        assert_eq!(key.as_deref(), Some("bigquery.project"));

        let (_, _, key, message) = invalid_at("bigquery = \"my-proj\"\n");
        assert_eq!(key.as_deref(), Some("bigquery"));
        assert!(message.contains("a table ([bigquery])"), "{message}");

        let (_, _, key, _) = invalid_at("threads = -1\n");
        assert_eq!(key.as_deref(), Some("threads"));
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let (line, _, key, _) = invalid_at("threads = 2\nlake = 'unterminated\n");
        assert_eq!(line, 2);
        assert_eq!(key, None);
        let err = parse("a = 1\na = 2\n", Path::new("x.toml"), Found::WorkingDir).unwrap_err();
        assert!(err.to_string().starts_with("x.toml:2:"), "{err}");
    }

    #[test]
    fn the_error_text_names_file_line_and_key() {
        let err = parse(
            "[bigquery]\nprojct = \"p\"\n",
            Path::new("/etc/backcourt.toml"),
            Found::WorkingDir,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("/etc/backcourt.toml:2:1: `bigquery.projct`: unknown field"),
            "{text}"
        );
    }

    #[test]
    fn a_lakes_own_file_cannot_move_the_lake() {
        let text = "threads = 2\nlake = \"elsewhere\"\n";
        match parse(text, Path::new("data/lake/backcourt.toml"), Found::Lake) {
            Err(Error::Invalid { line, key, .. }) => {
                assert_eq!(line, 2);
                assert_eq!(key.as_deref(), Some("lake"));
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        // The same file named or in the working directory may.
        for found in [Found::WorkingDir, Found::Given("--config")] {
            assert!(parse(text, Path::new("backcourt.toml"), found).is_ok());
        }
        // And the lake's file may set everything else.
        let s = parse(
            "threads = 2",
            Path::new("data/lake/backcourt.toml"),
            Found::Lake,
        )
        .expect("valid");
        assert_eq!(s.threads, Some(2));
    }

    #[test]
    fn find_takes_the_given_file_then_the_working_directory_then_the_lake() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cwd = dir.path();
        let lake = cwd.join("lake");
        std::fs::create_dir(&lake).expect("mkdir");
        let lake_str = lake.to_str().expect("utf-8");

        assert_eq!(find(None, cwd, lake_str).expect("ok"), None);

        std::fs::write(lake.join(FILE_NAME), "").expect("write");
        assert_eq!(
            find(None, cwd, lake_str).expect("ok"),
            Some((lake.join(FILE_NAME), Found::Lake))
        );
        // A relative lake is relative to the working directory.
        assert_eq!(
            find(None, cwd, "lake").expect("ok"),
            Some((lake.join(FILE_NAME), Found::Lake))
        );
        // A bucket lake is never looked into.
        assert_eq!(find(None, cwd, "s3://lake").expect("ok"), None);

        std::fs::write(cwd.join(FILE_NAME), "").expect("write");
        assert_eq!(
            find(None, cwd, lake_str).expect("ok"),
            Some((cwd.join(FILE_NAME), Found::WorkingDir))
        );

        let named = cwd.join("other.toml");
        std::fs::write(&named, "").expect("write");
        assert_eq!(
            find(Some((&named, "BACKCOURT_CONFIG")), cwd, lake_str).expect("ok"),
            Some((named.clone(), Found::Given("BACKCOURT_CONFIG")))
        );
        // A named file must exist, even when another would be found.
        let missing = cwd.join("missing.toml");
        let err = find(Some((&missing, "--config")), cwd, lake_str).unwrap_err();
        assert!(matches!(err, Error::Missing { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&*missing.to_string_lossy()),
            "{err}"
        );
        // A directory is not a file.
        assert!(find(Some((&lake, "--config")), cwd, lake_str).is_err());
    }

    fn file(settings: FileSettings) -> ConfigFile {
        ConfigFile {
            path: "conf/backcourt.toml".into(),
            found: Found::WorkingDir,
            settings,
        }
    }

    fn defaults() -> Defaults {
        Defaults {
            lake: "data/lake".into(),
            cache_dir: Some("/home/u/.cache/backcourt/lakes".into()),
        }
    }

    #[test]
    fn each_layer_overrides_the_one_below() {
        let from_file = file(FileSettings {
            lake: Some("conf/lake".into()),
            threads: Some(2),
            ..Default::default()
        });
        let lake = |over: Given<String>, file: Option<&ConfigFile>| {
            let s = Settings::resolve(
                defaults(),
                file,
                Overrides {
                    lake: over,
                    ..Default::default()
                },
            );
            (s.lake.value, s.lake.source.to_string())
        };
        assert_eq!(
            lake(Given::default(), None),
            ("data/lake".into(), "default".into())
        );
        assert_eq!(
            lake(Given::default(), Some(&from_file)),
            ("conf/lake".into(), "file conf/backcourt.toml".into())
        );
        let env = Given::default().env("BACKCOURT_LAKE", Some("env-lake".to_string()));
        assert_eq!(
            lake(env.clone(), Some(&from_file)),
            ("env-lake".into(), "env BACKCOURT_LAKE".into())
        );
        assert_eq!(
            lake(
                env.flag("--lake", Some("flag-lake".to_string())),
                Some(&from_file)
            ),
            ("flag-lake".into(), "flag --lake".into())
        );
        // A flag not given leaves the variable in charge.
        let env = Given::default()
            .env("BACKCOURT_LAKE", Some("env-lake".to_string()))
            .flag("--lake", None);
        assert_eq!(lake(env, None).1, "env BACKCOURT_LAKE");
    }

    #[test]
    fn a_file_sets_only_what_it_says() {
        let s = Settings::resolve(
            defaults(),
            Some(&file(FileSettings {
                bigquery: BigQueryFile {
                    project: Some("p".into()),
                    ..Default::default()
                },
                ..Default::default()
            })),
            Overrides::default(),
        );
        assert_eq!(s.project.value.as_deref(), Some("p"));
        assert_eq!(s.project.source, Source::File("conf/backcourt.toml".into()));
        assert_eq!(s.location.value, None);
        assert_eq!(s.location.source, Source::Default);
        assert_eq!(s.lake.value, "data/lake");
        assert_eq!(
            s.cache_dir,
            Setting {
                value: Some("/home/u/.cache/backcourt/lakes".into()),
                source: Source::Default,
            }
        );
        assert_eq!(s.threads.value, None);
        assert_eq!(s.min_ratio.value, DEFAULT_MIN_RATIO);
        assert_eq!(
            s.file,
            Some(("conf/backcourt.toml".into(), Found::WorkingDir))
        );

        let s = Settings::resolve(
            defaults(),
            Some(&file(FileSettings {
                cache_dir: Some("conf/cache".into()),
                preflight: PreflightFile {
                    min_ratio: Some(0.8),
                },
                ..Default::default()
            })),
            Overrides {
                cache_dir: Given::default().env("BACKCOURT_CACHE_DIR", Some("/tmp/c".into())),
                min_ratio: Given::default().flag("--min-ratio", Some(0.5)),
                ..Default::default()
            },
        );
        assert_eq!(s.cache_dir.value, Some(PathBuf::from("/tmp/c")));
        assert_eq!(s.cache_dir.source, Source::Env("BACKCOURT_CACHE_DIR"));
        assert_eq!(s.min_ratio.value, 0.5);
        assert_eq!(s.min_ratio.source, Source::Flag("--min-ratio"));
    }

    #[test]
    fn redaction_hides_credentials_and_nothing_else() {
        for (given, shown) in [
            ("s3://AKIA:s3cr3t@bucket/lake", "s3://***@bucket/lake"),
            ("gs://token@bucket/p", "gs://***@bucket/p"),
            (
                "https://host/p?X-Goog-Signature=abc&token=def",
                "https://host/p?***",
            ),
            ("gs://bucket/p?abc123", "gs://bucket/p?***"),
            ("gs://bucket/p#frag", "gs://bucket/p#***"),
        ] {
            assert_eq!(redact(given), shown, "{given}");
        }
        for plain in [
            "data/lake",
            "/abs/lake",
            "gs://bucket/prefix",
            "s3://bucket",
            "my-proj",
            "EU",
            "C:\\lakes\\x",
        ] {
            assert!(
                matches!(redact(plain), Cow::Borrowed(s) if s == plain),
                "{plain}"
            );
        }
    }
}
