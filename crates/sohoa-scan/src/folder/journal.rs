//! The folder's journal: one JSON line per step of a claimed file, each line fsynced before the step it
//! allows (an `importing` line before the import callback runs, an `imported` line before the file leaves
//! `.claimed/`). A torn last line from a crash is ignored on reading.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FolderError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Step {
    Claimed,
    Importing,
    Imported,
    Failed,
}

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    step: Step,
    key: String,
    /// The file's name as it arrived (a file name, not personal data by itself; logged as is).
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    importing: HashSet<String>,
    imported: HashSet<String>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Journal {
    /// Reads the journal, keeps only the lines of files still in `.claimed/` (`live` keys), rewrites it
    /// compacted (temp file + rename) and opens it for appending.
    pub(crate) fn open(path: &Path, live: &HashSet<String>) -> Result<Self, FolderError> {
        let mut kept: Vec<Line> = Vec::new();
        if path.exists() {
            let f = File::open(path).map_err(io_err(path))?;
            for line in BufReader::new(f).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str::<Line>(&line) {
                    Ok(l) if live.contains(&l.key) => kept.push(l),
                    Ok(_) => {}
                    Err(_) => tracing::warn!(journal = %path.display(), "torn journal line ignored"),
                }
            }
        }
        let tmp = path.with_extension("tmp");
        {
            let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
            for l in &kept {
                let s = serde_json::to_string(l).map_err(|e| FolderError::Journal(e.to_string()))?;
                writeln!(f, "{s}").map_err(io_err(&tmp))?;
            }
            f.sync_all().map_err(io_err(&tmp))?;
        }
        fs::rename(&tmp, path).map_err(io_err(path))?;
        let file = OpenOptions::new().append(true).open(path).map_err(io_err(path))?;
        let mut j = Journal {
            path: path.to_path_buf(),
            file,
            importing: HashSet::new(),
            imported: HashSet::new(),
        };
        for l in kept {
            j.note(l.step, &l.key);
        }
        Ok(j)
    }

    fn note(&mut self, step: Step, key: &str) {
        match step {
            Step::Importing => {
                self.importing.insert(key.to_owned());
            }
            Step::Imported => {
                self.imported.insert(key.to_owned());
            }
            Step::Claimed | Step::Failed => {}
        }
    }

    pub(crate) fn append(
        &mut self,
        step: Step,
        key: &str,
        name: &str,
        reason: Option<&str>,
    ) -> Result<(), FolderError> {
        let line = Line {
            step,
            key: key.to_owned(),
            name: name.to_owned(),
            reason: reason.map(str::to_owned),
        };
        let s = serde_json::to_string(&line).map_err(|e| FolderError::Journal(e.to_string()))?;
        self.file
            .write_all(format!("{s}\n").as_bytes())
            .map_err(io_err(&self.path))?;
        self.file.sync_data().map_err(io_err(&self.path))?;
        self.note(step, key);
        Ok(())
    }

    pub(crate) fn was_importing(&self, key: &str) -> bool {
        self.importing.contains(key)
    }

    pub(crate) fn was_imported(&self, key: &str) -> bool {
        self.imported.contains(key)
    }
}
