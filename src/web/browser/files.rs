//! Collecting the files a user picked or dropped, with their paths inside folders.
//!
//! Implementation note: a drop's `DataTransfer` is only readable during the event, so
//! [`DroppedItems::take`] grabs the entries synchronously and [`DroppedItems::collect`]
//! walks folders afterwards. Folder walking uses the (callback-based) File and Directory
//! Entries API, wrapped in promises.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
};

/// A file to load and the path the ledger shows for it.
pub struct PickedFile {
    pub path: String,
    pub file: File,
}

/// Files from an `<input type=file>` (with `webkitdirectory`, paths are relative).
pub fn from_file_list(list: &FileList) -> Vec<PickedFile> {
    let mut out: Vec<PickedFile> = (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| PickedFile {
            path: relative_path(&file),
            file,
        })
        .filter(|f| !is_system_file(&f.path))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn relative_path(file: &File) -> String {
    js_sys::Reflect::get(file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|p| p.as_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| file.name())
}

/// Finder and Explorer litter folders with these; they are never logs.
fn is_system_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('.')
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// What a drop carried, taken while the event is live.
pub struct DroppedItems {
    entries: Vec<FileSystemEntry>,
    files: Vec<File>,
}

impl DroppedItems {
    pub fn take(dt: &DataTransfer) -> DroppedItems {
        let items = dt.items();
        let entries = (0..items.length())
            .filter_map(|i| items.get(i))
            .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
            .collect();
        let files = dt.files().map_or_else(Vec::new, |list| {
            (0..list.length()).filter_map(|i| list.get(i)).collect()
        });
        DroppedItems { entries, files }
    }

    /// Every file, folders walked recursively. Falls back to the plain file list when the
    /// browser gives no entries (synthetic drops, older browsers).
    pub async fn collect(self) -> Vec<PickedFile> {
        let mut out = Vec::new();
        let mut stack = self.entries;
        let walked_any = !stack.is_empty();
        while let Some(entry) = stack.pop() {
            if entry.is_directory() {
                let dir: FileSystemDirectoryEntry = entry.unchecked_into();
                let reader = dir.create_reader();
                // readEntries returns at most ~100 entries per call: call until empty.
                loop {
                    let batch = callback_promise(|ok, err| {
                        if let Err(e) = reader.read_entries_with_callback_and_callback(ok, err) {
                            let _ = err.call1(&JsValue::NULL, &e);
                        }
                    })
                    .await;
                    let Ok(batch) = batch else { break };
                    let batch: Array = batch.unchecked_into();
                    if batch.length() == 0 {
                        break;
                    }
                    stack.extend(batch.iter().map(JsValue::unchecked_into::<FileSystemEntry>));
                }
            } else if entry.is_file() {
                let path = entry.full_path().trim_start_matches('/').to_owned();
                let file_entry: FileSystemFileEntry = entry.unchecked_into();
                let file =
                    callback_promise(|ok, err| file_entry.file_with_callback_and_callback(ok, err))
                        .await;
                if let Ok(file) = file {
                    out.push(PickedFile {
                        path,
                        file: file.unchecked_into(),
                    });
                }
            }
        }
        if !walked_any || out.is_empty() {
            out = self
                .files
                .into_iter()
                .map(|file| PickedFile {
                    path: relative_path(&file),
                    file,
                })
                .collect();
        }
        out.retain(|f| !is_system_file(&f.path));
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

/// Runs a callback-style API as a future: `start` gets the resolve and reject functions.
async fn callback_promise(start: impl FnOnce(&Function, &Function)) -> Result<JsValue, JsValue> {
    let mut start = Some(start);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(start) = start.take() {
            start(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await
}
