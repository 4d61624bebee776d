//! What the lake holds, as the ledger sees it: a content hash and a row count
//! per partition, and from them the fingerprint of the inputs each
//! (table, date) reads.
//!
//! Hashes are of the partition's bytes, not of its modification time: the
//! lake rewrites identical rows to identical bytes, so a date recomputed
//! with the same result leaves its dependents current (they are not rerun),
//! and a partition changed or deleted behind the runner's back is noticed.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use xxhash_rust::xxh3::Xxh3;

use crate::lake::{self, Lake};
use crate::registry::{ReadWindow, TableId, SCHEDULE_DAYS};

/// One partition's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionInfo {
    /// xxh3-128 of the file's bytes.
    pub hash: u128,
    /// Rows, from the Parquet footer (`None` when the footer does not parse).
    pub rows: Option<u64>,
}

impl PartitionInfo {
    fn of(bytes: &[u8]) -> PartitionInfo {
        PartitionInfo {
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
            rows: footer_rows(bytes),
        }
    }

    /// The hash as the ledger stores it.
    pub fn hex(&self) -> String {
        format!("{:032x}", self.hash)
    }
}

/// The row count a Parquet file's footer declares.
fn footer_rows(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    let tail: &[u8; 8] = bytes.get(n.checked_sub(8)?..)?.try_into().ok()?;
    let len = parquet::file::metadata::FooterTail::try_new(tail)
        .ok()?
        .metadata_length();
    let meta = bytes.get(n.checked_sub(8 + len)?..n - 8)?;
    let decoded = parquet::file::metadata::ParquetMetaDataReader::decode_metadata(meta).ok()?;
    u64::try_from(decoded.file_metadata().num_rows()).ok()
}

/// The partitions of one table.
#[derive(Debug, Clone, Default)]
pub struct TableState {
    /// Date-partitioned tables: one entry per partition present.
    pub dated: BTreeMap<NaiveDate, PartitionInfo>,
    /// Unpartitioned tables: the one file, if present.
    pub whole: Option<PartitionInfo>,
}

/// Where the hashes of the last scan are kept.
pub const HASH_CACHE: &str = "_backcourt/hashes.json";

/// A partition's hash as of a version of its object. A partition whose
/// e-tag (locally: inode, modification time in µs and size; on object
/// stores, the object's generation) is unchanged is not read again: a lake
/// write always replaces the object, so a new version has a new tag.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Cached {
    e_tag: String,
    hash: String,
    rows: Option<u64>,
}

/// The content of the tables a plan reads, scanned once per run and
/// rescanned per table as the run rewrites it.
#[derive(Debug, Default)]
pub struct LakeState {
    tables: HashMap<TableId, TableState>,
    /// By partition path.
    cache: std::sync::Mutex<BTreeMap<String, Cached>>,
    /// Whether the cache gained entries since it was loaded.
    cache_grew: std::sync::atomic::AtomicBool,
}

impl LakeState {
    /// Scans `tables` and everything they read.
    pub fn scan(lake: &Lake, tables: &[TableId]) -> lake::Result<LakeState> {
        let cache = match lake.get_opt(HASH_CACHE)? {
            // A cache that does not parse is rebuilt: it only saves reads.
            Some(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            None => BTreeMap::new(),
        };
        let mut state = LakeState {
            cache: std::sync::Mutex::new(cache),
            ..Default::default()
        };
        state.extend(lake, tables)?;
        Ok(state)
    }

    /// Scans `tables` and what they read, where not scanned yet.
    pub fn extend(&mut self, lake: &Lake, tables: &[TableId]) -> lake::Result<()> {
        for &t in tables {
            for &u in t.def().upstream.iter().chain([&t]) {
                if !self.tables.contains_key(&u) {
                    self.rescan(lake, u)?;
                }
            }
        }
        Ok(())
    }

    /// Reads `table`'s partitions again (after the run wrote it).
    pub fn rescan(&mut self, lake: &Lake, table: TableId) -> lake::Result<()> {
        let st = self.read_table(lake, table)?;
        self.tables.insert(table, st);
        Ok(())
    }

    /// The partitions of `table` as they are now: hashed anew where the
    /// cache does not know their current version.
    pub fn read_table(&self, lake: &Lake, table: TableId) -> lake::Result<TableState> {
        let parts = lake.partitions(table)?;
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            for p in parts {
                let path = Lake::partition_path(table, p.date);
                let hit = cache
                    .get(&path)
                    .filter(|c| Some(&c.e_tag) == p.e_tag.as_ref());
                match hit.and_then(|c| Some((u128::from_str_radix(&c.hash, 16).ok()?, c.rows))) {
                    Some((hash, rows)) => known.push((p.date, PartitionInfo { hash, rows })),
                    None => unknown.push((p, path)),
                }
            }
        }
        let paths: Vec<String> = unknown.iter().map(|(_, path)| path.clone()).collect();
        let infos = lake.map_objects(&paths, PartitionInfo::of)?;
        {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            for ((p, path), info) in unknown.into_iter().zip(infos) {
                if let Some(e_tag) = p.e_tag {
                    cache.insert(
                        path,
                        Cached {
                            e_tag,
                            hash: info.hex(),
                            rows: info.rows,
                        },
                    );
                    self.cache_grew
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
                known.push((p.date, info));
            }
        }
        let mut st = TableState::default();
        for (date, info) in known {
            match date {
                Some(d) => {
                    st.dated.insert(d, info);
                }
                None => st.whole = Some(info),
            }
        }
        Ok(st)
    }

    /// Stores the hashes learnt since the cache was loaded. Entries of
    /// partitions since deleted stay: they cost a line each, and a partition
    /// written at that path again has a new tag.
    pub fn save_cache(&self, lake: &Lake) -> lake::Result<()> {
        if !self.cache_grew.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        lake.put(
            HASH_CACHE,
            serde_json::to_vec(&*cache).expect("the cache serialises"),
        )
    }

    /// Replaces what is known of `table` with a fresh scan of it.
    pub fn replace(&mut self, table: TableId, state: TableState) {
        self.tables.insert(table, state);
    }

    /// The partitions of `table` as last scanned.
    pub fn table(&self, table: TableId) -> &TableState {
        static EMPTY: std::sync::OnceLock<TableState> = std::sync::OnceLock::new();
        self.tables
            .get(&table)
            .unwrap_or_else(|| EMPTY.get_or_init(TableState::default))
    }

    /// The fingerprint of what `table`'s rows for `date` read: the content of
    /// every upstream partition inside the table's read window, and the code
    /// that computes it (its SQL, the shared macros it reaches, its kernels and
    /// the release; `backfill::code`). Equal fingerprints mean the same result.
    pub fn fingerprint(&self, table: TableId, date: NaiveDate) -> String {
        let mut h = Xxh3::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&super::code::hash(table).to_le_bytes());
        for &up in table.def().upstream {
            h.update(up.to_string().as_bytes());
            let st = self.table(up);
            match up.def().date_column {
                None => h.update(&st.whole.map_or(0, |p| p.hash).to_le_bytes()),
                Some(_) => {
                    let (lo, hi) = window(table, up, date);
                    for (d, p) in st.dated.range(lo..=hi) {
                        h.update(&crate::dates::date_to_date32(*d).to_le_bytes());
                        h.update(&p.hash.to_le_bytes());
                    }
                }
            }
        }
        format!("{:032x}", h.digest128())
    }
}

/// The dates of `upstream` that `table`'s rows for `date` read (inclusive).
pub fn window(table: TableId, upstream: TableId, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let back = |n: u32| {
        date.checked_sub_days(Days::new(n.into()))
            .unwrap_or(NaiveDate::MIN)
    };
    if upstream == TableId::NbacSchedule {
        let ahead = date
            .checked_add_days(Days::new(SCHEDULE_DAYS.into()))
            .unwrap_or(NaiveDate::MAX);
        return (back(SCHEDULE_DAYS), ahead);
    }
    match table.read_window() {
        ReadWindow::SameDate => (date, date),
        ReadWindow::Days(n) => (back(n), date),
        ReadWindow::AllBefore => (NaiveDate::MIN, date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_rows_reads_a_written_file_and_rejects_garbage() {
        use arrow::array::{Int32Array, RecordBatch};
        use std::sync::Arc;
        let batch = RecordBatch::try_from_iter([(
            "x",
            Arc::new(Int32Array::from(vec![1, 2, 3])) as arrow::array::ArrayRef,
        )])
        .unwrap();
        let mut buf = Vec::new();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut buf, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        assert_eq!(footer_rows(&buf), Some(3));
        assert_eq!(footer_rows(b"not parquet at all"), None);
        assert_eq!(footer_rows(b""), None);
    }

    #[test]
    fn windows_follow_the_registry_and_the_schedule_is_read_both_ways() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        assert_eq!(
            window(TableId::PlayerGameSummary, TableId::BdlPlayerBoxscores, d),
            (d, d)
        );
        let (lo, hi) = window(TableId::PlayerDailyCache, TableId::PlayerGameSummary, d);
        // Back to last season's opening night: a carried-over opener reads it (player_form).
        assert_eq!(((d - lo).num_days(), hi), (430, d));
        let (lo, hi) = window(TableId::PlayerGameSummary, TableId::NbacSchedule, d);
        assert_eq!(((d - lo).num_days(), (hi - d).num_days()), (366, 366));
        assert_eq!(
            window(TableId::PlayerPropPredictions, TableId::MlFeatureStoreV2, d).0,
            NaiveDate::MIN
        );
    }
}
