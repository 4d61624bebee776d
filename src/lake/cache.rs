//! The local cache through which the engine reads a bucket lake.
//!
//! DuckDB reads only local files here (the prebuilt library has no httpfs
//! extension and extensions cannot be downloaded), so a bucket lake keeps a
//! mirror of its table partitions on local disk, in the same Hive layout.
//!
//! - **Keyed** by the lake: one directory per (root URL, endpoint), under
//!   `$BACKCOURT_CACHE_DIR`, else `$XDG_CACHE_HOME/backcourt/lakes`, else
//!   `~/.cache/backcourt/lakes`. The endpoint is part of the key because the
//!   same bucket name on another server is another lake.
//! - **Invalidated per object by its e-tag.** Each table directory holds a
//!   manifest (`_etags.json`: object path → e-tag of the cached copy).
//!   Syncing a table lists its prefix once, fetches the objects whose e-tag
//!   differs from the manifest or whose file is missing, and deletes the
//!   files whose objects are gone; unchanged partitions cost no transfer.
//! - **Written through.** A partition this process publishes is stored in
//!   the cache with the e-tag the store returned, so it is not downloaded
//!   again.
//!
//! Files are replaced by rename, so DuckDB never reads a half-written copy.
//! One process at a time should write to a cache: the runner's lake lock
//! already serialises writers; readers that race a writer at worst fetch an
//! object again.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Mutex;

use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as StorePath;
use object_store::{ObjectMeta, ObjectStore};

use super::{Error, Result, IO_CONCURRENCY};

/// The manifest's file name inside a cached table's directory.
const MANIFEST: &str = "_etags.json";

/// A lake's local cache directory.
pub(crate) struct Cache {
    dir: PathBuf,
    /// Serialises this process's manifest edits, so a manifest is never
    /// read and saved by two threads at once (runner stages write tables
    /// from several threads).
    lock: Mutex<()>,
    /// What every sync of this process did, added up.
    totals: Mutex<SyncStats>,
}

/// One published change to a bucket lake, for [`Cache::write_through`].
pub(crate) enum Change<'a> {
    Put {
        path: &'a str,
        bytes: &'a [u8],
        e_tag: Option<String>,
    },
    Delete {
        path: &'a str,
    },
}

/// What cache syncs did: objects fetched (and their bytes), cached files
/// deleted because their objects were gone, objects found current.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncStats {
    pub fetched: u64,
    pub fetched_bytes: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

/// Where bucket lakes are cached when neither the caller nor
/// `BACKCOURT_CACHE_DIR` says: `$XDG_CACHE_HOME/backcourt/lakes`, else
/// `~/.cache/backcourt/lakes`; `None` without either variable. Public so that
/// what a command shows as the default is what a lake would use.
pub fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|dir| dir.join("backcourt").join("lakes"))
}

impl Cache {
    /// The cache of the lake at `root` (a bucket URL), reached through
    /// `endpoint` (empty for the provider's default), below `base` or the
    /// default cache directory.
    pub(crate) fn for_root(root: &str, endpoint: &str, base: Option<&FsPath>) -> Result<Cache> {
        let base = base
            .map(FsPath::to_path_buf)
            .or_else(|| std::env::var_os("BACKCOURT_CACHE_DIR").map(PathBuf::from))
            .or_else(default_cache_dir)
            .ok_or_else(|| Error::Root {
                root: root.into(),
                reason: "no cache directory: set BACKCOURT_CACHE_DIR (or HOME)".into(),
            })?;
        let key = xxhash_rust::xxh3::xxh3_64(format!("{root}\n{endpoint}").as_bytes());
        let readable: String = root
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let dir = base.join(format!("{readable}-{key:016x}"));
        std::fs::create_dir_all(&dir).map_err(|e| Error::Root {
            root: root.into(),
            reason: format!("creating the cache {}: {e}", dir.display()),
        })?;
        Ok(Cache {
            dir,
            lock: Mutex::new(()),
            totals: Mutex::new(SyncStats::default()),
        })
    }

    pub(crate) fn dir(&self) -> &FsPath {
        &self.dir
    }

    pub(crate) fn totals(&self) -> SyncStats {
        *self.totals.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Brings the cached copy of the table under `table_prefix` in line
    /// with `listing`, the store's objects under that prefix.
    pub(crate) async fn sync(
        &self,
        store: &dyn ObjectStore,
        table_prefix: &str,
        listing: &[ObjectMeta],
    ) -> Result<SyncStats> {
        let manifest = self.load(table_prefix);
        let mut stats = SyncStats::default();
        let wanted: BTreeMap<String, &ObjectMeta> = listing
            .iter()
            .filter(|m| m.location.as_ref().ends_with(".parquet"))
            .map(|m| (m.location.to_string(), m))
            .collect();

        let stale: Vec<&ObjectMeta> = wanted
            .iter()
            .filter(|(path, meta)| {
                let current = meta.e_tag.is_some()
                    && manifest.get(*path) == meta.e_tag.as_ref()
                    && std::fs::metadata(self.dir.join(path)).is_ok_and(|m| m.len() == meta.size);
                !current
            })
            .map(|(_, m)| *m)
            .collect();
        stats.unchanged = (wanted.len() - stale.len()) as u64;

        // Each file is stored as it arrives (a rename, so concurrent readers
        // see the old copy or the new one); the manifest is updated after.
        let fetched: Vec<(String, Option<String>, u64)> =
            futures::stream::iter(stale.into_iter().map(|meta| async move {
                let path = meta.location.to_string();
                let got = store
                    .get(&meta.location)
                    .await
                    .map_err(|source| Error::Store {
                        path: path.clone(),
                        source,
                    })?;
                let e_tag = got.meta.e_tag.clone();
                let bytes = got.bytes().await.map_err(|source| Error::Store {
                    path: path.clone(),
                    source,
                })?;
                self.store_file(&path, &bytes)?;
                Ok::<_, Error>((path, e_tag, bytes.len() as u64))
            }))
            .buffer_unordered(IO_CONCURRENCY)
            .try_collect()
            .await?;
        let mut edits: Vec<(String, Option<String>)> = Vec::new();
        for (path, e_tag, len) in fetched {
            stats.fetched += 1;
            stats.fetched_bytes += len;
            edits.push((path, e_tag));
        }

        // Files whose objects are gone (a partition deleted, possibly by
        // another machine), and manifest entries without an object.
        for path in local_parquet(&self.dir, table_prefix) {
            if !wanted.contains_key(&path) {
                self.remove_file(&path)?;
                stats.deleted += 1;
                edits.push((path, None));
            }
        }
        edits.extend(
            manifest
                .keys()
                .filter(|p| !wanted.contains_key(*p))
                .map(|p| (p.clone(), None)),
        );
        if !edits.is_empty() {
            self.edit_manifest(table_prefix, edits)?;
        }
        let mut totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
        totals.fetched += stats.fetched;
        totals.fetched_bytes += stats.fetched_bytes;
        totals.deleted += stats.deleted;
        totals.unchanged += stats.unchanged;
        Ok(stats)
    }

    /// Records partitions this process has just published: stores each
    /// written one with the e-tag the store returned, removes each deleted
    /// one.
    pub(crate) fn write_through(&self, changes: &[Change<'_>]) -> Result<()> {
        let mut by_table: BTreeMap<String, Vec<(String, Option<String>)>> = BTreeMap::new();
        for change in changes {
            let path = match change {
                Change::Put { path, .. } | Change::Delete { path } => *path,
            };
            let Some(prefix) = table_prefix_of(path) else {
                continue;
            };
            let e_tag = match change {
                Change::Put { bytes, e_tag, .. } => {
                    self.store_file(path, bytes)?;
                    e_tag.clone()
                }
                Change::Delete { .. } => {
                    self.remove_file(path)?;
                    None
                }
            };
            by_table
                .entry(prefix)
                .or_default()
                .push((path.to_string(), e_tag));
        }
        for (prefix, edits) in by_table {
            self.edit_manifest(&prefix, edits)?;
        }
        Ok(())
    }

    /// Applies `edits` (path → e-tag; `None` removes the entry) to a table's
    /// manifest, read again under the lock so concurrent edits are kept.
    fn edit_manifest(
        &self,
        table_prefix: &str,
        edits: Vec<(String, Option<String>)>,
    ) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut manifest = self.load(table_prefix);
        for (path, e_tag) in edits {
            match e_tag {
                Some(tag) => manifest.insert(path, tag),
                None => manifest.remove(&path),
            };
        }
        self.save(table_prefix, &manifest)
    }

    fn manifest_path(&self, table_prefix: &str) -> PathBuf {
        self.dir.join(table_prefix).join(MANIFEST)
    }

    fn load(&self, table_prefix: &str) -> BTreeMap<String, String> {
        // An unreadable manifest only costs a refetch.
        std::fs::read(self.manifest_path(table_prefix))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, table_prefix: &str, manifest: &BTreeMap<String, String>) -> Result<()> {
        let bytes = serde_json::to_vec(manifest).expect("a string map serialises");
        self.write_atomically(&self.manifest_path(table_prefix), &bytes)
    }

    fn store_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.write_atomically(&self.dir.join(path), bytes)
    }

    fn remove_file(&self, path: &str) -> Result<()> {
        let file = self.dir.join(path);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(cache_io(&file, e)),
        }
        // The emptied partition directory, so DuckDB's glob does not see it.
        if let Some(parent) = file.parent() {
            let _ = std::fs::remove_dir(parent);
        }
        Ok(())
    }

    fn write_atomically(&self, file: &FsPath, bytes: &[u8]) -> Result<()> {
        let parent = file.parent().expect("cache files live below the cache dir");
        std::fs::create_dir_all(parent).map_err(|e| cache_io(parent, e))?;
        let staging = file.with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&staging, bytes).map_err(|e| cache_io(&staging, e))?;
        std::fs::rename(&staging, file).map_err(|e| cache_io(file, e))
    }
}

fn cache_io(path: &FsPath, e: std::io::Error) -> Error {
    Error::Cache {
        path: path.display().to_string(),
        source: e,
    }
}

/// `<dataset>/<table>` of an object path below a table, if it is a
/// partition file.
fn table_prefix_of(path: &str) -> Option<String> {
    if !path.ends_with(".parquet") || path.starts_with('_') {
        return None;
    }
    let mut parts = path.splitn(3, '/');
    let (dataset, table) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some(format!("{dataset}/{table}"))
}

/// The `.parquet` files cached below `table_prefix`, as object paths.
fn local_parquet(dir: &FsPath, table_prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join(table_prefix)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                if let Ok(rel) = path.strip_prefix(dir) {
                    out.push(
                        StorePath::from_iter(rel.iter().map(|c| c.to_string_lossy().into_owned()))
                            .to_string(),
                    );
                }
            }
        }
    }
    out
}
