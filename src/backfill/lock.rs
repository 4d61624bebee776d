//! One writer per lake: `_backcourt/lock`, created with a conditional put
//! (create-if-absent, atomic on a file system and on object stores), naming
//! its holder. A second run finds it and refuses, naming the holder; the
//! lock goes when its holder ends. A holder killed outright (`kill -9`)
//! cannot remove it: a lock whose holder was on this machine and whose
//! process is gone is taken over, with a warning. A lock from another
//! machine is never broken automatically (`backcourt unlock` removes it).
//! Writers (`run`, `mirror`) take the lock; `export`, a reader, only checks
//! that no writer holds it ([`check_unlocked`]).

use serde::{Deserialize, Serialize};

use crate::lake::{self, Lake};

/// The lock object's path in the lake.
pub const LOCK_PATH: &str = "_backcourt/lock";

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub started_at: String,
    pub command: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} on {} since {} (`{}`)",
            self.pid, self.host, self.started_at, self.command
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("lake {root} is locked by another run: {holder}. Wait for it to finish; if it is gone and was on another machine, `backcourt unlock` removes the lock")]
    Held { root: String, holder: Holder },
    #[error("lake {root} is locked by an unreadable lock {path} ({reason}); `backcourt unlock` removes it")]
    Unreadable {
        root: String,
        path: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Lake(#[from] lake::Error),
}

/// The lock, held until dropped.
#[derive(Debug)]
pub struct LakeLock<'l> {
    lake: &'l Lake,
}

impl Drop for LakeLock<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.lake.delete(LOCK_PATH) {
            tracing::warn!(error = %e, "could not remove the lake lock {LOCK_PATH}");
        }
    }
}

/// Takes the lake's lock for `command`, or says who has it.
pub fn acquire<'l>(lake: &'l Lake, command: &str) -> Result<LakeLock<'l>, LockError> {
    let me = Holder {
        pid: std::process::id(),
        host: hostname(),
        started_at: super::ledger::now(),
        command: command.to_string(),
    };
    let bytes = serde_json::to_vec_pretty(&me).expect("a holder serialises");
    for _ in 0..2 {
        if lake.create_new(LOCK_PATH, bytes.clone())? {
            return Ok(LakeLock { lake });
        }
        let holder = match read_holder(lake)? {
            Some(h) => h,
            // Released between our put and our read: try again.
            None => continue,
        };
        if holder.host == me.host && !process_alive(holder.pid) {
            tracing::warn!(%holder, "taking over the lock of a run that is gone");
            lake.delete(LOCK_PATH)?;
            continue;
        }
        return Err(LockError::Held {
            root: lake.root().into(),
            holder,
        });
    }
    match read_holder(lake)? {
        Some(holder) => Err(LockError::Held {
            root: lake.root().into(),
            holder,
        }),
        None => Err(LockError::Unreadable {
            root: lake.root().into(),
            path: LOCK_PATH,
            reason: "it came and went while we tried to take it".into(),
        }),
    }
}

/// The current holder, if the lake is locked.
pub fn read_holder(lake: &Lake) -> Result<Option<Holder>, LockError> {
    match lake.get_opt(LOCK_PATH)? {
        None => Ok(None),
        Some(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| LockError::Unreadable {
                    root: lake.root().into(),
                    path: LOCK_PATH,
                    reason: e.to_string(),
                })
        }
    }
}

/// For a reader that must not see a run's writes half done (`export`):
/// an error naming the holder when a writer holds the lake. A lock left by
/// a process of this machine that is gone is no writer. Readers take no
/// lock of their own, so they do not keep each other out.
pub fn check_unlocked(lake: &Lake) -> Result<(), LockError> {
    match read_holder(lake)? {
        Some(holder) if holder.host != hostname() || process_alive(holder.pid) => {
            Err(LockError::Held {
                root: lake.root().into(),
                holder,
            })
        }
        _ => Ok(()),
    }
}

/// Removes the lock whoever holds it (`backcourt unlock`).
pub fn force_release(lake: &Lake) -> Result<Option<Holder>, LockError> {
    let holder = read_holder(lake).unwrap_or(None);
    lake.delete(LOCK_PATH)?;
    Ok(holder)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether a process with `pid` runs here. Where `/proc` is missing the
/// answer is yes: never break a lock on a guess.
fn process_alive(pid: u32) -> bool {
    if !std::path::Path::new("/proc/self").exists() {
        return true;
    }
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}
